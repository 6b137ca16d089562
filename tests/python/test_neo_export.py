"""Neo export (Result.to_neo, nest.to_neo) checked by Elephant against NumPy, and the
pandas tables of spikes and traces."""

import sys

import nestkit
import numpy as np
import pytest
import quantities as pq
from elephant.conversion import BinnedSpikeTrain
from elephant.spike_train_correlation import cross_correlation_histogram
from elephant.statistics import cv, isi, mean_firing_rate


@pytest.fixture
def network():
    """An irregularly firing population (Poisson drive, recurrent inhibition), one silent
    neuron, a spike recorder from 20 ms on and a multimeter."""
    sim = nestkit.Simulator(seed=3)
    pop = sim.create("iaf_psc_alpha", 40)
    silent = sim.create("iaf_psc_alpha", 1)
    noise = sim.create("poisson_generator", rate=18000.0)
    sr = sim.create("spike_recorder", start=20.0)
    mm = sim.create("multimeter", record_from=["V_m", "I_syn_ex"], interval=0.5)
    sim.connect(noise, pop, weight=10.0)
    sim.connect(pop, pop, "fixed_indegree", indegree=5, weight=-30.0, delay=1.5)
    sim.connect(pop + silent, sr)
    sim.connect(mm, pop[:3])
    result = sim.simulate(500.0)
    return sim, pop, silent, sr, mm, result


def numpy_trains(result, sr, senders):
    sp = result.spikes(sr)
    return {s: np.sort(sp.times[sp.senders == s]) for s in senders}


def test_block_has_a_train_per_connected_sender_with_the_recording_window(network):
    sim, pop, silent, sr, mm, result = network
    block = result.to_neo(sr)
    (segment,) = block.segments
    trains = segment.spiketrains
    senders = pop.tolist() + silent.tolist()
    assert [st.annotations["sender"] for st in trains] == senders
    expected = numpy_trains(result, sr, senders)
    for st in trains:
        np.testing.assert_array_equal(st.times.rescale(pq.ms).magnitude, expected[st.annotations["sender"]])
        assert st.t_start == 20.0 * pq.ms and st.t_stop == 500.0 * pq.ms
        assert st.annotations["recorder"] == sr.tolist()[0] and st.annotations["sender_model"] == "iaf_psc_alpha"
    assert len(trains[-1]) == 0  # the silent neuron has an empty train
    assert sum(len(st) for st in trains) == sr.get("n_events") > 200
    assert block.annotations["rng_seed"] == 3 and block.annotations["nestkit_version"] == nestkit.__version__
    assert block.groups[0].name == f"spike_recorder {sr.tolist()[0]}"


def test_elephant_rates_cv_and_cross_correlogram_equal_numpy(network):
    _, pop, silent, sr, _, result = network
    trains = result.to_neo(sr).segments[0].spiketrains
    senders = pop.tolist() + silent.tolist()
    expected = numpy_trains(result, sr, senders)
    duration_s = (500.0 - 20.0) / 1000.0
    for st in trains:
        times = expected[st.annotations["sender"]]
        rate = mean_firing_rate(st).rescale(pq.Hz).magnitude
        assert rate == pytest.approx(len(times) / duration_s, rel=1e-12)
        if len(times) > 2:
            intervals = np.diff(times)
            assert cv(isi(st)) == pytest.approx(np.std(intervals) / np.mean(intervals), rel=1e-12)
    population_rate = np.mean([mean_firing_rate(st).rescale(pq.Hz).magnitude for st in trains])
    assert population_rate == pytest.approx(len(result.spikes(sr).times) / len(senders) / duration_s, rel=1e-12)
    assert population_rate > 5.0

    # Cross-correlogram of the two most active neurons, 1 ms bins, lags -20..20 ms.
    a, b = sorted(trains, key=len)[-2:]
    cch, lags = cross_correlation_histogram(
        BinnedSpikeTrain(a, bin_size=1 * pq.ms), BinnedSpikeTrain(b, bin_size=1 * pq.ms), window=[-20, 20]
    )
    n_bins = int(round(500.0 - 20.0))

    def counts(times):
        idx = np.floor((times - 20.0) / 1.0 + 1e-8).astype(int)  # bins of [20 + k, 21 + k) ms
        return np.bincount(np.clip(idx, 0, n_bins - 1), minlength=n_bins)

    ca, cb = counts(expected[a.annotations["sender"]]), counts(expected[b.annotations["sender"]])
    # Entry at lag L: spikes of b L bins after spikes of a.
    ours = [np.sum(ca[max(0, -lag) : n_bins - max(0, lag)] * cb[max(0, lag) : n_bins - max(0, -lag)]) for lag in lags]
    np.testing.assert_array_equal(cch.magnitude.ravel(), ours)
    assert sum(ours) > 0


