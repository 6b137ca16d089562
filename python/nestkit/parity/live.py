"""Live mode: run each case on real NEST and on nestkit side by side, then compare.

``python -m nestkit.parity live --nest-python PATH [--scenarios DIR | --script FILE ...]``

Each scenario (or PyNEST script) runs twice, in two subprocesses started from
:mod:`.live_worker`: once under ``PATH`` (an interpreter with NEST 3.10 installed;
the worker is run by file path, so that environment needs no nestkit) and once
under this interpreter with ``nestkit.nest``.  Both sides return RUNs in the
reference schema, and nestkit's are judged against NEST's with the corpus's
tolerance categories (:func:`.compare.compare_case`, category D through
:mod:`.stats` over the scenario's seeds, exactly as the stored mode does).

The stored references stay the authority: this mode never writes into the
corpus.  Given ``--reference``, it also reports where the live NEST run differs
from the stored reference (``NOTE`` lines and one summary line before the last).

Scripts are run unchanged.  Afterwards every recorder's events and all
connections (source, target, weight, as a set) are compared, at category A
unless the script names its own options in a comment line such as::

    # nestkit-live: --category D --seeds 1 2 3 4 5 --statistics rate_per_sender cv_isi

With ``--seeds`` the script runs once per seed with ``--seed N`` as its command
line arguments; category D compares the statistics (default ``rate_per_sender``)
over those runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

from .compare import CaseResult, Findings, case_result, compare_case, format_result_line, format_summary
from .scenario import load_json

WORKER = Path(__file__).resolve().parent / "live_worker.py"
#: Root of the ``nestkit`` package's parent directory, put on the nestkit worker's path.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
#: Marker of option comments in scripts.
SCRIPT_TAG = "nestkit-live:"
#: Only the first lines of a script are searched for option comments.
SCRIPT_HEADER_LINES = 40
CATEGORIES = "ABCD"
DEFAULT_CASE_TIMEOUT_S = 600.0
POLL_INTERVAL_S = 0.05

NEST_SIDE = "nest"
NESTKIT_SIDE = "nestkit"

_HELP_EPILOG = """\
inputs:
  Without --script, scenarios are run: SCENARIO.json paths if given, else every
  *.json in --scenarios (default: <corpus>/scenarios, as for `run`).  --reference
  (default: <corpus>/reference) is only used to report where live NEST differs
  from the stored references; it never decides PASS/FAIL.

output:
  PASS/FAIL/UNSUPPORTED lines as in `run` ("reference" there means live NEST),
  NOTE name  live NEST vs stored reference: ...   (only with --reference, only where they differ)
  live NEST vs stored references: I identical, W within tolerance, D differ
  and finally: N passed, M failed, K unsupported
