"""Distributed runs under mpirun: identical results for any split of ranks x threads, the
parity corpus on two ranks, errors raised on every rank, per-rank ascii files.

CI builds nestkit with MPI (Open MPI from Debian's packages, scripts/setup.sh); these
machines oversubscribe their two cores, which only costs time."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from nestkit import _core

HERE = Path(__file__).parent
SCRIPTS = HERE / "mpi_scripts"


def _env():
    env = dict(os.environ)
    # Root in containers: Open MPI refuses it unless told; no effect for other users.
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    env.pop("OMP_NUM_THREADS", None)
    return env


def mpirun(nprocs, *args, timeout=240):
    launcher = shutil.which("mpirun")
    assert launcher, "mpirun not found: the distributed tests need Open MPI (scripts/setup.sh installs it)"
    cmd = [launcher, "-np", str(nprocs), "--oversubscribe", sys.executable, *map(str, args)]
    return subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=timeout)


def single(*args, timeout=240):
    return subprocess.run(
        [sys.executable, *map(str, args)], env=_env(), capture_output=True, text=True, timeout=timeout
    )


def test_built_with_mpi():
    assert _core.built_with_mpi(), "nestkit was built without MPI; install libopenmpi-dev and rebuild"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("mpi")
    results = {}
    for ranks, threads in ((1, 1), (1, 2), (2, 1), (2, 2)):
        path = out / f"{ranks}x{threads}.json"
        script = (SCRIPTS / "network.py", threads, path)
        proc = single(*script) if ranks == 1 else mpirun(ranks, *script)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
        results[(ranks, threads)] = json.loads(path.read_text())
    return results


@pytest.mark.parametrize("split", [(1, 2), (2, 1), (2, 2)])
def test_same_results_for_any_split(runs, split):
    one, other = runs[(1, 1)], runs[split]
    assert len(one["sr"]["times"]) > 500  # the network is active
    for recorder in ("sr", "mm", "mr"):
        assert one[recorder].keys() == other[recorder].keys()
        for key, values in one[recorder].items():
            assert np.array_equal(np.asarray(values), np.asarray(other[recorder][key])), (recorder, key, split)
    assert one["stdp"] == other["stdp"] and len(one["stdp"]) > 50
    assert other["kernel"]["total_num_virtual_procs"] == split[0] * split[1]
    assert other["kernel"]["num_processes"] == split[0]


def test_local_nodes_partition_the_population(runs):
    parts = runs[(2, 2)]["local_E"]
    assert len(parts) == 2 and all(parts)
    assert sorted(parts[0] + parts[1]) == list(range(1, 161))
    assert not set(parts[0]) & set(parts[1])


def test_parity_corpus_on_two_ranks():
    corpus = os.environ.get("NESTKIT_PARITY_DIR")
    assert corpus and Path(corpus, "scenarios").is_dir(), "NESTKIT_PARITY_DIR must point at the parity corpus"
    proc = mpirun(
        2,
        "-m",
        "nestkit.parity",
        "run",
        "--scenarios",
        Path(corpus, "scenarios"),
        "--reference",
        Path(corpus, "reference"),
        timeout=600,
    )
    # mpirun may join lines of the ranks' output, so the summary is searched, not split out.
    summary = re.findall(r"(\d+) passed, (\d+) failed, (\d+) unsupported", proc.stdout)
    assert proc.returncode == 0, "\n".join(line for line in proc.stdout.splitlines() if "FAIL" in line)
    assert summary and summary[-1][1:] == ("0", "0") and int(summary[-1][0]) > 100, summary


def test_a_failing_rank_fails_every_rank():
    proc = mpirun(2, SCRIPTS / "failing_rank.py", timeout=120)
    assert proc.returncode != 0
    out = proc.stdout  # the ranks' lines may arrive interleaved without their line breaks
    assert out.count("rank 0 raised: ") == 1 and out.count("rank 1 raised: ") == 1, out + proc.stderr
    messages = re.findall(r"raised: (KernelException: on MPI rank \d: NumericalInstability.*?\(node \d+\))", out)
    assert len(messages) == 2 and messages[0] == messages[1], out  # the same text on every rank


def test_connect_failing_on_one_rank_fails_every_rank():
    proc = mpirun(2, SCRIPTS / "failing_connect.py", timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    reports = [json.loads(m) for m in re.findall(r"REPORT (\{.*?\})", proc.stdout)]
    assert sorted(r["rank"] for r in reports) == [0, 1], proc.stdout
    a, b = reports
    # Receptor 2 exists on rank 0's targets only: rank 1 fails, both raise its error.
    assert a["connect"] == b["connect"], reports
    assert a["connect"].startswith("UnknownReceptorType") or "receptor" in a["connect"].lower(), reports
    assert "on MPI rank 1" in a["connect"], reports
    assert a["after_failed_connect"] == b["after_failed_connect"] == 0  # nothing half made
    # Node 4 (rank 1) has no connection to remove: both raise the same error, nothing removed.
    assert a["disconnect"] == b["disconnect"] and "no static_synapse connection" in a["disconnect"], reports
    assert a["connections"] + b["connections"] == 4, reports


def test_ascii_files_per_rank(tmp_path):
    script = SCRIPTS / "ascii_files.py"
    proc = mpirun(2, script, tmp_path, "ascii", timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(tmp_path.glob("spk-*.dat"))
    # NEST's names: label-<node id>-<virtual process>.dat, one file per virtual process.
    assert [f.name for f in files] == ["spk-11-0.dat", "spk-11-1.dat"]
    rows = [np.loadtxt(f, comments="#", skiprows=3, ndmin=2) for f in files]
    senders = [set(r[:, 0].astype(int)) for r in rows]
    assert senders[0] and senders[1] and not senders[0] & senders[1]  # each rank wrote its own nodes
    both = np.vstack(rows)
    ref = single(script, tmp_path, "memory", timeout=120)
    assert ref.returncode == 0, ref.stderr[-3000:]
    senders_1p, times_1p = json.loads([x for x in ref.stdout.splitlines() if x.startswith("EV ")][0][3:])
    written = sorted(zip(both[:, 0].astype(int).tolist(), np.round(both[:, 1], 6).tolist()))
    assert written == sorted(zip(senders_1p, np.round(times_1p, 6).tolist()))
    assert len(written) > 20


def test_mpi4py_started_mpi_first():
    proc = mpirun(2, SCRIPTS / "with_mpi4py.py", timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.findall(r"TOTALS (\d+) (\d+)", proc.stdout)
    assert found, proc.stdout + proc.stderr
    totals = [int(n) for n in found[0]]
    # One process: the same neurons spike the same number of times.
    ref = single(
        "-c",
        "import nestkit.nest as nest\n"
        "n = nest.Create('iaf_psc_alpha', 4, params={'I_e': [376.0, 400.0, 450.0, 500.0]})\n"
        "sr = nest.Create('spike_recorder'); nest.Connect(n, sr); nest.Simulate(100.0)\n"
        "print('TOTAL', sr.n_events)\n",
    )
    expected = int([line for line in ref.stdout.splitlines() if line.startswith("TOTAL")][0].split()[1])
    assert totals == [expected, expected] and expected > 0
