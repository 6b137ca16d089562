"""Reproducibility: seeds, threads, and splitting a run into Simulate chunks.

The network: 60 iaf_psc_alpha driven by a poisson_generator (independent trains per
target), recurrent fixed_indegree connectivity with random weights and delays, a
spike_recorder on all neurons and a multimeter on five of them. All delays are >= 2 ms,
so min_delay is 2 ms.
"""

import numpy as np
import pytest

MIN_DELAY = 2.0


def build(nest, seed=1, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"rng_seed": seed, "local_num_threads": threads})
    n = nest.Create("iaf_psc_alpha", 60)
    pg = nest.Create("poisson_generator", params={"rate": 8000.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": 0.3})
    nest.Connect(pg, n, syn_spec={"weight": 10.0, "delay": MIN_DELAY})
    nest.Connect(
        n,
        n,
        {"rule": "fixed_indegree", "indegree": 10},
        {"weight": nest.random.uniform(-30.0, 15.0), "delay": nest.random.uniform(MIN_DELAY, 4.0)},
    )
    nest.Connect(mm, n[:5], syn_spec={"delay": MIN_DELAY})
    nest.Connect(n, sr, syn_spec={"delay": MIN_DELAY})
    return n, sr, mm


def run(nest, chunks, seed=1, threads=1):
    n, sr, mm = build(nest, seed, threads)
    for t in chunks:
        nest.Simulate(t)
    return spike_set(sr), mm.get("events"), connectivity(nest, n)


def spike_set(sr):
    ev = sr.get("events")
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
    order = np.lexsort((times, senders))
    return senders[order], times[order]


def connectivity(nest, n):
    c = nest.GetConnections(n, n).get(["source", "target", "weight", "delay"])
    return sorted(zip(c["source"], c["target"], c["weight"], c["delay"]))


def assert_same_spikes(a, b):
    assert len(a[0]) > 50, "the test network should spike"
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def assert_same_events(a, b):
    assert set(a) == set(b)
    assert len(a["times"]) > 100
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)


def test_min_delay_of_the_test_network(nest):
    build(nest)
    assert nest.GetKernelStatus("min_delay") == pytest.approx(MIN_DELAY)


def test_same_seed_gives_identical_results(nest):
    s1, mm1, c1 = run(nest, [100.0], seed=11)
    s2, mm2, c2 = run(nest, [100.0], seed=11)
    assert c1 == c2
    assert_same_spikes(s1, s2)
    assert_same_events(mm1, mm2)


def test_thread_count_does_not_change_results(nest):
    s1, mm1, c1 = run(nest, [100.0], seed=5, threads=1)
    s2, mm2, c2 = run(nest, [100.0], seed=5, threads=2)
    assert nest.GetKernelStatus("local_num_threads") == 2
    assert c1 == c2
    assert_same_spikes(s1, s2)
    # The multimeter's event order may depend on threads; compare per sender.
    for sender in np.unique(mm1["senders"]):
        m1, m2 = np.asarray(mm1["senders"]) == sender, np.asarray(mm2["senders"]) == sender
        for key in ("times", "V_m", "I_syn_ex", "I_syn_in"):
            np.testing.assert_array_equal(np.asarray(mm1[key])[m1], np.asarray(mm2[key])[m2], err_msg=key)


@pytest.mark.parametrize(
    "chunks",
    [
        [50.0, 50.0],
        [37.3, 12.7, 0.5, 49.5],  # chunks that are not multiples of min_delay
        [0.1] * 7 + [99.3],
        [2.0] * 50,
        [1.0] * 100,
    ],
)
def test_chunked_run_equals_one_long_run(nest, chunks):
    assert sum(chunks) == pytest.approx(100.0)
    s1, mm1, _ = run(nest, [100.0], seed=3)
    s2, mm2, _ = run(nest, chunks, seed=3)
    assert nest.GetKernelStatus("biological_time") == pytest.approx(100.0)
    assert_same_spikes(s1, s2)
    assert_same_events(mm1, mm2)


def test_chunked_run_then_continue(nest):
    """The samples held back at the end of a run come with the next call, identical either way."""
    s1, mm1, _ = run(nest, [60.0, 40.0], seed=4)
    s2, mm2, _ = run(nest, [60.0, 13.3, 26.7], seed=4)
    assert_same_spikes(s1, s2)
    assert_same_events(mm1, mm2)


def test_multimeter_sample_count_after_chunks(nest):
    # NEST: the samples of the last min_delay slice are delivered by the next Simulate call.
    _, mm, _ = run(nest, [37.3, 12.7], seed=2)
    times = np.asarray(mm["times"])
    per_sender = times[np.asarray(mm["senders"]) == mm["senders"][0]]
    # slices are [0, 2), [2, 4), ...; after 50 ms the samples up to 48 ms are in: 0.3, 0.6, ..., 48.0
    np.testing.assert_allclose(per_sender, 0.3 * np.arange(1, 161), atol=1e-9)


def test_different_seeds_give_different_connectivity_and_spikes(nest):
    s1, _, c1 = run(nest, [100.0], seed=1)
    s2, _, c2 = run(nest, [100.0], seed=2)
    assert len(c1) == len(c2) == 600
    assert [row[:2] for row in c1] != [row[:2] for row in c2]
    assert [row[2] for row in c1] != [row[2] for row in c2]
    assert len(s1[0]) != len(s2[0]) or not np.array_equal(s1[1], s2[1])


def test_poisson_input_depends_on_the_seed_only(nest):
    def parrot_spikes(seed):
        nest.ResetKernel()
        nest.SetKernelStatus({"rng_seed": seed})
        pg = nest.Create("poisson_generator", params={"rate": 500.0})
        p = nest.Create("parrot_neuron", 4)
        sr = nest.Create("spike_recorder")
        nest.Connect(pg, p)
        nest.Connect(p, sr)
        nest.Simulate(200.0)
        return spike_set(sr)

    a, b, c = parrot_spikes(7), parrot_spikes(7), parrot_spikes(8)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    # Independent trains per target, each with about 500 Hz * 0.2 s = 100 spikes.
    per_target = [a[1][a[0] == s] for s in np.unique(a[0])]
    assert len(per_target) == 4
    assert not np.array_equal(per_target[0], per_target[1])
    for train in per_target:
        assert abs(len(train) - 100) < 5 * np.sqrt(100)


def test_random_node_parameters_depend_on_the_seed_only(nest):
    def v_init(seed, threads):
        nest.ResetKernel()
        nest.SetKernelStatus({"rng_seed": seed, "local_num_threads": threads})
        return nest.Create("iaf_psc_alpha", 30, {"V_m": nest.random.normal(-65.0, 3.0)}).get("V_m")

    assert v_init(3, 1) == v_init(3, 1) == v_init(3, 2)
    assert v_init(3, 1) != v_init(4, 1)
