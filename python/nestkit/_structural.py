"""Structural plasticity's nested dictionaries as the core's flat keys, and back.

The core's dictionaries hold no nested dictionaries, so a neuron's
``synaptic_elements`` ({"Den_ex": {"growth_curve": "gaussian", ...}}) travels as the
list of element names under the key itself plus one flat key per value
("synaptic_elements.Den_ex.growth_curve"); the kernel's
``structural_plasticity_synapses`` likewise.
"""

from __future__ import annotations

# Keys whose value is a dictionary of dictionaries.
NESTED = ("synaptic_elements", "synaptic_elements_param", "structural_plasticity_synapses")


def _flatten(key: str, value) -> dict:
    if not isinstance(value, dict):
        raise TypeError(f"'{key}' expects a dictionary of dictionaries, got {type(value).__name__}")
    flat = {key: [str(name) for name in value]}
    for name, entry in value.items():
        if not isinstance(entry, dict):
            raise TypeError(f"'{key}': the entry '{name}' must be a dictionary, got {type(entry).__name__}")
        for sub, v in entry.items():
            flat[f"{key}.{name}.{sub}"] = v
    return flat


def encode_params(params: dict) -> dict:
    """The nested structural plasticity values of `params` as flat keys; others unchanged."""
    if not any(k in params for k in NESTED):
        return params
    out = {}
    for key, value in params.items():
        if key in NESTED:
            out.update(_flatten(key, value))
        else:
            out[key] = value
    return out


def decode_status(status: dict) -> dict:
    """The flat structural plasticity keys of a status dictionary nested again (in place)."""
    for key in NESTED:
        if key not in status:
            continue
        names = status[key] or []
        prefix = key + "."
        nested = {name: {} for name in names}
        for flat in [k for k in status if k.startswith(prefix)]:
            name, sub = flat[len(prefix) :].split(".", 1)
            nested.setdefault(name, {})[sub] = status.pop(flat)
        status[key] = {name: dict(sorted(entry.items())) for name, entry in nested.items()}
    return status
