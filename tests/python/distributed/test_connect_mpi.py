"""Connect under mpirun makes only the local side, with the same results as one process:
every rule, per-connection random values, row positions (ports), Disconnect, and the peak
memory of building divided by the ranks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_mpi import SCRIPTS, mpirun, single

SPLITS = ((1, 1), (1, 2), (2, 1), (2, 2))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("rules")
    results = {}
    for ranks, threads in SPLITS:
        path = out / f"{ranks}x{threads}.json"
        script = (SCRIPTS / "rules.py", threads, path)
        proc = single(*script) if ranks == 1 else mpirun(ranks, *script)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
        results[(ranks, threads)] = json.loads(path.read_text())
    return results


@pytest.mark.parametrize("split", SPLITS[1:])
def test_rules_give_the_same_connections_and_spikes(runs, split):
    one, other = runs[(1, 1)], runs[split]
    assert len(one["before"]) > 3000 and len(one["spikes_before"]["times"]) > 100
    # Every connection with its weight, delay and port (its position in the source's row).
    assert one["before"] == other["before"], split
    for key in ("senders", "times"):
        assert np.array_equal(one["spikes_before"][key], other["spikes_before"][key]), (split, key)


@pytest.mark.parametrize("split", SPLITS[1:])
def test_disconnect_gives_the_same_result(runs, split):
    one, other = runs[(1, 1)], runs[split]
    removed = len(one["before"]) - len(one["after"])
    assert removed > 100
    assert one["after"] == other["after"], split  # ports closed up over all ranks' removals
    for key in ("senders", "times"):
        assert np.array_equal(one["spikes"][key], other["spikes"][key]), (split, key)


@pytest.mark.parametrize("split", SPLITS[1:])
def test_connections_per_rank_sum_to_one_process(runs, split):
    one, other = runs[(1, 1)], runs[split]
    for before_after in range(2):
        per_rank = other["counts"][before_after]
        assert len(per_rank) == split[0]
        assert sum(per_rank) == one["counts"][before_after][0]
        if split[0] == 2:
            assert all(n > 0.3 * sum(per_rank) for n in per_rank)  # each rank holds its share


def test_building_memory_divides_over_ranks(tmp_path):
    n, indegree = 8000, 400  # 3.2 million synapses with their own weights and delays
    script = SCRIPTS / "build_memory.py"

    def measure(launch, where):
        where.mkdir()
        proc = launch(script, n, indegree, where)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return {int(f.stem): json.loads(f.read_text()) for f in where.glob("*.json")}

    one = measure(single, tmp_path / "one")[0]
    two = measure(lambda *a: mpirun(2, *a), tmp_path / "two")
    assert one[1] == n * indegree and sorted(two) == [0, 1]
    assert sum(c for _, c in two.values()) == n * indegree
    assert one[0] > 40_000  # > 40 MB: the measurement sees the connections
    # Each rank builds only its targets' synapses: about half the growth of one process
    # (before, every rank drew the whole call and peaked as high as one process).
    for kb, _ in two.values():
        assert kb < 0.7 * one[0], (two, one)