def test_analog_signals_hold_the_traces_with_units_and_sampling(network):
    _, pop, _, _, mm, result = network
    block = result.to_neo(mm)
    v_m, i_syn = block.segments[0].analogsignals
    trace = result.trace(mm, "V_m")
    assert v_m.name == "V_m" and v_m.units == pq.mV and i_syn.units == pq.pA
    assert v_m.sampling_period == 0.5 * pq.ms and v_m.t_start == trace.times[0] * pq.ms
    np.testing.assert_array_equal(v_m.magnitude, trace.values.T)
    np.testing.assert_array_equal(v_m.array_annotations["sender"], pop.tolist()[:3])
    np.testing.assert_array_equal(v_m.times.rescale(pq.ms).magnitude, trace.times)
    np.testing.assert_array_equal(i_syn.magnitude, result.trace(mm, "I_syn_ex").values.T)


def test_default_block_holds_every_recorder(network):
    _, _, _, _, _, result = network
    block = result.to_neo()
    assert len(block.groups) == 2
    assert len(block.segments[0].spiketrains) == 41 and len(block.segments[0].analogsignals) == 2


def test_facade_to_neo_reads_memory_and_hdf5_alike(nest, tmp_path):
    nest.data_path = str(tmp_path)
    n = nest.Create("iaf_psc_alpha", 3, params={"I_e": [376.0, 400.0, 450.0]})
    recorders = []
    for backend in ("memory", "hdf5"):
        sr = nest.Create("spike_recorder", params={"record_to": backend})
        vm = nest.Create("voltmeter", params={"record_to": backend})
        nest.Connect(n, sr)
        nest.Connect(vm, n)
        recorders.append(sr + vm)
    nest.Simulate(100.0)
    mem, h5 = (nest.to_neo(r).segments[0] for r in recorders)
    assert len(mem.spiketrains) == 3 and len(mem.analogsignals) == 1
    for a, b in zip(mem.spiketrains, h5.spiketrains):
        np.testing.assert_array_equal(a.magnitude, b.magnitude)
        assert a.t_stop == b.t_stop == 100.0 * pq.ms
    np.testing.assert_array_equal(mem.analogsignals[0].magnitude, h5.analogsignals[0].magnitude)
    with pytest.raises(TypeError, match="not a recorder"):
        nest.to_neo(n)


def test_missing_neo_is_a_clear_import_error(network, monkeypatch):
    _, _, _, sr, _, result = network
    monkeypatch.setitem(sys.modules, "neo", None)
    with pytest.raises(ImportError, match="pip install neo"):
        result.to_neo(sr)


def test_spikes_and_traces_as_pandas_long_format(network):
    _, pop, _, sr, mm, result = network
    spikes = result.spikes(sr)
    df = result.spikes(sr).to_pandas()
    assert list(df.columns) == ["sender", "time"]
    np.testing.assert_array_equal(df["sender"], spikes.senders)
    np.testing.assert_array_equal(df["time"], spikes.times)

    trace = result.trace(mm, "V_m")
    senders, times, values = trace  # still a 3-tuple
    long = trace.to_pandas()
    assert list(long.columns) == ["sender", "time", "variable", "value"]
    assert len(long) == values.size and set(long["variable"]) == {"V_m"}
    ev = result.events(mm)
    order = np.lexsort((ev["senders"], ev["times"]))  # by time, then sender
    np.testing.assert_array_equal(long["sender"], ev["senders"][order])
    np.testing.assert_array_equal(long["time"], ev["times"][order])
    np.testing.assert_array_equal(long["value"], ev["V_m"][order])
    wide = long.pivot(index="time", columns="sender", values="value")
    np.testing.assert_array_equal(wide.to_numpy().T, values)


def test_facade_get_pandas_output(nest):
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": [1.0, 2.0]})
    df = n.get(["I_e", "V_m"], output="pandas")
    assert list(df.index) == n.tolist() and list(df["I_e"]) == [1.0, 2.0]
