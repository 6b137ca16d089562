"""One side of a live comparison: run jobs through one simulator and write their RUNs.

``python live_worker.py --module MODULE --jobs JOBS.json --out DIR`` is started by
:mod:`.live` twice, once with real NEST's interpreter (``--module nest``) and once
with nestkit's (``--module nestkit.nest``).  It is run *by path*, so NEST's
environment needs no nestkit installation: it imports only the standard library,
numpy and this directory's ``scenario.py`` (again by path; that module imports
nothing else from nestkit).

A job is a scenario (``{"index", "kind": "scenario", "path"}``) or a PyNEST script
(``{"index", "kind": "script", "path", "seeds"}``).  Each job's outcome goes to
``DIR/<index>.json`` as soon as it is done::

    {"index", "status": "ok" | "unsupported" | "error", "runs": [RUN, ...],
     "needs": [...], "message": "...", "seconds": float}

so a crash or a hang costs only the job that caused it: the caller restarts the
worker with the jobs that have no result yet.  ``DIR/ready`` is written once the
simulator module has been imported, which tells "this job crashed" apart from
"this interpreter cannot run the simulator at all".  With ``--needs-only`` the
worker only writes ``DIR/needs.json`` (scenario path -> missing models/features).

A script runs unchanged: for a module other than ``nest`` the worker puts it into
``sys.modules`` as ``nest`` (with ``nest.voltage_trace`` and ``nest.raster_plot``),
then executes the script as ``__main__`` (with ``--seed N`` as its arguments when
the job has seeds) and dumps every recorder's events and all connections.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import runpy
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
SCENARIO_MODULE = "_nestkit_parity_scenario"
#: Submodules that scripts import as ``nest.<name>``.
NEST_SUBMODULES = ("voltage_trace", "raster_plot")
#: Connection columns dumped for scripts.
SCRIPT_CONNECTION_KEYS = ["source", "target", "weight"]


def load_scenario_module() -> Any:
    """``scenario.py`` from this directory, imported by path under a private name."""
    module = sys.modules.get(SCENARIO_MODULE)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(SCENARIO_MODULE, HERE / "scenario.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[SCENARIO_MODULE] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def import_simulator(module_name: str) -> Any:
    """Import the PyNEST-like module; anything but ``nest`` itself is also made importable as ``nest``."""
    nest = importlib.import_module(module_name)
    if module_name != "nest":
        sys.modules["nest"] = nest
        for name in NEST_SUBMODULES:
            try:
                sys.modules[f"nest.{name}"] = importlib.import_module(f"{module_name}.{name}")
            except ImportError:
                continue
    return nest


# --------------------------------------------------------------------------- scenarios


def run_scenario_job(job: dict, nest: Any, sc: Any) -> dict:
    """All seeds of one scenario, or why it could not run."""
    spec = sc.load_json(job["path"])
    needs = sc.missing_requirements(spec, nest)
    if needs:
        return {"status": "unsupported", "needs": needs, "runs": []}
    return {"status": "ok", "runs": sc.run_all_seeds(spec, nest)}


# --------------------------------------------------------------------------- scripts


def run_script_job(job: dict, nest: Any, sc: Any) -> dict:
    """Run the script once per seed (once without seeds) and dump the state after each run."""
    runs = []
    for seed in job.get("seeds") or [None]:
        nest.ResetKernel()
        run_script(job["path"], [] if seed is None else ["--seed", str(seed)], job.get("in_script_folder", False))
        runs.append(dump_script_state(nest, sc, seed))
    return {"status": "ok", "runs": runs}


def run_script(path: str, args: List[str], in_script_folder: bool = False) -> None:
    """Execute ``path`` as ``__main__`` with ``args``, as ``python path args...`` would (from the
    script's folder when ``in_script_folder``: scripts that open data files by relative names)."""
    saved_argv, saved_cwd = sys.argv[:], os.getcwd()
    sys.argv = [path, *args]
    script_dir = str(Path(path).resolve().parent)
    sys.path.insert(0, script_dir)
    if in_script_folder:
        os.chdir(script_dir)
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise RuntimeError(f"script exited with status {exc.code}") from exc
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        if script_dir in sys.path:
            sys.path.remove(script_dir)
        _close_figures()


def _close_figures() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def dump_script_state(nest: Any, sc: Any, seed: int | None) -> dict:
    """Every recorder's events and all connections, as a RUN of the reference schema.

    Events are keyed by the recorder's node id (creation order makes ids agree
    between simulators); ``status`` carries the recorders' models and the kernel
    time so that a different set of devices or a different run length shows up;
    connections are one table ``all`` of (source, target, weight) rows, sorted.
    """
    recorders = nest.GetNodes({"element_type": "recorder"})
    ids = [int(g) for g in sc.to_plain(recorders.tolist())] if len(recorders) else []
    events: Dict[str, dict] = {}
    models = []
    for i, gid in enumerate(ids):
        node = recorders[i]
        data = node.get("events")
        events[str(gid)] = {key: sc._as_list(value) for key, value in data.items()}
        models.append(str(node.get("model")))
    table = sc._connection_table(nest.GetConnections(), SCRIPT_CONNECTION_KEYS)
    rows = sorted(zip(*(table[key] for key in SCRIPT_CONNECTION_KEYS)))
    table = {key: [row[j] for row in rows] for j, key in enumerate(SCRIPT_CONNECTION_KEYS)}
    biological_time = float(nest.GetKernelStatus("biological_time"))
    resolution = float(nest.GetKernelStatus("resolution"))
    return {
        "seed": seed,
        "events": events,
        "status": {
            "kernel": {"biological_time": [biological_time]},
            "recorders": {"node_id": ids, "model": models},
        },
        "connections": {"all": table},
        "queries": {},
        "resolution": resolution,
    }


# --------------------------------------------------------------------------- driver


def run_job(job: dict, nest: Any, sc: Any) -> dict:
    """One job's result record; exceptions become ``error`` (or ``unsupported``) records."""
    start = time.perf_counter()
    try:
        if job["kind"] == "scenario":
            result = run_scenario_job(job, nest, sc)
        else:
            result = run_script_job(job, nest, sc)
    except BaseException as exc:  # noqa: BLE001 - a failing job is a result, not a worker failure
        if isinstance(exc, KeyboardInterrupt):
            raise
        text = f"{type(exc).__name__}: {exc}"
        status = "unsupported" if sc.is_unsupported_error(exc) else "error"
        result = {"status": status, "runs": [], "needs": [text] if status == "unsupported" else []}
        result["message"] = text
        result["traceback"] = traceback.format_exc(limit=8)
    result["index"] = job["index"]
    result["seconds"] = time.perf_counter() - start
    return result


def write_json(path: Path, payload: Any) -> None:
    """Write atomically, so the caller never reads half a file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True, help="PyNEST-like module (nest, nestkit.nest)")
    parser.add_argument("--jobs", type=Path, required=True, help="JSON list of jobs")
    parser.add_argument("--out", type=Path, required=True, help="directory for the results")
    parser.add_argument("--needs-only", action="store_true", help="only list each scenario's missing requirements")
    args = parser.parse_args(argv)
    if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
        sys.path.pop(0)  # run by path: this directory's modules must not shadow anything
    os.environ.setdefault("MPLBACKEND", "Agg")
    sc = load_scenario_module()
    jobs = json.loads(args.jobs.read_text(encoding="utf-8"))
    nest = import_simulator(args.module)
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "ready", {"module": args.module, "pid": os.getpid()})
    if args.needs_only:
        needs = {}
        for job in jobs:
            if job["kind"] == "scenario":
                needs[job["path"]] = sc.missing_requirements(sc.load_json(job["path"]), nest)
        write_json(args.out / "needs.json", needs)
        return 0
    for job in jobs:
        write_json(args.out / f"{job['index']}.json", run_job(job, nest, sc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
