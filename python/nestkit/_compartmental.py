"""cm_default's structure keys at the Python boundary.

PyNEST sets a compartmental neuron's tree as lists of dictionaries
(``compartments``, ``receptors`` and their ``add_`` forms) and reads it back the
same way. The core's values have no nested dictionaries, so these keys cross the
boundary as JSON text: :func:`encode` writes it, :func:`decode_status` reads the
status back. :class:`Compartments` and :class:`Receptors` are PyNEST's wrappers
(``nc.compartments += {...}`` adds through ``add_compartments``).
"""

from __future__ import annotations

import json

import numpy as np

#: Keys whose values are lists of dictionaries.
STRUCTURE_KEYS = ("compartments", "receptors", "add_compartments", "add_receptors")
#: Keys the core reports as JSON text.
STATUS_KEYS = ("compartments", "receptors")


def _plain(value):
    """Numbers, strings, dicts and lists as JSON can write them (NumPy scalars included)."""
    if isinstance(value, CmBase):
        return [_plain(e) for e in value.get_tuple()]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def is_structure(value) -> bool:
    """Whether ``value`` is a structure entry: a dictionary, a list of them or a Compartments/Receptors object."""
    if isinstance(value, (dict, CmBase)):
        return True
    return isinstance(value, (list, tuple)) and all(isinstance(v, dict) for v in value)


def encode(value) -> str:
    """A structure entry as the JSON text the core reads."""
    return json.dumps(_plain(value), allow_nan=True)


def encode_params(params: dict) -> dict:
    """``params`` with its structure entries as JSON text; ``None`` entries (left by ``+=``) dropped, as PyNEST."""
    out = {}
    for key, value in params.items():
        if key in STRUCTURE_KEYS:
            if value is None:
                continue
            if is_structure(value):
                value = encode(value)
        out[key] = value
    return out


def decode_value(key: str, value):
    """A status value as PyNEST shows it (lists of dictionaries for the structure keys)."""
    if key in STATUS_KEYS and isinstance(value, str):
        return json.loads(value)
    return value


def decode_status(status: dict) -> dict:
    for key in STATUS_KEYS:
        if key in status:
            status[key] = decode_value(key, status[key])
    return status


class CmBase:
    """A node collection's compartments or receptors, as PyNEST's ``CmBase``: a tuple of dictionaries
    that ``+`` extends (a new object) and ``+=`` adds to the nodes."""

    def __init__(self, node_collection, elements):
        from ._collections import NodeCollection

        if not isinstance(node_collection, NodeCollection):
            raise TypeError(f"node_collection must be a NodeCollection, got {type(node_collection)}")
        if isinstance(elements, list):
            elements = tuple(elements)
        if not isinstance(elements, tuple):
            raise TypeError(f"elements must be a tuple of dicts, got {type(elements)}")
        self._elements = elements
        self._node_collection = node_collection

    def _more(self, other) -> list:
        name = type(self).__name__
        if isinstance(other, dict):
            return [other]
        if isinstance(other, (tuple, list)):
            if not all(isinstance(d, dict) for d in other):
                raise TypeError(f"{name} can only be added with dicts, lists of dicts, or other {name}")
            return list(other)
        if isinstance(other, type(self)):
            return list(other._elements)
        raise NotImplementedError(
            f"{name} can only be added with dicts, lists of dicts, or other {name}, got {type(other)}"
        )

    def __add__(self, other):
        return type(self)(self._node_collection, tuple(list(self._elements) + self._more(other)))

    def __iadd__(self, other):
        # Adds to the nodes; the assignment that follows (nc.compartments = None) is dropped by encode_params.
        self._node_collection.set({f"add_{type(self).__name__.lower()}": self._more(other)})

    def __getitem__(self, key):
        return self._elements[key]

    def __len__(self) -> int:
        return len(self._elements)

    def __str__(self) -> str:
        return str(self._elements)

    __repr__ = __str__

    def get_tuple(self) -> tuple:
        return self._elements


class Compartments(CmBase):
    """PyNEST's ``nest.Compartments``."""


class Receptors(CmBase):
    """PyNEST's ``nest.Receptors``."""


def wrap(node_collection, key: str, result):
    """``nc.get(key)`` for the structure keys, as PyNEST: a Compartments or Receptors object."""
    if key == "compartments":
        return Compartments(node_collection, result)
    if key == "receptors":
        return Receptors(node_collection, result)
    return result
