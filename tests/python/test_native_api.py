"""The native Python API: nestkit.Simulator, Result, Trace, Spikes.

Expected values are closed forms: a free iaf_psc_alpha under I_e follows
V(t) = E_L + R I_e (1 - exp(-t/tau_m)) with R = tau_m / C_m; a spike_generator
spike at t reaches a parrot_neuron that fires at t + delay.
"""

import nestkit
import numpy as np
import pytest
from nestkit.units import ms, mV, nF, pA, s

TAU_M, C_M, E_L = 10.0, 250.0, -70.0


def free_v(t, i_e, tau_m=TAU_M, c_m=C_M):
    t = np.asarray(t, float)
    return E_L + i_e * tau_m / c_m * (1.0 - np.exp(-t / tau_m))


def assert_close(actual, expected, tol=1e-9):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape
    bound = tol + tol * np.max(np.abs(expected), initial=0.0)
    assert np.max(np.abs(actual - expected), initial=0.0) <= bound


def small_network(sim):
    currents = [50.0, 100.0, 150.0]
    neurons = sim.create("iaf_psc_alpha", 3)
    neurons.set(I_e=currents)
    gen = sim.create("spike_generator", spike_times=[1.0, 3.0, 7.5])
    parrots = sim.create("parrot_neuron", 2)
    mm = sim.create("multimeter", record_from=["V_m", "I_syn_ex"], interval=0.5)
    sr = sim.create("spike_recorder")
    sim.connect(gen, parrots, "all_to_all", delay=2.0)
    sim.connect(mm, neurons)
    sim.connect(parrots, sr)
    return neurons, parrots, mm, sr, currents


def test_small_network_trace_and_spikes():
    sim = nestkit.Simulator(dt=0.1 * ms, seed=12)
    neurons, parrots, mm, sr, currents = small_network(sim)
    result = sim.simulate(20 * ms)
    assert result.time == pytest.approx(20.0)
    assert sim.time == pytest.approx(20.0)

    tr = result.trace(mm, "V_m")
    assert isinstance(tr, nestkit.Trace)
    assert tr.senders.tolist() == neurons.tolist()
    assert tr.values.shape == (3, len(tr.times))
    assert len(tr.times) >= 35  # 0.5 .. 19.x ms, minus the slice not yet delivered
    assert_close(tr.times, 0.5 * np.arange(1, len(tr.times) + 1))
    for k, i_e in enumerate(currents):
        assert_close(tr.values[k], free_v(tr.times, i_e))
    isyn = result.trace(mm, "I_syn_ex")
    assert isyn.values.shape == tr.values.shape
    assert np.all(isyn.values == 0.0)

    spikes = result.spikes(sr)
    assert len(spikes.times) == 6
    for p in parrots.tolist():
        assert_close(np.sort(spikes.of(p)), [3.0, 5.0, 9.5])
    assert set(spikes.senders.tolist()) == set(parrots.tolist())


def test_trace_of_unrecorded_quantity_raises_key_error():
    sim = nestkit.Simulator()
    n = sim.create("iaf_psc_alpha")
    mm = sim.create("multimeter", record_from=["V_m"])
    sim.connect(mm, n)
    result = sim.simulate(5.0)
    with pytest.raises(KeyError):
        result.trace(mm, "I_syn_in")


def test_empty_trace_has_zero_shape():
    sim = nestkit.Simulator()
    n = sim.create("iaf_psc_alpha")
    mm = sim.create("multimeter", record_from=["V_m"], interval=1.0)
    sim.connect(mm, n)
    tr = sim.simulate(0.5).trace(mm, "V_m")
    assert tr.values.shape[0] == 0 and len(tr.times) == 0


def test_results_are_cumulative_over_simulate_calls():
    sim = nestkit.Simulator()
    sr = small_network(sim)[3]
    first = sim.simulate(6.0)
    assert len(first.spikes(sr).times) == 4  # 3.0 and 5.0 from two parrots
    second = sim.simulate(6.0)
    assert len(second.spikes(sr).times) == 6
    assert sim.time == pytest.approx(12.0)


def test_simulators_are_independent():
    a = nestkit.Simulator(dt=0.1, seed=1)
    b = nestkit.Simulator(dt=0.2, seed=2)
    na = a.create("iaf_psc_alpha", 4)
    nb = b.create("iaf_psc_alpha", 2)
    assert na.tolist() == [1, 2, 3, 4]
    assert nb.tolist() == [1, 2]  # ids are per simulator
    assert a.status()["network_size"] == 4
    assert b.status()["network_size"] == 2
    assert a.resolution == 0.1 and b.resolution == 0.2
    assert a.status()["rng_seed"] == 1 and b.status()["rng_seed"] == 2

    a.connect(na, na)
    assert a.status()["num_connections"] == 16
    assert b.status()["num_connections"] == 0

    a.set_defaults("iaf_psc_alpha", I_e=42.0)
    assert b.defaults("iaf_psc_alpha")["I_e"] == 0.0
    a.copy_model("iaf_psc_alpha", "only_in_a")
    assert "only_in_a" in a.models() and "only_in_a" not in b.models()
    with pytest.raises(nestkit.UnknownModelName):
        b.create("only_in_a")

    a.simulate(5.0)
    assert a.time == pytest.approx(5.0) and b.time == 0.0
    nb.set(V_m=-60.0)
    assert na.get("V_m") == (-70.0,) * 4
    # A node collection of one simulator does not change another simulator's nodes.
    assert nb.get("V_m") == (-60.0, -60.0)


