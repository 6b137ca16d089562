"""Command line: ``python -m nestkit.parity run [SCENARIO.json ...] [options]``.

``python -m nestkit.parity live --nest-python PATH ...`` runs the cases on real
NEST and on nestkit side by side instead of reading stored references (see
:mod:`.live`).

Runs scenarios through a PyNEST-like module (``nestkit.nest`` unless ``--module``
says otherwise), compares them with NEST 3.10's references and prints one line
per case followed by ``N passed, M failed, K unsupported``.  The exit status is
non-zero iff a supported case failed, so CI can gate on it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any, List, Sequence, Tuple

from . import live
from .compare import CaseResult, case_result, compare_case, format_result_line, format_summary
from .scenario import is_unsupported_error, load_json, missing_requirements, run_all_seeds

ENV_VAR = "NESTKIT_PARITY_DIR"
RELATIVE_DEFAULT = Path("..") / "shared" / "parity"

_HELP_EPILOG = f"""\
defaults:
  The corpus directory is {RELATIVE_DEFAULT} relative to the current directory
  if it exists, else ${ENV_VAR}.
  --scenarios defaults to <corpus>/scenarios, --reference to <corpus>/reference.
  Without SCENARIO paths every *.json in --scenarios is run.

output:
  PASS name  worst=<fraction of the allowance used> (...) at <where>
  FAIL name  <where>: <what differs> [...]
  UNSUPPORTED name  needs: <models and features the module lacks>
  and finally: N passed, M failed, K unsupported
"""


def default_corpus_dir() -> Path | None:
    """Where scenarios and references live when not given explicitly."""
    if RELATIVE_DEFAULT.is_dir():
        return RELATIVE_DEFAULT
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nestkit.parity", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="run scenarios and compare them with the references",
        epilog=_HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("scenario_files", nargs="*", metavar="SCENARIO.json", help="scenarios to run (default: all)")
    run.add_argument("--scenarios", type=Path, metavar="DIR", help="scenario directory (default: <corpus>/scenarios)")
    run.add_argument("--reference", type=Path, metavar="DIR", help="reference directory (default: <corpus>/reference)")
    run.add_argument("-k", dest="substring", metavar="SUBSTRING", help="only cases whose name contains SUBSTRING")
    run.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON to OUT")
    run.add_argument("--module", default="nestkit.nest", help="PyNEST-like module to drive (default: nestkit.nest)")
    run.add_argument("--save-runs", type=Path, metavar="DIR", help="write each case's runs (reference schema) to DIR")
    live.add_parser(commands, default_corpus_dir())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "live":
        return live.main(args, default_corpus_dir())
    try:
        scenario_paths, reference_dir = _resolve_inputs(args)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    nest = importlib.import_module(args.module)
    # Under mpirun every rank runs every case (the kernel's calls are collective); rank 0
    # gathers the runs (scenario.py), judges them and reports.
    quiet = getattr(nest, "Rank", lambda: 0)() != 0
    results = []
    for path in scenario_paths:
        spec = load_json(path)
        result, runs = evaluate_case(spec, _load_reference(reference_dir, spec["name"]), nest)
        if quiet:
            continue
        print(format_result_line(result), flush=True)
        results.append(result)
        if args.save_runs is not None and runs:
            _save_runs(args.save_runs, spec["name"], runs)
    if quiet:
        return 0
    summary = format_summary(results)
    print(summary)
    if args.json is not None:
        payload = {"summary": summary, "results": [r.to_dict() for r in results]}
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return exit_code(results)


def exit_code(results: Sequence[CaseResult]) -> int:
    """1 iff a supported case failed (errors count as failures), else 0."""
    return 1 if any(r.status == "FAIL" for r in results) else 0


def _resolve_inputs(args: argparse.Namespace) -> Tuple[List[Path], Path | None]:
    corpus = default_corpus_dir()
    scenario_dir = args.scenarios or (corpus / "scenarios" if corpus else None)
    reference_dir = args.reference or (corpus / "reference" if corpus else None)
    if args.scenario_files:
        paths = [Path(p) for p in args.scenario_files]
    elif scenario_dir is None or not scenario_dir.is_dir():
        raise FileNotFoundError(f"no scenario directory (give --scenarios, set ${ENV_VAR}, or run next to ../shared)")
    else:
        paths = sorted(scenario_dir.glob("*.json"))
    if args.substring:
        paths = [p for p in paths if args.substring in p.stem]
    return paths, reference_dir


def _load_reference(reference_dir: Path | None, name: str) -> dict | None:
    if reference_dir is None:
        return None
    path = reference_dir / f"{name}.json"
    return load_json(path) if path.is_file() else None


def evaluate_case(spec: dict, reference: dict | None, nest: Any) -> Tuple[CaseResult, List[dict]]:
    """Run one case through ``nest`` and judge it; never raises for a case's own failure.

    Missing models or features make the case UNSUPPORTED before anything runs;
    a ``NotImplementedError`` (or ``UnsupportedFeature``) while running does too.
    Any other exception is a FAIL carrying its message.
    """
    name, category = spec["name"], spec.get("category", "")
    needs = missing_requirements(spec, nest)
    if needs:
        return CaseResult(name, "UNSUPPORTED", category, needs=needs), []
    if reference is None:
        return CaseResult(name, "FAIL", category, message="no reference file for this scenario"), []
    runs: List[dict] = []
    try:
        runs = run_all_seeds(spec, nest)
        return case_result(spec, compare_case(spec, runs, reference.get("runs", []))), runs
    except Exception as exc:  # noqa: BLE001 - a crashing case is a result, not a harness failure
        text = f"{type(exc).__name__}: {exc}"
        if is_unsupported_error(exc):
            return CaseResult(name, "UNSUPPORTED", category, needs=[text], message=text), runs
        return CaseResult(name, "FAIL", category, message=f"error: {text}"), runs


def _save_runs(directory: Path, name: str, runs: List[dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    payload = {"scenario": name, "nest_version": "nestkit", "runs": runs}
    (directory / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
