"""The one table of PyNEST 3.10 public names that nestkit does not implement yet.

Each name exists on ``nestkit.nest``; using it raises NotImplementedError naming it
(never AttributeError), so a script fails at the first unsupported call with a clear
message. docs/porting.md gives the same list for readers.
"""

from __future__ import annotations

import types

# name: (kind, reason); kind is "function", "class" or "module".
UNIMPLEMENTED = {
    "set_communicator": ("function", "nestkit does not use MPI"),
    "server": ("module", "NEST Server is not part of nestkit"),
    "ll_api": ("module", "nestkit has no SLI/low-level API; use nestkit's Python APIs"),
}


def _message(name: str, reason: str) -> str:
    return f"nest.{name} is not implemented by nestkit yet: {reason}"


def _function(name: str, reason: str):
    def stub(*args, **kwargs):
        raise NotImplementedError(_message(name, reason))

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = f"Not implemented by nestkit yet ({reason}); calling it raises NotImplementedError."
    stub._nestkit_unimplemented = True
    return stub


def _class(name: str, reason: str):
    def __new__(cls, *args, **kwargs):
        raise NotImplementedError(_message(name, reason))

    doc = f"Not implemented by nestkit yet ({reason}); creating one raises NotImplementedError."
    return type(name, (), {"__new__": __new__, "__doc__": doc, "_nestkit_unimplemented": True})


class _StubModule(types.ModuleType):
    """A PyNEST submodule nestkit lacks: any public attribute raises NotImplementedError."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"nestkit.nest.{name}", f"Not implemented by nestkit yet ({reason}).")
        self._nestkit_reason = reason
        self._nestkit_name = name
        self._nestkit_unimplemented = True

    def __getattr__(self, attr: str):
        if attr.startswith("_"):
            raise AttributeError(attr)
        raise NotImplementedError(_message(f"{self._nestkit_name}.{attr}", self._nestkit_reason))


def make_stubs() -> dict:
    """name -> stub object for every entry of UNIMPLEMENTED."""
    makers = {"function": _function, "class": _class, "module": _StubModule}
    return {name: makers[kind](name, reason) for name, (kind, reason) in UNIMPLEMENTED.items()}
