"""Verbosity, messages, help and deprecation notices of the PyNEST facade.

Messages are written in NEST's format ``[LEVEL] [date time] text`` and filtered
by the verbosity level. Unlike NEST, which writes messages below WARNING to
stdout, the facade writes every message to stderr so that a script's own
stdout stays clean.
"""

from __future__ import annotations

import enum
import inspect
import sys
import time
import warnings


class VerbosityLevel(enum.IntEnum):
    """NEST's message severities, from most to least chatty."""

    ALL = 0
    DEBUG = 5
    STATUS = 7
    INFO = 10
    PROGRESS = 15
    DEPRECATED = 18
    WARNING = 20
    ERROR = 30
    FATAL = 40
    QUIET = 100


_level = VerbosityLevel.INFO
_deprecation_issued: set = set()


def to_level(value) -> VerbosityLevel:
    """A VerbosityLevel from the enum, its name ("WARNING" or NEST 2's "M_WARNING") or its number."""
    if isinstance(value, VerbosityLevel):
        return value
    if isinstance(value, str):
        name = value.upper()
        if name.startswith("M_"):
            name = name[2:]
        try:
            return VerbosityLevel[name]
        except KeyError:
            valid = ", ".join(m.name for m in VerbosityLevel)
            raise ValueError(f"verbosity: unknown level {value!r}; valid levels are {valid}") from None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return VerbosityLevel(value)
        except ValueError:
            valid = ", ".join(f"{m.name}={int(m)}" for m in VerbosityLevel)
            raise ValueError(f"verbosity: unknown level {value}; valid levels are {valid}") from None
    raise TypeError(f"verbosity: expected a VerbosityLevel, a level name or an int, got {type(value).__name__}")


def current_level() -> VerbosityLevel:
    return _level


def set_level(value) -> None:
    global _level
    _level = to_level(value)


def enabled(level) -> bool:
    return int(level) >= int(_level)


def log(level, text: str, *, function: str | None = None, filename: str | None = None, lineno=None) -> None:
    """Writes one message if its level passes the verbosity filter."""
    level = to_level(level)
    if not enabled(level):
        return
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    where = ""
    if int(_level) <= int(VerbosityLevel.DEBUG) and filename:
        where = f" {filename}:{lineno} @ {function}"
    print(f"[{level.name}] [{stamp}{where}] {text}", file=sys.stderr, flush=True)


def message(*args, **kwargs):
    """Issue a message through the facade's logging, as PyNEST's ``message``.

    ``message(text, severity=VerbosityLevel.INFO, *, function=None, filename=None, lineno=None)``
    (NEST 3.10). The older form ``message(level, sender, text)`` is accepted too.
    """
    if len(args) == 3 and not isinstance(args[0], str):
        level, sender, text = args
        log(level, f"{sender}: {text}" if sender else str(text))
        return
    params = inspect.signature(_message_310).bind(*args, **kwargs)
    params.apply_defaults()
    a = params.arguments
    frame = inspect.stack()[1]
    log(
        a["severity"],
        str(a["message"]),
        function=a["function"] or frame.function,
        filename=a["filename"] or frame.filename,
        lineno=a["lineno"] or frame.lineno,
    )


def _message_310(message, severity=VerbosityLevel.INFO, *, function=None, filename=None, lineno=None):
    """Signature holder for ``message``."""


def deprecation(name: str, text: str) -> None:
    """A one-time deprecation notice (a UserWarning, as PyNEST), unless verbosity is above DEPRECATED."""
    if name in _deprecation_issued or not enabled(VerbosityLevel.DEPRECATED):
        return
    _deprecation_issued.add(name)
    warnings.warn("\n" + text, UserWarning, stacklevel=3)


def set_verbosity(level):
    """Change the verbosity (deprecated in PyNEST 3.10 for ``nest.verbosity = ...``).

    Accepts a VerbosityLevel, its name ("WARNING"), NEST's "M_WARNING" form or the number.
    """
    deprecation(
        "set_verbosity",
        "Provided for backward compatibility only. Set `nest.verbosity = nest.VerbosityLevel.XYZ` instead.",
    )
    set_level(level)


def get_verbosity():
    """The verbosity as an int (deprecated in PyNEST 3.10 for ``nest.verbosity``)."""
    deprecation("get_verbosity", "Provided for backward compatibility only. Look up `nest.verbosity` instead.")
    return int(_level)


_HELP_TEXT = """nestkit.nest: NEST 3.10's PyNEST interface on the nestkit engine.

* ``nest.node_models`` and ``nest.synapse_models`` list the available models.
* ``nest.GetDefaults(model)`` shows a model's parameters and their defaults.
* Use Python's ``help()`` on a function, e.g. ``help(nest.Create)``.
* Which PyNEST functions are supported: docs/porting.md in the nestkit repository.
* NEST's model documentation: https://nest-simulator.readthedocs.io/en/stable/models/index.html
"""


def help(obj=None, return_text=False):  # noqa: A001 - PyNEST's name
    """Print (or return) a pointer to the documentation; nestkit opens no pager or browser.

    With ``obj``, Python's docstring of that object (or of the model named by a string) is shown.
    """
    if obj is None:
        text = _HELP_TEXT
    elif isinstance(obj, str):
        text = (
            f"Model '{obj}': see nest.GetDefaults('{obj}') for its parameters and "
            f"https://nest-simulator.readthedocs.io/en/stable/models/{obj}.html for its documentation.\n"
        )
    else:
        text = inspect.getdoc(obj) or f"Sorry, there is no help for {obj!r}."
    if return_text:
        return text
    print(text)
    return None


def helpdesk():
    """PyNEST 2's helpdesk; prints the documentation pointer instead of opening a browser."""
    print(_HELP_TEXT)