"""


# --------------------------------------------------------------------------- jobs


@dataclass
class Job:
    """One case to run on both sides: a scenario or a script."""

    index: int
    kind: str  # "scenario" or "script"
    path: Path
    name: str
    category: str = "A"
    spec: dict | None = None  # scenarios only
    seeds: List[int | None] = field(default_factory=list)  # scripts only
    statistics: List[str] = field(default_factory=list)  # scripts only (category D)
    in_script_folder: bool = False  # scripts only: run from the script's folder, not the side's scratch one
    weight_events_per_step: bool = False  # scripts only: weight_recorder events compared as docs/divergences.md says
    events_in_time_order: bool = False  # scripts only: every recorder's events compared in (time, sender) order

    def to_worker(self) -> dict:
        job = {"index": self.index, "kind": self.kind, "path": str(self.path), "seeds": self.seeds}
        return {**job, "in_script_folder": True} if self.in_script_folder else job


def scenario_jobs(paths: Sequence[Path], categories: str = CATEGORIES, substring: str | None = None) -> List[Job]:
    """Jobs for scenario files, keeping only the given categories and names containing ``substring``."""
    jobs = []
    for path in paths:
        spec = load_json(path)
        category = spec.get("category", "A")
        if category not in categories or (substring and substring not in spec["name"]):
            continue
        jobs.append(Job(len(jobs), "scenario", _absolute(path), spec["name"], category, spec=spec))
    return jobs


def _absolute(path: str | Path) -> Path:
    """Workers run in a scratch directory, so paths must not be relative (symlinks are kept: venvs)."""
    return Path(os.path.abspath(path))


class _OptionError(ValueError):
    pass


class _OptionParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _OptionError(message)


def script_option_parser(default_category: str = "A") -> argparse.ArgumentParser:
    parser = _OptionParser(prog=SCRIPT_TAG, add_help=False)
    parser.add_argument("--category", choices=list(CATEGORIES), default=default_category)
    parser.add_argument("--seeds", type=int, nargs="+", default=None)
    parser.add_argument("--statistics", nargs="+", default=None)
    return parser


def script_options(path: Path, default_category: str = "A") -> argparse.Namespace:
    """The options a script names in its ``# nestkit-live: ...`` comment lines (defaults otherwise)."""
    tokens: List[str] = []
    with open(path, encoding="utf-8") as handle:
        for _, line in zip(range(SCRIPT_HEADER_LINES), handle):
            text = line.strip()
            if text.startswith("#") and SCRIPT_TAG in text:
                tokens += shlex.split(text.split(SCRIPT_TAG, 1)[1])
    try:
        options = script_option_parser(default_category).parse_args(tokens)
    except _OptionError as exc:
        raise ValueError(f"{path}: bad '# {SCRIPT_TAG}' options: {exc}") from exc
    if options.statistics is None:
        options.statistics = ["rate_per_sender"] if options.category == "D" else []
    return options


def script_jobs(
    paths: Sequence[Path],
    default_category: str = "A",
    in_script_folder: bool = False,
    weight_events_per_step: bool = False,
    events_in_time_order: bool = False,
) -> List[Job]:
    jobs = []
    for i, path in enumerate(paths):
        options = script_options(Path(path), default_category)
        seeds: List[int | None] = list(options.seeds or [])
        jobs.append(
            Job(
                i,
                "script",
                _absolute(path),
                Path(path).stem,
                options.category,
                seeds=seeds,
                statistics=options.statistics,
                in_script_folder=in_script_folder,
                weight_events_per_step=weight_events_per_step,
                events_in_time_order=events_in_time_order,
            )
        )
    return jobs


def script_spec(job: Job, ref_runs: List[dict]) -> dict:
    """A scenario-like spec for comparing a script's dumps with :func:`compare_case`.

    A-C need only the category and the resolution (spike-time tolerance of C).
    D needs what :mod:`.stats` reads: the recorders, the run length and, for
    rates, each spike recorder's population: the sources connected into it,
    taken from NEST's connection dump.
    """
    first = ref_runs[0] if ref_runs else {}
    spec: Dict[str, Any] = {
        "name": job.name,
        "category": job.category,
        "kernel": {"resolution": first.get("resolution", 0.1)},
    }
    if job.category != "D":
        return spec
    recorders = list(first.get("events", {}))
    table = first.get("connections", {}).get("all", {})
    members = set(recorders)
    pairs = sorted(
        {(str(s), str(t)) for s, t in zip(table.get("source", []), table.get("target", [])) if str(t) in members}
    )
    node_ids = sorted({s for s, _ in pairs} | members, key=int)
    biological_time = first.get("status", {}).get("kernel", {}).get("biological_time", [0.0])[0]
    spec.update(
        record=recorders,
        statistics=list(job.statistics),
        simulate=[biological_time],
        nodes=[{"id": node_id, "model": "", "n": 1} for node_id in node_ids],
        connect=[{"pre": s, "post": t} for s, t in pairs],
        connections=[{"name": "all"}],
    )
    return spec


# --------------------------------------------------------------------------- one side


def _exit_text(code: int) -> str:
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"