def test_simulators_do_not_touch_the_facade_kernel(nest):
    nest.Create("iaf_psc_alpha", 3)
    sim = nestkit.Simulator()
    sim.create("iaf_psc_alpha", 5)
    sim.simulate(3.0)
    assert nest.GetKernelStatus("network_size") == 3
    assert nest.GetKernelStatus("biological_time") == 0.0


def test_simulator_seed_and_threads():
    sim = nestkit.Simulator(dt=0.05, seed=99, threads=2)
    st = sim.status()
    assert st["rng_seed"] == 99
    assert st["local_num_threads"] == 2
    assert st["resolution"] == 0.05


def test_simulate_with_time_quantity():
    a, b = nestkit.Simulator(), nestkit.Simulator()
    a.simulate(0.012 * s)
    b.simulate(12.0)
    assert a.time == pytest.approx(12.0, abs=1e-12)
    assert a.time == b.time
    with pytest.raises(nestkit.UnitError):
        a.simulate(5 * mV)
    assert a.time == pytest.approx(12.0, abs=1e-12)


def test_unit_bearing_parameters_equal_plain_numbers():
    sim = nestkit.Simulator()
    with_units = sim.create(
        "iaf_psc_alpha", C_m=0.25 * nF, tau_m=0.01 * s, I_e=0.1 * nestkit.units.nA, V_th=-0.05 * nestkit.units.V
    )
    plain = sim.create("iaf_psc_alpha", C_m=250.0, tau_m=10.0, I_e=100.0, V_th=-50.0)
    keys = ["C_m", "tau_m", "I_e", "V_th"]
    got, expected = with_units.get(keys), plain.get(keys)
    for k in keys:
        assert got[k] == pytest.approx(expected[k], rel=1e-12), k
    assert got["C_m"] == pytest.approx(250.0, rel=1e-12)


def test_unit_parameters_give_identical_dynamics():
    def run(**params):
        sim = nestkit.Simulator()
        n = sim.create("iaf_psc_alpha", **params)
        mm = sim.create("multimeter", record_from=["V_m"], interval=0.1)
        sim.connect(mm, n)
        return sim.simulate(30.0).trace(mm, "V_m").values

    v_units = run(C_m=0.25 * nF, I_e=120 * pA, tau_m=10 * ms)
    v_plain = run(C_m=250.0, I_e=120.0, tau_m=10.0)
    assert_close(v_units, v_plain, tol=1e-12)


def test_connect_options_and_connections():
    sim = nestkit.Simulator(seed=5)
    a = sim.create("iaf_psc_alpha", 6)
    b = sim.create("iaf_psc_alpha", 4)
    sim.connect(a, b, "fixed_indegree", indegree=2, weight=3.0, delay=1.5 * ms)
    conns = sim.connections(a, b)
    assert len(conns) == 8
    c = conns.get(["target", "weight", "delay"])
    assert sorted(c["target"]) == sorted(b.tolist() * 2)
    assert set(c["weight"]) == {3.0}
    assert c["delay"] == pytest.approx([1.5] * 8)
    assert sim.status()["min_delay"] == pytest.approx(1.5)

    sim.copy_model("static_synapse", "inh", weight=-2.0)
    sim.connect(b, a, "all_to_all", synapse="inh")
    inh = sim.connections(synapse="inh")
    assert len(inh) == 24
    assert set(inh.get("weight")) == {-2.0}


def test_connect_receptor_on_parrot():
    sim = nestkit.Simulator()
    gen = sim.create("spike_generator", spike_times=[1.0, 2.0])
    p = sim.create("parrot_neuron", 2)
    sr = sim.create("spike_recorder")
    sim.connect(gen, p[0], receptor=0)
    sim.connect(gen, p[1], receptor=1)
    sim.connect(p, sr)
    spikes = sim.simulate(10.0).spikes(sr)
    assert_close(np.sort(spikes.of(p.tolist()[0])), [2.0, 3.0])
    assert len(spikes.of(p.tolist()[1])) == 0


def test_defaults_and_models():
    sim = nestkit.Simulator()
    assert {"iaf_psc_alpha", "parrot_neuron", "spike_generator", "multimeter", "static_synapse"} <= set(sim.models())
    d = sim.defaults("iaf_psc_alpha")
    assert (d["C_m"], d["tau_m"], d["t_ref"], d["E_L"], d["V_th"]) == (250.0, 10.0, 2.0, -70.0, -55.0)
    sim.set_defaults("iaf_psc_alpha", tau_m=20 * ms)
    assert sim.defaults("iaf_psc_alpha")["tau_m"] == pytest.approx(20.0)
    assert sim.create("iaf_psc_alpha").get("tau_m") == pytest.approx(20.0)
