"""Parity harness: replay NEST 3.10 scenarios through a PyNEST-like module and compare.

``python -m nestkit.parity run`` is the entry point; the pieces are usable alone:
:mod:`.scenario` runs a scenario, :mod:`.compare` applies the tolerance categories
A-C, :mod:`.stats` the category D statistics.  Nothing here imports the rest of
``nestkit``, so the harness can equally drive real PyNEST.
``python -m nestkit.parity live --nest-python PATH`` (:mod:`.live`) runs scenarios
or PyNEST scripts on real NEST and on nestkit side by side and compares them.
"""

from __future__ import annotations

from .compare import (
    TOLERANCES,
    CaseResult,
    Finding,
    Findings,
    Tolerance,
    case_result,
    compare_case,
    compare_run,
    format_result_line,
    format_summary,
)
from .scenario import (
    Requirements,
    available_models,
    is_unsupported_error,
    load_json,
    missing_requirements,
    requirements,
    run_all_seeds,
    run_scenario,
)
from .stats import compare_statistics, run_statistics

__all__ = [
    "TOLERANCES",
    "CaseResult",
    "Finding",
    "Findings",
    "Requirements",
    "Tolerance",
    "available_models",
    "case_result",
    "compare_case",
    "compare_run",
    "compare_statistics",
    "format_result_line",
    "format_summary",
    "is_unsupported_error",
    "load_json",
    "missing_requirements",
    "requirements",
    "run_all_seeds",
    "run_scenario",
    "run_statistics",
]
