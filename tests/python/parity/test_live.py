"""The live mode's machinery, without NEST: nestkit stands in on both sides where a run is needed.

Real NEST is only needed by ``python -m nestkit.parity live --nest-python ...`` in
scripts/test.sh; here the workers, the script dumps, the judging and the command
line are checked with nestkit (``--nest-module nestkit.nest``) and synthetic runs.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from nestkit.parity import live, live_worker
from nestkit.parity.__main__ import main
from nestkit.parity.stats import population_size, run_statistics

HERE = Path(__file__).resolve().parent
SCRIPTS = sorted((HERE / "live_scripts").glob("*.py"))
SCRIPT_NAMES = {
    "astrocyte_network",
    "balanced_network",
    "cm_current_input",
    "cm_receptors",
    "eprop_bsshslm_optimizer_flush",
    "eprop_evidence_accumulation_reduced",
    "eprop_flush_history",
    "eprop_handwriting_reduced",
    "eprop_lemniscate_reduced",
    "eprop_regression",
    "iaf_psc_network",
    "parameter_objects",
    "parameter_values",
    "precise_network",
    "recording_demo",
    "run_prepare_cleanup",
    "single_neuron_dc",
    "stdp_network",
    "stdp_rows_network",
    "synapse_collections",
    "two_neurons",
}
#: Arguments that make the "NEST" side of a live run nestkit too.
NESTKIT_AS_NEST = ["--nest-python", sys.executable, "--nest-module", "nestkit.nest"]


def run_worker(tmp_path: Path, jobs: list, module: str = "nestkit.nest") -> dict:
    """Run live_worker.py by path, as the live mode does; results by job index."""
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps(jobs))
    out = tmp_path / "out"
    env = live.nestkit_env()
    cmd = [sys.executable, str(live.WORKER), "--module", module, "--jobs", str(jobs_file), "--out", str(out)]
    proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {job["index"]: json.loads((out / f"{job['index']}.json").read_text()) for job in jobs}


def write_script(directory: Path, name: str, body: str) -> Path:
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return path


def spike_run(times_by_sender: dict, seed=None) -> dict:
    senders = [s for s, times in times_by_sender.items() for _ in times]
    times = [t for ts in times_by_sender.values() for t in ts]
    return {"seed": seed, "events": {"sr": {"senders": senders, "times": times}}, "status": {}, "connections": {}}


# --------------------------------------------------------------------------- the scripts themselves


def test_all_live_scripts_are_present():
    assert {p.stem for p in SCRIPTS} == SCRIPT_NAMES


def test_script_options_from_comment_lines(tmp_path):
    balanced = live.script_options(HERE / "live_scripts" / "balanced_network.py")
    assert balanced.category == "D"
    assert balanced.seeds == [11, 12, 13, 14, 15]
    assert balanced.statistics == ["rate_per_sender", "cv_isi"]
    plain = live.script_options(HERE / "live_scripts" / "two_neurons.py")
    assert (plain.category, plain.seeds, plain.statistics) == ("A", None, [])
    assert live.script_options(HERE / "live_scripts" / "two_neurons.py", default_category="B").category == "B"
    only_d = write_script(tmp_path, "only_d", "# nestkit-live: --category D\nimport nest\n")
    assert live.script_options(only_d).statistics == ["rate_per_sender"]
    bad = write_script(tmp_path, "bad", "# nestkit-live: --category Z\n")
    with pytest.raises(ValueError, match="bad '# nestkit-live:' options"):
        live.script_options(bad)


def test_worker_runs_every_script_on_nestkit(tmp_path):
    """The nestkit side of each script: runs unchanged (``import nest``, ``nest.voltage_trace``) and dumps."""
    jobs = live.script_jobs(SCRIPTS)
    results = run_worker(tmp_path, [job.to_worker() for job in jobs])
    for job in jobs:
        result = results[job.index]
        assert result["status"] == "ok", (job.name, result.get("traceback"))
        assert len(result["runs"]) == max(1, len(job.seeds))
        for run in result["runs"]:
            recorders = run["status"]["recorders"]
            assert recorders["node_id"] and len(recorders["model"]) == len(recorders["node_id"])
            assert sorted(run["events"], key=int) == [str(i) for i in recorders["node_id"]]
            table = run["connections"]["all"]
            rows = list(zip(table["source"], table["target"], table["weight"]))
            assert rows == sorted(rows) and rows
            assert run["status"]["kernel"]["biological_time"][0] > 0
    balanced = next(job for job in jobs if job.name == "balanced_network")
    seeds = [run["seed"] for run in results[balanced.index]["runs"]]
    assert seeds == [11, 12, 13, 14, 15]
    rpc = next(job for job in jobs if job.name == "run_prepare_cleanup")
    assert results[rpc.index]["runs"][0]["status"]["kernel"]["biological_time"] == [180.0]


def test_worker_imports_nothing_from_nestkit():
    """NEST's environment has no nestkit: the worker and scenario.py must not import it."""
    for path in (live.WORKER, live.WORKER.parent / "scenario.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and not (node.module or "").startswith("nestkit"), (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("nestkit") for alias in node.names), path.name


def test_worker_reports_errors_and_unsupported(tmp_path):
    failing = write_script(tmp_path, "failing", "import nest\nnest.Create('no_such_model_xyz')\n")
    missing = write_script(tmp_path, "missing", "raise NotImplementedError('not yet')\n")
    exiting = write_script(tmp_path, "exiting", "import sys\nimport nest\nnest.Create('iaf_psc_alpha')\nsys.exit(0)\n")
    jobs = [
        {"index": i, "kind": "script", "path": str(p), "seeds": []} for i, p in enumerate((failing, missing, exiting))
    ]
    results = run_worker(tmp_path, jobs)
    assert results[0]["status"] == "error" and "no_such_model_xyz" in results[0]["message"]
    assert results[1]["status"] == "unsupported" and "not yet" in results[1]["message"]
    assert results[2]["status"] == "ok"
    assert results[2]["runs"][0]["events"] == {}


def test_worker_runs_a_script_from_its_folder_when_asked(tmp_path):
    folder = tmp_path / "example"
    folder.mkdir()
    (folder / "data.txt").write_text("7.5\n")
    reads = write_script(
        folder, "reads", "import nest\nn = nest.Create('iaf_psc_alpha')\nn.I_e = float(open('data.txt').read())\n"
    )
    plain = {"index": 0, "kind": "script", "path": str(reads), "seeds": []}
    results = run_worker(tmp_path, [plain, {**plain, "index": 1, "in_script_folder": True}])
    assert results[0]["status"] == "error" and "data.txt" in results[0]["message"]
    assert results[1]["status"] == "ok"
    assert live.script_jobs([reads], in_script_folder=True)[0].to_worker()["in_script_folder"] is True
    assert "in_script_folder" not in live.script_jobs([reads])[0].to_worker()


# --------------------------------------------------------------------------- judging synthetic results


def script_job(category: str = "A", statistics=None) -> live.Job:
    return live.Job(0, "script", Path("synthetic.py"), "synthetic", category, statistics=statistics or [])


def test_judge_identical_and_shifted_spikes():
    run = spike_run({1: [1.0, 5.5], 2: [3.2]})
    ok = {"status": "ok", "runs": [run]}
    assert live.judge(script_job(), ok, copy.deepcopy(ok))[0].status == "PASS"
    shifted = copy.deepcopy(ok)
    shifted["runs"][0]["events"]["sr"]["times"][1] += 0.1
    result = live.judge(script_job(), ok, shifted)[0]
    assert result.status == "FAIL" and "sender 1" in result.worst.where
    assert live.judge(script_job("C"), ok, shifted)[0].status == "PASS"  # within one 0.1 ms step


def weight_run(rows: list) -> dict:
    """A run with one weight_recorder (node 9) holding (time, sender, target, weight, port) rows."""
    keys = ("times", "senders", "targets", "weights", "ports")
    events = {key: [row[j] for row in rows] for j, key in enumerate(keys)}
    events["receptors"] = [0] * len(rows)
    status = {"recorders": {"node_id": [9], "model": ["weight_recorder"]}}
    return {"seed": None, "events": {"9": events}, "status": status, "connections": {}}


def test_weight_events_per_step_ignore_order_and_ports_only():
    nest_rows = [(2.0, 1, 5, 0.5, 10000), (2.0, 1, 3, 0.25, 10001), (3.0, 2, 3, 1.0, 7)]
    nk_rows = [(2.0, 1, 3, 0.25, 1), (2.0, 1, 5, 0.5, 2), (3.0, 2, 3, 1.0, 0)]
    nest_side, nk_side = (
        {"status": "ok", "runs": [weight_run(nest_rows)]},
        {"status": "ok", "runs": [weight_run(nk_rows)]},
    )
    per_step = script_job()
    per_step.weight_events_per_step = True
    assert live.judge(script_job(), nest_side, nk_side)[0].status == "FAIL"
    assert live.judge(per_step, nest_side, nk_side)[0].status == "PASS"
    changed = weight_run([(2.0, 1, 3, 0.25, 1), (2.0, 1, 5, 0.5 + 1e-6, 2), (3.0, 2, 3, 1.0, 0)])
    result = live.judge(per_step, nest_side, {"status": "ok", "runs": [changed]})[0]
    assert result.status == "FAIL" and "weights" in result.worst.where


def test_judge_side_failures():
    ok = {"status": "ok", "runs": [spike_run({1: [1.0]})]}
    unsupported = {"status": "unsupported", "needs": ["fancy_model"], "runs": []}
    error = {"status": "error", "message": "boom", "runs": []}
    result = live.judge(script_job(), ok, unsupported)[0]
    assert result.status == "UNSUPPORTED" and result.needs == ["fancy_model"]
    assert live.judge(script_job(), error, ok)[0].message == "error on NEST: boom"
    assert live.judge(script_job(), ok, error)[0].message == "error: boom"
    assert live.judge(script_job(), unsupported, ok)[0].needs == ["NEST lacks fancy_model"]


def script_dump(rate_hz: float, seed: int) -> dict:
    """A script dump: 4 neurons (ids 1-4) into spike recorder 5, regular spikes at ``rate_hz`` for 1 s."""
    interval = 1000.0 / rate_hz
    times = {s: [interval * (k + 0.25 * s) for k in range(int(rate_hz))] for s in (1, 2, 3)}  # node 4 is silent
    run = spike_run(times, seed)
    run["events"] = {"5": run["events"]["sr"]}
    run["connections"] = {"all": {"source": [1, 2, 3, 4], "target": [5, 5, 5, 5], "weight": [1.0] * 4}}
    run["status"] = {"kernel": {"biological_time": [1000.0]}}
    run["resolution"] = 0.1
    return run


def test_script_spec_for_category_d_statistics():
    job = script_job("D", ["rate_per_sender", "n_connections"])
    runs = [script_dump(20.0, seed) for seed in (1, 2, 3)]
    spec = live.script_spec(job, runs)
    assert spec["record"] == ["5"] and spec["simulate"] == [1000.0]
    assert population_size(spec, "5") == 4  # the silent neuron counts
    stats = run_statistics(spec, runs[0])
    assert stats["rate_per_sender[5]"] == [15.0]  # 3 of 4 neurons at 20 Hz
    assert stats["n_connections[all]"] == [4.0]
    same = {"status": "ok", "runs": runs}
    assert live.judge(job, same, copy.deepcopy(same))[0].status == "PASS"
    faster = {"status": "ok", "runs": [script_dump(30.0, seed) for seed in (1, 2, 3)]}
    result = live.judge(job, same, faster)[0]
    assert result.status == "FAIL" and result.worst.where == "rate_per_sender[5]"


def test_check_stored_verdicts():
    spec = {"name": "x", "category": "A"}
    run = spike_run({1: [1.0, 2.0]})
    stored = {"runs": [dict(copy.deepcopy(run), status={"n": {}})]}  # references keep empty sections
    run["queries"] = {}
    assert live.check_stored(spec, [run], stored).verdict == "identical"
    close = copy.deepcopy(run)
    close["events"]["sr"]["times"][0] += 1e-9
    assert live.check_stored(spec, [close], stored).verdict == "within tolerance"
    far = copy.deepcopy(run)
    far["events"]["sr"]["times"][0] += 0.5
    check = live.check_stored(spec, [far], stored)
    assert check.verdict == "differ" and "sender 1" in check.detail
    assert live.check_stored(spec, [run], None).verdict == "missing"


# --------------------------------------------------------------------------- end to end, nestkit on both sides


def test_live_scripts_end_to_end(capsys):
    code = main(["live", *NESTKIT_AS_NEST, "--script", *map(str, SCRIPTS)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0, out
    assert out[-1] == f"{len(SCRIPTS)} passed, 0 failed, 0 unsupported"
    assert sorted(line.split()[1] for line in out[:-1] if line.startswith("PASS")) == sorted(SCRIPT_NAMES)


def renamed_scenario(corpus_dir: Path, tmp_path: Path, name: str, model: str | None = None) -> str:
    """iaf_psc_alpha__dc under another name (no stored reference), optionally with an unknown model."""
    spec = json.loads((corpus_dir / "scenarios" / "iaf_psc_alpha__dc.json").read_text())
    spec["name"] = name
    if model is not None:
        spec["nodes"][0]["model"] = model
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(spec))
    return str(path)


def test_live_scenarios_end_to_end(corpus_dir, tmp_path, capsys):
    names = ["iaf_psc_alpha__dc", "poisson_generator__stats", "recorders__windows"]
    scenarios = [str(corpus_dir / "scenarios" / f"{name}.json") for name in names]
    scenarios.append(renamed_scenario(corpus_dir, tmp_path, "zz_renamed"))
    scenarios.append(renamed_scenario(corpus_dir, tmp_path, "zz_unknown_model", model="no_such_model_xyz"))
    out_json, runs = tmp_path / "live.json", tmp_path / "runs"
    outputs = ["--reference", str(corpus_dir / "reference"), "--json", str(out_json), "--save-runs", str(runs)]
    code = main(["live", *NESTKIT_AS_NEST, *scenarios, *outputs])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, lines
    assert lines[-1] == "4 passed, 0 failed, 1 unsupported"
    assert lines[-2].startswith("live NEST vs stored references: ") and lines[-2].endswith(", 1 missing")
    assert any(line.startswith("UNSUPPORTED zz_unknown_model  needs: no_such_model_xyz") for line in lines)
    assert any(line.startswith("NOTE zz_renamed  live NEST vs stored reference: missing") for line in lines)
    data = json.loads(out_json.read_text())
    assert [r["status"] for r in data["results"]] == ["PASS", "PASS", "PASS", "PASS", "UNSUPPORTED"]
    assert data["live_vs_stored"]["iaf_psc_alpha__dc"]["verdict"] in ("identical", "within tolerance")
    saved = json.loads((runs / "nestkit" / "poisson_generator__stats.json").read_text())
    assert len(saved["runs"]) == len(json.loads(Path(scenarios[1]).read_text())["seeds"])


def test_category_filter_and_no_writes_into_the_corpus(corpus_dir, tmp_path, capsys):
    (tmp_path / "scenarios").mkdir()
    for name in ("iaf_psc_alpha__dc", "poisson_generator__stats"):
        (tmp_path / "scenarios" / f"{name}.json").write_bytes((corpus_dir / "scenarios" / f"{name}.json").read_bytes())
    args = ["live", *NESTKIT_AS_NEST, "--scenarios", str(tmp_path / "scenarios")]
    assert main([*args, "--categories", "D"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PASS poisson_generator__stats") and lines[-1] == "1 passed, 0 failed, 0 unsupported"
    assert main([*args, "-k", "alpha"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PASS iaf_psc_alpha__dc") and lines[-1] == "1 passed, 0 failed, 0 unsupported"
    # A corpus-shaped directory (scenarios/ and reference/) is never written into, even when only
    # --scenarios names it; a copy stands in for the real corpus so a failure cannot touch it.
    (tmp_path / "reference").mkdir()
    for output in ("--json", "--save-runs"):
        for target in (tmp_path / "reference" / "out.json", tmp_path / "out", tmp_path / "scenarios" / "x"):
            assert main([*args, output, str(target)]) == 2
            assert not target.exists()
    assert main([*args, "--categories", "X"]) == 2


def test_crash_and_hang_cost_only_their_case(tmp_path, capsys):
    crash = write_script(tmp_path, "a_crash", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    hang = write_script(tmp_path, "b_hang", "import time\ntime.sleep(60)\n")
    fine = HERE / "live_scripts" / "two_neurons.py"
    # The timeout leaves the crashing case time to start its worker on a loaded machine
    # (3 s was too short at load 8: it timed out before it could crash).
    code = main(["live", *NESTKIT_AS_NEST, "--case-timeout", "10", "--script", str(crash), str(hang), str(fine)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith("FAIL a_crash  error on NEST: nest worker died (killed by signal 11)")
    assert lines[1].startswith("FAIL b_hang  error on NEST: nest timed out after 10 s")
    assert lines[2].startswith("PASS two_neurons")
    assert lines[-1] == "1 passed, 2 failed, 0 unsupported"


def test_simulator_that_cannot_start(tmp_path, capsys):
    fine = HERE / "live_scripts" / "two_neurons.py"
    args = ["live", "--nest-python", sys.executable, "--nest-module", "no_such_module_xyz", "--script", str(fine)]
    assert main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("FAIL two_neurons  error on NEST: nest worker could not start")
    assert "no_such_module_xyz" in lines[0]
    assert main(["live", "--nest-python", str(tmp_path / "no_python"), "--script", str(fine)]) == 2


def test_nestkit_environment_can_import_the_package():
    env = live.nestkit_env()
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(live.PACKAGE_ROOT)
    assert (live.PACKAGE_ROOT / "nestkit" / "parity" / "live_worker.py").is_file()
    assert live_worker.HERE == live.WORKER.parent