class Side:
    """One simulator's worker process, restarted past a crash or a hang.

    Jobs run in order; a job without a result when the worker dies (or makes no
    progress for ``case_timeout`` seconds) gets an error record and the worker is
    restarted with the jobs after it.  If the worker dies before importing its
    simulator, every remaining job gets that error and the side stops.
    """

    def __init__(
        self,
        label: str,
        python: str,
        module: str,
        workdir: Path,
        env: Dict[str, str],
        case_timeout: float = DEFAULT_CASE_TIMEOUT_S,
    ) -> None:
        self.label, self.python, self.module = label, python, module
        self.workdir, self.env, self.case_timeout = workdir, env, case_timeout
        self.results: Dict[int, dict] = {}
        self.pending: List[Job] = []
        self.fatal: str | None = None
        self.attempt = 0
        self.proc: subprocess.Popen | None = None
        self.out = workdir
        self.cwd = workdir / f"cwd-{label}"
        self.cwd.mkdir(parents=True, exist_ok=True)
        self._log = None
        self._ready = False
        self._last_progress = 0.0

    @property
    def done(self) -> bool:
        return self.proc is None and not self.pending

    def start(self, jobs: Sequence[Job]) -> None:
        self.pending = list(jobs)
        self._launch()

    def command(self, jobs_file: Path, out: Path, needs_only: bool = False) -> List[str]:
        cmd = [self.python, str(WORKER), "--module", self.module, "--jobs", str(jobs_file), "--out", str(out)]
        return cmd + ["--needs-only"] if needs_only else cmd

    def _launch(self) -> None:
        if not self.pending:
            return
        self.attempt += 1
        self.out = self.workdir / f"{self.label}-{self.attempt}"
        self.out.mkdir(parents=True)
        jobs_file = self.out / "jobs.json"
        jobs_file.write_text(json.dumps([job.to_worker() for job in self.pending]), encoding="utf-8")
        self._log = open(self.out / "log.txt", "wb")  # noqa: SIM115 - closed when the process ends
        self.proc = subprocess.Popen(
            self.command(jobs_file, self.out),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
        )
        self._ready = False
        self._last_progress = time.monotonic()

    def log_tail(self, lines: int = 6) -> str:
        try:
            text = (self.out / "log.txt").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        tail = [line for line in text.splitlines() if line.strip()][-lines:]
        return " | ".join(tail)

    def _collect(self) -> None:
        if not self._ready and (self.out / "ready").exists():
            self._ready = True
            self._last_progress = time.monotonic()
        for job in list(self.pending):
            path = self.out / f"{job.index}.json"
            if path.exists():
                self.results[job.index] = json.loads(path.read_text(encoding="utf-8"))
                self.pending.remove(job)
                self._last_progress = time.monotonic()

    def _fail_current(self, message: str) -> None:
        job = self.pending.pop(0)
        self.results[job.index] = {"index": job.index, "status": "error", "runs": [], "message": message}

    def _finish_process(self) -> int:
        assert self.proc is not None
        code = self.proc.wait()
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def poll(self) -> None:
        """Collect finished jobs; restart past crashes and hangs."""
        if self.proc is None:
            return
        self._collect()
        code = self.proc.poll()
        if code is None:
            if self.pending and time.monotonic() - self._last_progress > self.case_timeout:
                self.proc.kill()
                self._finish_process()
                self._collect()
                if self.pending:
                    self._fail_current(f"{self.label} timed out after {self.case_timeout:g} s")
                self._launch()
            return
        self._collect()
        self._finish_process()
        if not self.pending:
            return
        tail = self.log_tail()
        if not self._ready:
            self.fatal = f"{self.label} worker could not start ({_exit_text(code)}): {tail}"
            for job in self.pending:
                self.results[job.index] = {"index": job.index, "status": "error", "runs": [], "message": self.fatal}
            self.pending = []
            return
        self._fail_current(f"{self.label} worker died ({_exit_text(code)}) while running it: {tail}")
        self._launch()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self._finish_process()

    def needs(self, jobs: Sequence[Job], timeout: float) -> Dict[str, List[str]]:
        """Each scenario's missing models/features on this side (one quick worker run)."""
        out = self.workdir / f"{self.label}-needs"
        out.mkdir(parents=True, exist_ok=True)
        jobs_file = out / "jobs.json"
        jobs_file.write_text(json.dumps([job.to_worker() for job in jobs]), encoding="utf-8")
        proc = subprocess.run(
            self.command(jobs_file, out, needs_only=True),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            timeout=timeout,
        )
        needs_file = out / "needs.json"
        if proc.returncode != 0 or not needs_file.exists():
            tail = " | ".join(proc.stdout.decode(errors="replace").strip().splitlines()[-6:])
            raise RuntimeError(f"{self.label} worker failed ({_exit_text(proc.returncode)}): {tail}")
        return json.loads(needs_file.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- judging


@dataclass
class StoredCheck:
    """How the live NEST run relates to the stored reference: identical, within tolerance, or different."""

    verdict: str  # "identical", "within tolerance", "differ", "missing"
    detail: str = ""


def judge(job: Job, nest_result: dict, nk_result: dict) -> Tuple[CaseResult, dict | None]:
    """nestkit's result against live NEST's, as a :class:`CaseResult` (and the spec used)."""
    name, category = job.name, job.category
    if nk_result.get("status") == "unsupported":
        needs = nk_result.get("needs") or [nk_result.get("message", "")]
        return CaseResult(name, "UNSUPPORTED", category, needs=needs, message=nk_result.get("message", "")), None
    if nest_result.get("status") == "unsupported":
        needs = [f"NEST lacks {need}" for need in nest_result.get("needs", [])]
        return CaseResult(name, "UNSUPPORTED", category, needs=needs, message=nest_result.get("message", "")), None
    if nest_result.get("status") != "ok":
        return CaseResult(name, "FAIL", category, message=f"error on NEST: {nest_result.get('message', '?')}"), None
    if nk_result.get("status") != "ok":
        return CaseResult(name, "FAIL", category, message=f"error: {nk_result.get('message', '?')}"), None
    nest_runs, nk_runs = nest_result["runs"], nk_result["runs"]
    if job.events_in_time_order:
        nest_runs, nk_runs = events_in_time_order(nest_runs), events_in_time_order(nk_runs)
    if job.weight_events_per_step:
        nest_runs, nk_runs = weight_events_per_step(nest_runs), weight_events_per_step(nk_runs)
    spec = job.spec if job.kind == "scenario" else script_spec(job, nest_runs)
    findings = compare_case(spec, nk_runs, nest_runs)
    return case_result(spec, findings), spec


def events_in_time_order(runs: List[dict]) -> List[dict]:
    """The runs with every recorder's events in (time, sender) order: with several virtual
    processes NEST reports a recorder's events VP after VP, nestkit in time order whatever the
    number of threads (docs/divergences.md). Every value is still compared."""
    out = []
    for run in runs:
        events = {}
        for gid, ev in run.get("events", {}).items():
            times, senders = ev.get("times", []), ev.get("senders", [])
            if len(times) != len(senders):
                events[gid] = ev
                continue
            order = sorted(range(len(times)), key=lambda k: (times[k], senders[k]))
            events[gid] = {key: [values[k] for k in order] if len(values) == len(order) else values
                           for key, values in ev.items()}  # fmt: skip
        out.append({**run, "events": events})
    return out


def weight_events_per_step(runs: List[dict]) -> List[dict]:
    """The runs with each weight_recorder's events in (time, sender, target) order and without
    ``ports``: NEST orders one sender's events of a step, and numbers them (``ports``), by where
    its connection sort put the synapses, nestkit by target (docs/divergences.md, eprop_synapse
    with a weight_recorder). Every weight, time, sender, target and receptor is still compared."""
    out = []
    for run in runs:
        recorders = run.get("status", {}).get("recorders", {})
        weight_recorders = {
            str(gid) for gid, model in zip(recorders.get("node_id", []), recorders.get("model", []))
            if model == "weight_recorder"
        }  # fmt: skip
        events = dict(run.get("events", {}))
        for gid in weight_recorders & set(events):
            ev = events[gid]
            columns = [ev.get(key, []) for key in ("times", "senders", "targets", "weights")]
            order = sorted(range(len(ev.get("times", []))), key=lambda k: tuple(column[k] for column in columns))
            events[gid] = {key: [values[k] for k in order] for key, values in ev.items() if key != "ports"}
        out.append({**run, "events": events})
    return out


def check_stored(spec: dict, live_runs: List[dict], stored: dict | None) -> StoredCheck:
    """Compare the live NEST runs with the stored reference runs of the same scenario."""
    if stored is None:
        return StoredCheck("missing", "no stored reference")
    stored_runs = stored.get("runs", [])
    if _canonical(live_runs) == _canonical(stored_runs):
        return StoredCheck("identical")
    findings: Findings = compare_case(spec, live_runs, stored_runs)
    result = case_result(spec, findings)
    if result.status == "PASS":
        worst = result.worst
        where = f" (worst {worst.detail} at {worst.where})" if worst is not None else ""
        return StoredCheck("within tolerance", where.strip())
    line = format_result_line(result).split(" ", 2)[-1].strip()
    return StoredCheck("differ", line)


def _canonical(runs: List[dict]) -> str:
    """Runs as text, without empty sections (``queries: {}`` or ``status: {"n": {}}`` on one side only)."""
    return json.dumps([_prune(run) for run in runs], sort_keys=True)


def _prune(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    pruned = {key: _prune(item) for key, item in value.items()}
    return {key: item for key, item in pruned.items() if item != {}}


# --------------------------------------------------------------------------- driver


@dataclass
class LiveReport:
    results: List[CaseResult] = field(default_factory=list)
    stored: Dict[str, StoredCheck] = field(default_factory=dict)
    runs: Dict[str, Dict[str, List[dict]]] = field(default_factory=dict)  # name -> side -> runs
    seconds: float = 0.0


def nestkit_env() -> Dict[str, str]:
    """This interpreter's environment, with the nestkit package importable and plotting headless."""
    env = dict(os.environ)
    parts = [str(PACKAGE_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(parts))
    env.setdefault("MPLBACKEND", "Agg")
    return env


def nest_env() -> Dict[str, str]:
    """The environment for NEST's interpreter: unchanged (NEST installs may rely on PYTHONPATH), headless."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run_live(
    jobs: Sequence[Job],
    nest_python: str,
    *,
    nestkit_python: str = sys.executable,
    nestkit_module: str = "nestkit.nest",
    nest_module: str = "nest",
    reference_dir: Path | None = None,
    case_timeout: float = DEFAULT_CASE_TIMEOUT_S,
    emit=print,
) -> LiveReport:
    """Run ``jobs`` on both sides at once, printing one line per case in order as results arrive."""
    report = LiveReport()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="nestkit-live-") as tmp:
        workdir = Path(tmp)
        nest = Side(NEST_SIDE, nest_python, nest_module, workdir, nest_env(), case_timeout)
        nk = Side(NESTKIT_SIDE, nestkit_python, nestkit_module, workdir, nestkit_env(), case_timeout)
        scenario_list = [job for job in jobs if job.kind == "scenario"]
        needs = nk.needs(scenario_list, timeout=case_timeout) if scenario_list else {}
        unsupported = {job.index for job in scenario_list if needs.get(str(job.path))}
        for job in scenario_list:
            if job.index in unsupported:
                nk.results[job.index] = {"index": job.index, "status": "unsupported", "needs": needs[str(job.path)]}
        runnable = [job for job in jobs if job.index not in unsupported]
        # With stored references at hand NEST runs every case, so that live-vs-stored covers the corpus.
        nest_jobs = list(jobs) if reference_dir is not None else runnable
        nest_indices = {job.index for job in nest_jobs}
        nest.start(nest_jobs)
        nk.start(runnable)
        pending = list(jobs)
        try:
            while pending:
                nest.poll()
                nk.poll()
                while pending and _ready(pending[0], nest, nk, nest_indices):
                    _emit_case(pending.pop(0), nest, nk, reference_dir, report, emit)
                if pending:
                    time.sleep(POLL_INTERVAL_S)
        finally:
            nest.kill()
            nk.kill()
    report.seconds = time.perf_counter() - start
    return report


def _ready(job: Job, nest: Side, nk: Side, nest_indices: set) -> bool:
    return job.index in nk.results and (job.index in nest.results or job.index not in nest_indices)


def _emit_case(job: Job, nest: Side, nk: Side, reference_dir: Path | None, report: LiveReport, emit) -> None:
    nk_result = nk.results[job.index]
    nest_result = nest.results.get(job.index, {"status": "skipped", "runs": []})
    result, spec = judge(job, nest_result, nk_result)
    report.results.append(result)
    report.runs[job.name] = {NEST_SIDE: nest_result.get("runs", []), NESTKIT_SIDE: nk_result.get("runs", [])}
    emit(format_result_line(result))
    if job.kind != "scenario" or reference_dir is None or nest_result.get("status") != "ok":
        return
    path = reference_dir / f"{job.name}.json"
    stored = load_json(path) if path.is_file() else None
    check = check_stored(job.spec or {}, nest_result["runs"], stored)
    report.stored[job.name] = check
    if check.verdict in ("differ", "missing"):
        emit(f"NOTE {job.name}  live NEST vs stored reference: {check.verdict}: {check.detail}")


def stored_summary(checks: Dict[str, StoredCheck]) -> str:
    counts = {verdict: 0 for verdict in ("identical", "within tolerance", "differ", "missing")}
    for check in checks.values():
        counts[check.verdict] += 1
    text = ", ".join(f"{n} {verdict}" for verdict, n in counts.items() if n or verdict != "missing")
    return f"live NEST vs stored references: {text}"


# --------------------------------------------------------------------------- command line


def add_parser(commands: Any, default_corpus: Path | None) -> argparse.ArgumentParser:
    live = commands.add_parser(
        "live",
        help="run scenarios or PyNEST scripts on real NEST and on nestkit, and compare",
        description=__doc__.split("\n\n")[0],
        epilog=_HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    live.add_argument("scenario_files", nargs="*", metavar="SCENARIO.json", help="scenarios to run (default: all)")
    live.add_argument("--nest-python", required=True, metavar="PATH", help="Python interpreter with NEST 3.10")
    live.add_argument("--scenarios", type=Path, metavar="DIR", help="scenario directory (default: <corpus>/scenarios)")
    live.add_argument(
        "--script", dest="scripts", type=Path, nargs="+", action="extend", metavar="FILE", help="PyNEST scripts to run"
    )
    live.add_argument(
        "--in-script-folder",
        action="store_true",
        help="run each script from its own folder (scripts that read data files beside them); both sides share it",
    )
    live.add_argument(
        "--weight-events-per-step",
        action="store_true",
        help="compare weight_recorder events in (time, sender, target) order, without ports (docs/divergences.md)",
    )
    live.add_argument(
        "--events-in-time-order",
        action="store_true",
        help="compare every recorder's events in (time, sender) order: NEST's order on several VPs (docs/divergences.md)",
    )
    live.add_argument("--reference", type=Path, metavar="DIR", help="stored references, to report live-vs-stored")
    live.add_argument("--category", choices=list(CATEGORIES), default="A", help="scripts' default category (A)")
    live.add_argument("--categories", default=CATEGORIES, help="only scenarios of these categories (default ABCD)")
    live.add_argument("-k", dest="substring", metavar="SUBSTRING", help="only cases whose name contains SUBSTRING")
    live.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON to OUT")
    live.add_argument("--save-runs", type=Path, metavar="DIR", help="write both sides' runs to DIR/{nest,nestkit}/")
    live.add_argument("--module", default="nestkit.nest", help="nestkit's PyNEST-like module (default: nestkit.nest)")
    live.add_argument("--nest-module", default="nest", help="the module NEST's interpreter imports (default: nest)")
    live.add_argument(
        "--case-timeout", type=float, default=DEFAULT_CASE_TIMEOUT_S, metavar="S", help="seconds per case and side"
    )
    return live


def main(args: argparse.Namespace, default_corpus: Path | None) -> int:
    """Run the live mode for parsed arguments; 0 if nothing failed, 1 on a failure, 2 on bad input."""
    try:
        jobs, reference_dir, protected = _resolve(args, default_corpus)
        for output in (args.json, args.save_runs):
            _refuse_inside(output, protected)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    nest_python = str(args.nest_python)
    nest_python = str(_absolute(nest_python)) if os.sep in nest_python else shutil.which(nest_python)
    if nest_python is None or not Path(nest_python).exists():
        print(f"error: no interpreter at {args.nest_python}", file=sys.stderr)
        return 2
    try:
        report = run_live(
            jobs,
            nest_python,
            nestkit_module=args.module,
            nest_module=args.nest_module,
            reference_dir=reference_dir,
            case_timeout=args.case_timeout,
            emit=lambda line: print(line, flush=True),
        )
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if reference_dir is not None and report.stored:
        print(stored_summary(report.stored))
    summary = format_summary(report.results)
    print(summary, flush=True)
    if args.save_runs is not None:
        _save_runs(args.save_runs, report)
    if args.json is not None:
        payload = {
            "summary": summary,
            "seconds": report.seconds,
            "results": [r.to_dict() for r in report.results],
            "live_vs_stored": {name: vars(check) for name, check in report.stored.items()},
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 1 if any(r.status == "FAIL" for r in report.results) else 0


def _resolve(args: argparse.Namespace, corpus: Path | None) -> Tuple[List[Job], Path | None, List[Path]]:
    scenario_dir = args.scenarios or (corpus / "scenarios" if corpus else None)
    reference_dir = args.reference or (corpus / "reference" if corpus and not args.scripts else None)
    protected = _protected_dirs(scenario_dir, reference_dir, corpus)
    if args.scripts:
        if args.scenario_files or args.scenarios:
            raise ValueError("give either scenarios or --script, not both")
        missing = [str(p) for p in args.scripts if not p.is_file()]
        if missing:
            raise FileNotFoundError(f"no such script: {', '.join(missing)}")
        jobs = script_jobs(
            args.scripts, args.category, args.in_script_folder, args.weight_events_per_step, args.events_in_time_order
        )
        if args.substring:
            jobs = [job for job in jobs if args.substring in job.name]
            for i, job in enumerate(jobs):
                job.index = i
        return jobs, None, protected
    if args.scenario_files:
        paths = [Path(p) for p in args.scenario_files]
    elif scenario_dir is None or not scenario_dir.is_dir():
        raise FileNotFoundError("no scenario directory (give --scenarios, set $NESTKIT_PARITY_DIR, or --script)")
    else:
        paths = sorted(scenario_dir.glob("*.json"))
    bad = set(args.categories) - set(CATEGORIES)
    if bad:
        raise ValueError(f"unknown categories {''.join(sorted(bad))}; use letters of {CATEGORIES}")
    return scenario_jobs(paths, args.categories, args.substring), reference_dir, protected


def _protected_dirs(*dirs: Path | None) -> List[Path]:
    """The corpus directories given or implied: each one, and a parent holding ``scenarios`` and ``reference``."""
    env = os.environ.get("NESTKIT_PARITY_DIR")
    protected = []
    for directory in (*dirs, Path(env) if env else None):
        if directory is None:
            continue
        protected.append(directory)
        parent = directory.resolve().parent
        if (parent / "scenarios").is_dir() and (parent / "reference").is_dir():
            protected.append(parent)
    return protected


def _refuse_inside(output: Path | None, protected: List[Path]) -> None:
    """The live mode never writes into the corpus."""
    if output is None:
        return
    target = output.resolve()
    for directory in protected:
        root = directory.resolve()
        if target == root or root in target.parents:
            raise ValueError(f"refusing to write {output} inside the corpus ({directory})")


def _save_runs(directory: Path, report: LiveReport) -> None:
    for side in (NEST_SIDE, NESTKIT_SIDE):
        (directory / side).mkdir(parents=True, exist_ok=True)
    for name, sides in report.runs.items():
        for side, runs in sides.items():
            if runs:
                payload = {"scenario": name, "nest_version": side, "runs": runs}
                (directory / side / f"{name}.json").write_text(json.dumps(payload), encoding="utf-8")
