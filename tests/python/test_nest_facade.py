"""The PyNEST facade (``import nestkit.nest as nest``) against NEST 3.10's documented behaviour.

Expected values come from closed-form solutions, NEST's documented semantics, or the
NEST 3.10 references in the parity corpus; none is copied from nestkit's own output.

Closed forms used (iaf_psc_alpha, no synaptic input, exact integration):
    V(t) = E_L + (V_0 - E_L) exp(-t/tau_m) + R I_e (1 - exp(-t/tau_m)),  R = tau_m / C_m,
and the exact integrator reproduces them at every grid point.
"""

import json
import math
import os
from pathlib import Path

import nestkit
import numpy as np
import pytest

TAU_M, C_M, E_L, V_TH, V_RESET, T_REF = 10.0, 250.0, -70.0, -55.0, -70.0, 2.0

REFERENCE = Path(os.environ.get("NESTKIT_PARITY_DIR", Path(__file__).resolve().parents[3] / "shared" / "parity"))


def free_v(t, i_e, tau_m=TAU_M, c_m=C_M, e_l=E_L, v0=None):
    """Membrane potential of a non-spiking iaf_psc_alpha driven by I_e from V(0) = v0."""
    t = np.asarray(t, float)
    v0 = e_l if v0 is None else v0
    decay = np.exp(-t / tau_m)
    return e_l + (v0 - e_l) * decay + i_e * tau_m / c_m * (1.0 - decay)


def assert_close(actual, expected, tol=1e-9):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape
    bound = tol + tol * np.max(np.abs(expected), initial=0.0)
    assert np.max(np.abs(actual - expected), initial=0.0) <= bound, np.max(np.abs(actual - expected))


def pairs(conns):
    c = conns.get(["source", "target"])
    if len(conns) == 1:  # a single connection gives scalars, as in PyNEST
        return [(c["source"], c["target"])]
    return list(zip(c["source"], c["target"]))


# --- kernel ------------------------------------------------------------------------------


def test_reset_kernel_restores_a_fresh_kernel(nest):
    nest.SetKernelStatus({"resolution": 0.2, "rng_seed": 7})
    nest.SetDefaults("iaf_psc_alpha", {"I_e": 50.0})
    nest.CopyModel("iaf_psc_alpha", "my_iaf")
    nest.CopyModel("static_synapse", "my_syn")
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, a)
    nest.Simulate(4.0)

    nest.ResetKernel()

    status = nest.GetKernelStatus()
    assert status["network_size"] == 0
    assert status["num_connections"] == 0
    assert status["biological_time"] == 0.0
    assert status["resolution"] == 0.1
    assert status["rng_seed"] == 143202461  # NEST's default seed
    assert nest.GetDefaults("iaf_psc_alpha", "I_e") == 0.0
    assert "my_iaf" not in nest.Models()
    with pytest.raises(nestkit.UnknownModelName):
        nest.Create("my_iaf")
    with pytest.raises(nestkit.NESTError):
        nest.GetDefaults("my_syn")
    # Node ids start again at 1.
    assert nest.Create("iaf_psc_alpha", 2).tolist() == [1, 2]


def test_default_rng_seed_is_nests(nest):
    assert nest.GetKernelStatus("rng_seed") == 143202461


def test_set_and_get_kernel_status(nest):
    nest.SetKernelStatus({"resolution": 0.2, "rng_seed": 42, "local_num_threads": 2})
    assert nest.GetKernelStatus("resolution") == 0.2
    assert nest.GetKernelStatus(["rng_seed", "local_num_threads"]) == (42, 2)
    status = nest.GetKernelStatus()
    assert status["resolution"] == 0.2
    assert status["rng_seed"] == 42
    assert status["local_num_threads"] == 2
    assert status["total_num_virtual_procs"] == 2
    # NEST's default clock: 1000 tics per ms, so 0.2 ms is 200 tics per step.
    assert status["tics_per_ms"] == 1000.0
    assert status["tics_per_step"] == 200


def test_biological_time_advances_with_simulate(nest):
    nest.Create("iaf_psc_alpha")
    assert nest.GetKernelStatus("biological_time") == 0.0
    nest.Simulate(10.0)
    assert nest.GetKernelStatus("biological_time") == pytest.approx(10.0, abs=1e-12)
    nest.Simulate(2.5)
    assert nest.GetKernelStatus("biological_time") == pytest.approx(12.5, abs=1e-12)
    assert nest.biological_time == pytest.approx(12.5, abs=1e-12)
    nest.Simulate(0.0)
    assert nest.biological_time == pytest.approx(12.5, abs=1e-12)


def test_num_connections_counts_all_connections(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("iaf_psc_alpha", 4)
    assert nest.GetKernelStatus("num_connections") == 0
    nest.Connect(a, b)
    assert nest.GetKernelStatus("num_connections") == 12
    nest.Connect(b, b, "one_to_one")
    assert nest.GetKernelStatus("num_connections") == 16
    assert nest.num_connections == 16


def test_min_and_max_delay_follow_the_connections(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a[0], a[1], syn_spec={"delay": 1.5})
    nest.Connect(a[1], a[0], syn_spec={"delay": 3.0})
    assert nest.GetKernelStatus(["min_delay", "max_delay"]) == pytest.approx((1.5, 3.0))
    nest.Connect(a[0], a[0], syn_spec={"delay": 0.7})
    assert nest.min_delay == pytest.approx(0.7)
    assert nest.max_delay == pytest.approx(3.0)


def test_network_size_counts_nodes(nest):
    nest.Create("iaf_psc_alpha", 4)
    nest.Create("spike_recorder")
    assert nest.GetKernelStatus("network_size") == 5
    assert nest.network_size == 5


def test_resolution_attribute_set_before_nodes_exist(nest):
    assert nest.resolution == 0.1
    nest.resolution = 0.2
    assert nest.resolution == 0.2
    assert nest.GetKernelStatus("resolution") == 0.2
    n = nest.Create("iaf_psc_alpha", params={"I_e": 100.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.2})
    nest.Connect(mm, n)
    nest.Simulate(5.0)
    ev = mm.get("events")
    times = np.asarray(ev["times"])
    assert len(times) > 10
    assert_close(times, 0.2 * np.arange(1, len(times) + 1))
    assert_close(ev["V_m"], free_v(times, 100.0))


# --- defaults and model copies ------------------------------------------------------------


def test_iaf_psc_alpha_defaults_are_nests(nest):
    d = nest.GetDefaults("iaf_psc_alpha")
    expected = {
        "C_m": 250.0,
        "tau_m": 10.0,
        "t_ref": 2.0,
        "E_L": -70.0,
        "V_th": -55.0,
        "V_reset": -70.0,
        "I_e": 0.0,
        "tau_syn_ex": 2.0,
        "tau_syn_in": 2.0,
        "V_m": -70.0,
    }
    for key, value in expected.items():
        assert d[key] == value, key
    assert set(d["recordables"]) >= {"V_m", "I_syn_ex", "I_syn_in"}
    assert nest.GetDefaults("iaf_psc_alpha", "tau_m") == 10.0
    assert nest.GetDefaults("iaf_psc_alpha", ["C_m", "V_th"]) == (250.0, -55.0)


def test_static_synapse_defaults_are_nests(nest):
    d = nest.GetDefaults("static_synapse")
    assert d["weight"] == 1.0
    assert d["delay"] == 1.0


def test_set_defaults_affects_only_later_nodes(nest):
    before = nest.Create("iaf_psc_alpha")
    nest.SetDefaults("iaf_psc_alpha", {"I_e": 50.0, "tau_m": 20.0})
    after = nest.Create("iaf_psc_alpha")
    assert before.get("I_e") == 0.0 and before.get("tau_m") == 10.0
    assert after.get("I_e") == 50.0 and after.get("tau_m") == 20.0
    assert nest.GetDefaults("iaf_psc_alpha", "I_e") == 50.0
    nest.SetDefaults("iaf_psc_alpha", "C_m", 300.0)
    assert nest.GetDefaults("iaf_psc_alpha", "C_m") == 300.0
    assert nest.Create("iaf_psc_alpha").get("C_m") == 300.0


def test_set_defaults_of_static_synapse_used_by_connect(nest):
    nest.SetDefaults("static_synapse", {"weight": 2.0, "delay": 1.5})
    a = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a[0], a[1])
    c = nest.GetConnections().get(["weight", "delay"])
    assert c == {"weight": 2.0, "delay": 1.5}


def test_copy_model_neuron(nest):
    nest.CopyModel("iaf_psc_alpha", "slow_iaf", {"tau_m": 20.0, "C_m": 500.0})
    assert "slow_iaf" in nest.Models()
    assert "slow_iaf" in nest.Models("nodes")
    slow = nest.Create("slow_iaf", 2, {"I_e": 100.0})
    plain = nest.Create("iaf_psc_alpha")
    assert slow.get("tau_m") == (20.0, 20.0)
    assert slow.get("C_m") == (500.0, 500.0)
    assert slow[0].get("model") == "slow_iaf"
    assert slow[0].get("V_th") == -55.0  # everything else inherited
    assert plain.get("tau_m") == 10.0 and plain.get("C_m") == 250.0
    assert nest.GetDefaults("iaf_psc_alpha", "tau_m") == 10.0
    assert nest.GetDefaults("slow_iaf", "tau_m") == 20.0

    # The copy's parameters are the ones that act.
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    nest.Connect(mm, slow[0])
    nest.Simulate(20.0)
    ev = mm.get("events")
    assert len(ev["times"]) > 5
    assert_close(ev["V_m"], free_v(ev["times"], 100.0, tau_m=20.0, c_m=500.0))

    # SetDefaults on the copy leaves the original alone.
    nest.SetDefaults("slow_iaf", {"t_ref": 5.0})
    assert nest.GetDefaults("iaf_psc_alpha", "t_ref") == 2.0


def test_copy_model_synapse(nest):
    nest.CopyModel("static_synapse", "exc", {"weight": 2.5, "delay": 1.5})
    assert "exc" in nest.Models("synapses")
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, b, syn_spec="exc")
    nest.Connect(b, a, syn_spec={"synapse_model": "exc", "weight": -1.0})
    nest.Connect(a, a, "one_to_one")

    exc = nest.GetConnections(synapse_model="exc")
    assert len(exc) == 12
    props = exc.get(["weight", "delay", "synapse_model"])
    assert set(props["synapse_model"]) == {"exc"}
    assert set(props["delay"]) == {1.5}
    ab = nest.GetConnections(a, b, synapse_model="exc").get("weight")
    ba = nest.GetConnections(b, a, synapse_model="exc").get("weight")
    assert ab == [2.5] * 6
    assert ba == [-1.0] * 6  # an explicit weight overrides the copy's default

    static = nest.GetConnections(synapse_model="static_synapse").get(["weight", "delay"])
    assert static == {"weight": [1.0, 1.0], "delay": [1.0, 1.0]}
    assert nest.GetDefaults("static_synapse", "weight") == 1.0
    assert nest.GetDefaults("exc", "weight") == 2.5


# --- Create --------------------------------------------------------------------------------


def test_create_returns_consecutive_ids(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("parrot_neuron", 2)
    assert a.tolist() == [1, 2, 3]
    assert b.tolist() == [4, 5]
    assert len(a) == 3 and len(b) == 2
    assert nest.Create("iaf_psc_alpha").get("global_id") == 6


def test_create_with_params_dict(nest):
    n = nest.Create("iaf_psc_alpha", 3, {"I_e": 10.0, "V_m": -60.0})
    assert n.get("I_e") == (10.0, 10.0, 10.0)
    assert n.get("V_m") == (-60.0, -60.0, -60.0)
    assert n.get("C_m") == (250.0, 250.0, 250.0)
    assert nest.GetDefaults("iaf_psc_alpha", "I_e") == 0.0  # defaults untouched


def test_create_with_list_of_dicts(nest):
    n = nest.Create("iaf_psc_alpha", 3, [{"I_e": 1.0}, {"I_e": 2.0, "V_m": -65.0}, {"I_e": 3.0}])
    assert n.get("I_e") == (1.0, 2.0, 3.0)
    assert n.get("V_m") == (-70.0, -65.0, -70.0)
    sg = nest.Create("spike_generator", 2, [{"spike_times": [1.0, 2.0]}, {"spike_times": [3.0]}])
    assert list(sg[0].get("spike_times")) == [1.0, 2.0]
    assert list(sg[1].get("spike_times")) == [3.0]


def test_create_with_dict_of_per_node_lists(nest):
    # PyNEST: a list value in the params dict of Create gives one value per node.
    n = nest.Create("iaf_psc_alpha", 3, {"I_e": [1.0, 2.0, 3.0], "tau_m": 12.0})
    assert n.get("I_e") == (1.0, 2.0, 3.0)
    assert n.get("tau_m") == (12.0, 12.0, 12.0)


def test_create_with_random_parameter(nest):
    # PyNEST: nest.random parameters in Create draw one value per node.
    n = nest.Create("iaf_psc_alpha", 50, {"V_m": nest.random.uniform(-70.0, -60.0)})
    v = np.asarray(n.get("V_m"))
    assert np.all((v >= -70.0) & (v <= -60.0))
    assert len(set(v.tolist())) > 40


# --- NodeCollection get/set ----------------------------------------------------------------


def test_node_collection_get_and_set(nest):
    n = nest.Create("iaf_psc_alpha", 3)
    n.set(V_m=-60.0)
    assert n.get("V_m") == (-60.0, -60.0, -60.0)
    n.set({"V_m": [-61.0, -62.0, -63.0], "I_e": 5.0})
    assert n.get("V_m") == (-61.0, -62.0, -63.0)
    assert n.get("I_e") == (5.0, 5.0, 5.0)
    n.set([{"tau_m": 11.0}, {"tau_m": 12.0}, {"tau_m": 13.0}])
    assert n.get("tau_m") == (11.0, 12.0, 13.0)

    several = n.get(["V_m", "tau_m"])
    assert several == {"V_m": (-61.0, -62.0, -63.0), "tau_m": (11.0, 12.0, 13.0)}
    assert n.get("V_m", "tau_m") == several

    # A single node gives scalars.
    assert n[1].get("V_m") == -62.0
    assert n[1].get(["V_m", "tau_m"]) == {"V_m": -62.0, "tau_m": 12.0}
    full = n[2].get()
    assert full["tau_m"] == 13.0 and full["model"] == "iaf_psc_alpha" and full["global_id"] == 3


def test_node_collection_attribute_access(nest):
    n = nest.Create("iaf_psc_alpha", 2)
    assert n.V_m == (-70.0, -70.0)
    assert n[0].V_m == -70.0
    n.V_m = -65.0
    assert n.V_m == (-65.0, -65.0)
    n[1].I_e = 3.0
    assert n.I_e == (0.0, 3.0)
    with pytest.raises((nestkit.NESTError, KeyError, AttributeError)):
        n.no_such_parameter  # noqa: B018


def test_get_status_and_set_status(nest):
    n = nest.Create("iaf_psc_alpha", 2)
    nest.SetStatus(n, {"I_e": 7.0})
    nest.SetStatus(n, "tau_m", 15.0)
    assert nest.GetStatus(n, "I_e") == (7.0, 7.0)
    assert nest.GetStatus(n, ["I_e", "tau_m"]) == ((7.0, 15.0), (7.0, 15.0))
    statuses = nest.GetStatus(n)
    assert len(statuses) == 2 and statuses[1]["global_id"] == 2


# --- GetConnections ------------------------------------------------------------------------


def test_get_connections_filters_and_reads(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a, b, syn_spec={"weight": 4.0, "delay": 2.0})
    nest.Connect(b, a, syn_spec={"weight": -3.0})

    assert len(nest.GetConnections()) == 12
    assert len(nest.GetConnections(a)) == 6
    assert len(nest.GetConnections(target=a)) == 6
    assert sorted(pairs(nest.GetConnections(a[1], b))) == [(2, 3), (2, 4), (2, 5)]
    assert pairs(nest.GetConnections(a[0], b[2])) == [(1, 5)]
    assert len(nest.GetConnections(a, a)) == 0

    c = nest.GetConnections(a, b).get(["source", "target", "weight", "delay"])
    assert sorted(zip(c["source"], c["target"])) == [(s, t) for s in (1, 2) for t in (3, 4, 5)]
    assert c["weight"] == [4.0] * 6
    assert c["delay"] == [2.0] * 6
    assert nest.GetConnections(b, a).get("weight") == [-3.0] * 6
    # A single connection gives scalars.
    assert nest.GetConnections(a[0], b[0]).get("weight") == 4.0


def test_synapse_collection_set(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a, b)
    conns = nest.GetConnections(a, b)
    conns.set(weight=3.0)
    assert nest.GetConnections(a, b).get("weight") == [3.0] * 4
    order = pairs(conns)
    conns.set(weight=[10.0, 20.0, 30.0, 40.0])
    after = nest.GetConnections(a, b).get(["source", "target", "weight"])
    got = dict(zip(zip(after["source"], after["target"]), after["weight"]))
    assert got == dict(zip(order, [10.0, 20.0, 30.0, 40.0]))
    conns.set({"delay": 2.5})
    assert nest.GetConnections(a, b).get("delay") == [2.5] * 4
    assert len(nest.GetConnections(b, a)) == 0


# --- Connect: rules ------------------------------------------------------------------------


def test_all_to_all(nest):
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(a, b, "all_to_all")
    assert sorted(pairs(nest.GetConnections())) == [(s, t) for s in a.tolist() for t in b.tolist()]


def test_all_to_all_without_autapses(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    nest.Connect(a, a, {"rule": "all_to_all", "allow_autapses": False})
    p = pairs(nest.GetConnections())
    assert len(p) == 20
    assert all(s != t for s, t in p)


def test_one_to_one(nest):
    a = nest.Create("iaf_psc_alpha", 4)
    b = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(a, b, "one_to_one")
    assert sorted(pairs(nest.GetConnections())) == list(zip(a.tolist(), b.tolist()))


def test_fixed_indegree(nest):
    a = nest.Create("iaf_psc_alpha", 10)
    b = nest.Create("iaf_psc_alpha", 6)
    nest.Connect(a, b, {"rule": "fixed_indegree", "indegree": 3, "allow_multapses": False})
    p = pairs(nest.GetConnections())
    assert len(p) == 18
    for t in b.tolist():
        sources = [s for s, tt in p if tt == t]
        assert len(sources) == 3
        assert len(set(sources)) == 3  # no multapses
        assert set(sources) <= set(a.tolist())


def test_fixed_indegree_without_autapses(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    nest.Connect(a, a, {"rule": "fixed_indegree", "indegree": 4, "allow_autapses": False, "allow_multapses": False})
    p = pairs(nest.GetConnections())
    assert len(p) == 20
    assert all(s != t for s, t in p)


def test_fixed_outdegree(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("iaf_psc_alpha", 8)
    nest.Connect(a, b, {"rule": "fixed_outdegree", "outdegree": 4, "allow_multapses": False})
    p = pairs(nest.GetConnections())
    assert len(p) == 20
    for s in a.tolist():
        targets = [t for ss, t in p if ss == s]
        assert len(targets) == 4 and len(set(targets)) == 4
        assert set(targets) <= set(b.tolist())


def test_fixed_total_number(nest):
    a = nest.Create("iaf_psc_alpha", 5)
    b = nest.Create("iaf_psc_alpha", 7)
    nest.Connect(a, b, {"rule": "fixed_total_number", "N": 17})
    p = pairs(nest.GetConnections())
    assert len(p) == 17
    assert all(s in a.tolist() and t in b.tolist() for s, t in p)


def test_pairwise_bernoulli(nest):
    a = nest.Create("iaf_psc_alpha", 40)
    b = nest.Create("iaf_psc_alpha", 40)
    nest.Connect(a, b, {"rule": "pairwise_bernoulli", "p": 1.0})
    assert len(nest.GetConnections()) == 1600
    nest.Connect(b, a, {"rule": "pairwise_bernoulli", "p": 0.0})
    assert len(nest.GetConnections()) == 1600
    c = nest.Create("iaf_psc_alpha", 40)
    nest.Connect(a, c, {"rule": "pairwise_bernoulli", "p": 0.3})
    n = len(nest.GetConnections(a, c))
    mean, sd = 1600 * 0.3, math.sqrt(1600 * 0.3 * 0.7)
    assert abs(n - mean) < 5 * sd
    p = pairs(nest.GetConnections(a, c))
    assert len(set(p)) == len(p)  # Bernoulli trials per pair: never a multapse


# --- Connect: weights and delays -----------------------------------------------------------


def test_scalar_weight_and_delay(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a, b, syn_spec={"weight": -2.5, "delay": 3.2})
    c = nest.GetConnections().get(["weight", "delay"])
    assert c["weight"] == [-2.5] * 4
    assert c["delay"] == pytest.approx([3.2] * 4, abs=1e-12)


def test_delay_is_rounded_to_the_grid(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a[0], a[1], syn_spec={"delay": 1.26})
    assert nest.GetConnections().get("delay") == pytest.approx(1.3, abs=1e-12)


def test_array_weights_and_delays_one_to_one(nest):
    a = nest.Create("iaf_psc_alpha", 4)
    b = nest.Create("iaf_psc_alpha", 4)
    w = np.array([0.5, -1.0, 2.0, 3.5])
    d = np.array([1.0, 1.5, 2.0, 2.5])
    nest.Connect(a, b, "one_to_one", {"weight": w, "delay": d})
    c = nest.GetConnections().get(["source", "target", "weight", "delay"])
    rows = sorted(zip(c["source"], c["target"], c["weight"], c["delay"]))
    assert rows == [(s, t, wi, di) for s, t, wi, di in zip(a.tolist(), b.tolist(), w.tolist(), d.tolist())]


def test_array_weights_all_to_all(nest):
    # NEST: for all_to_all, a 2-D array of shape (len(post), len(pre)); w[i, j] is pre[j] -> post[i].
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("iaf_psc_alpha", 2)
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    nest.Connect(a, b, "all_to_all", {"weight": w})
    c = nest.GetConnections().get(["source", "target", "weight"])
    got = {(s, t): wi for s, t, wi in zip(c["source"], c["target"], c["weight"])}
    expected = {(a.tolist()[j], b.tolist()[i]): w[i, j] for i in range(2) for j in range(3)}
    assert got == expected


def test_random_uniform_weight_and_delay(nest):
    a = nest.Create("iaf_psc_alpha", 20)
    b = nest.Create("iaf_psc_alpha", 20)
    nest.Connect(a, b, syn_spec={"weight": nest.random.uniform(1.0, 2.0), "delay": nest.random.uniform(0.5, 2.5)})
    c = nest.GetConnections().get(["weight", "delay"])
    w, d = np.asarray(c["weight"]), np.asarray(c["delay"])
    assert len(w) == 400
    assert np.all((w >= 1.0) & (w <= 2.0))
    assert len(np.unique(w)) > 390
    assert abs(w.mean() - 1.5) < 5 * math.sqrt(1 / 12 / 400)
    assert np.all((d >= 0.5 - 1e-12) & (d <= 2.5 + 1e-12))
    assert np.allclose(d * 10, np.round(d * 10), atol=1e-9)  # on the 0.1 ms grid
    assert len(np.unique(np.round(d, 6))) > 10
    assert nest.GetKernelStatus("min_delay") == pytest.approx(d.min())
    assert nest.GetKernelStatus("max_delay") == pytest.approx(d.max())


def test_random_normal_exponential_lognormal_weights(nest):
    a = nest.Create("iaf_psc_alpha", 40)
    b = nest.Create("iaf_psc_alpha", 50)
    n = 2000
    nest.Connect(a, b, syn_spec={"weight": nest.random.normal(mean=3.0, std=0.5)})
    w = np.asarray(nest.GetConnections().get("weight"))
    assert len(w) == n
    assert abs(w.mean() - 3.0) < 5 * 0.5 / math.sqrt(n)
    assert abs(w.std() - 0.5) < 0.05

    c = nest.Create("iaf_psc_alpha", 50)
    nest.Connect(a, c, syn_spec={"weight": nest.random.exponential(beta=2.0)})
    w = np.asarray(nest.GetConnections(a, c).get("weight"))
    assert np.all(w > 0)
    assert abs(w.mean() - 2.0) < 5 * 2.0 / math.sqrt(n)

    d = nest.Create("iaf_psc_alpha", 50)
    nest.Connect(a, d, syn_spec={"weight": nest.random.lognormal(mean=0.0, std=0.5)})
    w = np.asarray(nest.GetConnections(a, d).get("weight"))
    assert np.all(w > 0)
    # mean and std are those of the underlying normal distribution (NEST's convention)
    assert abs(np.log(w).mean()) < 5 * 0.5 / math.sqrt(n)


def test_random_uniform_int_weights(nest):
    a = nest.Create("iaf_psc_alpha", 20)
    b = nest.Create("iaf_psc_alpha", 50)
    nest.Connect(a, b, syn_spec={"weight": nest.random.uniform_int(5)})
    w = np.asarray(nest.GetConnections().get("weight"))
    assert np.all(w == np.round(w))
    assert set(w.tolist()) == {0.0, 1.0, 2.0, 3.0, 4.0}  # [0, max)


def test_connect_explicit_arrays(nest):
    nest.Create("iaf_psc_alpha", 6)
    src = np.array([1, 1, 2, 5, 6])
    tgt = np.array([2, 3, 3, 1, 6])
    w = np.array([1.5, -2.0, 3.0, 4.0, 0.25])
    d = np.array([1.0, 2.0, 1.5, 0.3, 4.0])
    nest.Connect(src, tgt, "one_to_one", {"weight": w, "delay": d})
    assert nest.GetKernelStatus("num_connections") == 5
    c = nest.GetConnections().get(["source", "target", "weight", "delay"])
    rows = sorted(zip(c["source"], c["target"], c["weight"], c["delay"]))
    expected = sorted(zip(src.tolist(), tgt.tolist(), w.tolist(), d.tolist()))
    assert [r[:3] for r in rows] == [e[:3] for e in expected]
    assert np.allclose([r[3] for r in rows], [e[3] for e in expected], atol=1e-12)


# --- spike transmission, receptors, devices -----------------------------------------------


def relay(nest, spike_times, delay, receptor=0, n_parrots=1):
    sg = nest.Create("spike_generator", params={"spike_times": spike_times})
    parrots = nest.Create("parrot_neuron", n_parrots)
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, parrots, syn_spec={"delay": delay, "receptor_type": receptor})
    nest.Connect(parrots, sr)
    return parrots, sr


@pytest.mark.parametrize("threads", [1, 2])
def test_parrot_repeats_spikes_after_the_delay(nest, threads):
    nest.SetKernelStatus({"local_num_threads": threads})
    times = [1.0, 2.5, 4.0, 10.3]
    parrots, sr = relay(nest, times, delay=1.7, n_parrots=2)
    nest.Simulate(20.0)
    ev = sr.get("events")
    for p in parrots.tolist():
        got = np.sort(np.asarray(ev["times"])[np.asarray(ev["senders"]) == p])
        assert_close(got, np.array(times) + 1.7)
    assert sr.get("n_events") == 8


def test_spike_generator_to_recorder_records_the_spike_times(nest):
    sg = nest.Create("spike_generator", params={"spike_times": [0.5, 1.2, 7.0]})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(10.0)
    ev = sr.get("events")
    assert_close(np.sort(ev["times"]), [0.5, 1.2, 7.0])
    assert set(np.asarray(ev["senders"]).tolist()) == {sg.global_id}


def test_parrot_repeats_multiplicity_matches_nest_reference(nest):
    """Each spike of multiplicity m comes out of the parrot m times; port 1 is silent."""
    times, mult = [1.0, 2.0, 2.5, 10.0], [1, 2, 1, 3]
    g = nest.Create("spike_generator", params={"spike_times": times, "spike_multiplicities": mult})
    p = nest.Create("parrot_neuron", 2)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, p[0], syn_spec={"delay": 1.0})
    nest.Connect(g, p[1], syn_spec={"delay": 2.0, "receptor_type": 1})
    nest.Connect(p, sr)
    nest.Simulate(50.0)
    ev = sr.get("events")
    expected = np.repeat(np.array(times) + 1.0, mult)
    assert list(ev["senders"]) == [p[0].global_id] * len(expected)
    assert_close(np.sort(ev["times"]), expected)
    ref = _reference("parrot_neuron__relay")["events"]["sr"]
    assert list(ev["senders"]) == ref["senders"]
    assert_close(np.sort(ev["times"]), np.sort(ref["times"]), tol=1e-6)


def test_parrot_ignores_receptor_1(nest):
    parrots, sr = relay(nest, [1.0, 2.0, 3.0], delay=1.0, receptor=1)
    nest.Simulate(10.0)
    assert sr.get("n_events") == 0
    assert len(sr.get("events")["times"]) == 0


def test_parrot_has_no_receptor_2(nest):
    sg = nest.Create("spike_generator")
    p = nest.Create("parrot_neuron")
    with pytest.raises(nestkit.UnknownReceptorType):
        nest.Connect(sg, p, syn_spec={"receptor_type": 2})
    assert nest.GetKernelStatus("num_connections") == 0


def test_device_events_dictionaries(nest):
    n = nest.Create("iaf_psc_alpha", 2, {"I_e": 500.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    nest.Simulate(50.0)

    ev = mm.get("events")
    assert set(ev) == {"senders", "times", "V_m", "I_syn_ex"}
    assert len(ev["senders"]) == len(ev["times"]) == len(ev["V_m"]) == len(ev["I_syn_ex"])
    senders = np.asarray(ev["senders"])
    assert set(senders.tolist()) == set(n.tolist())
    t0 = np.asarray(ev["times"])[senders == n.tolist()[0]]
    t1 = np.asarray(ev["times"])[senders == n.tolist()[1]]
    assert_close(t0, t1)
    assert_close(t0, 0.5 * np.arange(1, len(t0) + 1))
    assert np.all(np.asarray(ev["I_syn_ex"]) == 0.0)
    assert mm.get("n_events") == len(ev["times"])
    assert list(mm.get("record_from")) == ["V_m", "I_syn_ex"]

    sev = sr.get("events")
    assert set(sev) == {"senders", "times"}
    assert len(sev["times"]) > 0
    assert sr.get("n_events") == len(sev["times"])
    assert set(np.asarray(sev["senders"]).tolist()) == set(n.tolist())


def test_spike_recorder_n_events_reset_clears_events(nest):
    _, sr = relay(nest, [1.0, 2.0, 3.0], delay=1.0)
    nest.Simulate(10.0)
    assert sr.get("n_events") == 3
    sr.set(n_events=0)
    assert sr.get("n_events") == 0
    assert len(sr.get("events")["times"]) == 0


def test_spike_recorder_start_stop_origin_window(nest):
    # parrot spikes at 1, 2, ..., 20 ms; the recorder keeps times in (origin + start, origin + stop].
    parrots, sr = relay(nest, [float(t) for t in range(1, 20)], delay=1.0)
    sr.set(start=5.0, stop=12.0, origin=2.0)
    nest.Simulate(25.0)
    times = np.sort(np.asarray(sr.get("events")["times"]))
    assert_close(times, np.arange(8.0, 15.0))  # (7, 14]


def test_spike_recorder_start_stop_on_spike_times(nest):
    parrots, sr = relay(nest, [2.0, 3.0, 4.0, 5.0, 6.0], delay=1.0)  # parrot: 3 ... 7 ms
    sr.set(start=3.0, stop=6.0)
    nest.Simulate(10.0)
    times = np.sort(np.asarray(sr.get("events")["times"]))
    assert_close(times, [4.0, 5.0, 6.0])  # 3 excluded, 6 included


def test_multimeter_interval(nest):
    n = nest.Create("iaf_psc_alpha", params={"I_e": 100.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.3})
    nest.Connect(mm, n)
    nest.Simulate(30.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    assert len(t) > 50
    assert_close(t, 0.3 * np.arange(1, len(t) + 1))  # the first sample is at t = interval
    assert_close(ev["V_m"], free_v(t, 100.0))


def test_multimeter_offset(nest):
    n = nest.Create("iaf_psc_alpha", params={"I_e": 100.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0, "offset": 0.5})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    assert len(t) >= 15
    assert_close(t, 0.5 + np.arange(len(t)))  # offset, offset + interval, ...
    assert_close(ev["V_m"], free_v(t, 100.0))


def test_multimeter_holds_back_the_last_min_delay_slice(nest):
    # NEST: the samples of a slice reach the multimeter at the start of the next slice.
    n = nest.Create("iaf_psc_alpha")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(mm, n)  # default delay 1 ms -> min_delay 1 ms
    nest.Simulate(10.0)
    assert len(mm.get("events")["times"]) == 90
    nest.Simulate(1.0)
    assert len(mm.get("events")["times"]) == 100


def test_voltmeter_records_v_m(nest):
    n = nest.Create("iaf_psc_alpha", params={"I_e": 150.0})
    vm = nest.Create("voltmeter", params={"interval": 0.5})
    nest.Connect(vm, n)
    nest.Simulate(10.0)
    ev = vm.get("events")
    assert "V_m" in ev and len(ev["times"]) > 5
    assert_close(ev["V_m"], free_v(ev["times"], 150.0))


def test_alpha_psc_from_a_single_spike(nest):
    """A spike sent at t0 over delay d starts the alpha current at t_a = t0 + d:
    I_syn_ex(t) = w e / tau_syn (t - t_a) exp(-(t - t_a) / tau_syn), peaking at w when t - t_a = tau_syn."""
    w, t0, d, tau_syn = 50.0, 5.0, 1.0, 2.0
    sg = nest.Create("spike_generator", params={"spike_times": [t0]})
    n = nest.Create("iaf_psc_alpha")
    mm = nest.Create("multimeter", params={"record_from": ["I_syn_ex", "I_syn_in"], "interval": 0.1})
    nest.Connect(sg, n, syn_spec={"weight": w, "delay": d})
    nest.Connect(mm, n)
    nest.Simulate(30.0)
    ev = mm.get("events")
    t = np.asarray(ev["times"])
    s = np.clip(t - (t0 + d), 0.0, None)
    assert_close(ev["I_syn_ex"], w * math.e / tau_syn * s * np.exp(-s / tau_syn))
    assert np.all(np.asarray(ev["I_syn_in"]) == 0.0)
    peak = int(np.argmax(ev["I_syn_ex"]))
    assert t[peak] == pytest.approx(t0 + d + tau_syn)
    assert ev["I_syn_ex"][peak] == pytest.approx(w, rel=1e-12)


def test_e_l_change_keeps_absolute_potentials(nest):
    n = nest.Create("iaf_psc_alpha")
    n.set(E_L=-65.0)
    assert n.get("E_L") == -65.0
    assert n.get("V_th") == V_TH
    assert n.get("V_reset") == V_RESET
    assert n.get("V_m") == E_L
    # ... and the membrane relaxes from -70 towards the new E_L.
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    nest.Connect(mm, n)
    nest.Simulate(20.0)
    ev = mm.get("events")
    assert_close(ev["V_m"], free_v(ev["times"], 0.0, e_l=-65.0, v0=-70.0))
    # Given together, the other values are taken as they are.
    m = nest.Create("iaf_psc_alpha")
    m.set({"E_L": -60.0, "V_th": -50.0})
    assert m.get(["E_L", "V_th", "V_reset"]) == {"E_L": -60.0, "V_th": -50.0, "V_reset": -70.0}


def test_e_l_in_defaults_keeps_absolute_threshold(nest):
    nest.SetDefaults("iaf_psc_alpha", {"E_L": -65.0})
    n = nest.Create("iaf_psc_alpha")
    assert n.get(["E_L", "V_th", "V_reset"]) == {"E_L": -65.0, "V_th": -55.0, "V_reset": -70.0}


def test_regular_spiking_under_dc(nest):
    """Spike times of a DC-driven iaf_psc_alpha from the closed form.

    V crosses V_th at t* = tau_m ln(R I / (R I - (V_th - E_L))) after leaving E_L; the spike
    is stamped at the end of the step in which V first reaches V_th, then V is held at
    V_reset for t_ref and integrates again from there.
    """
    i_e, h = 400.0, 0.1
    n = nest.Create("iaf_psc_alpha", params={"I_e": i_e})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(200.0)
    r_i = i_e * TAU_M / C_M
    t_cross = TAU_M * math.log(r_i / (r_i - (V_TH - E_L)))
    first = math.ceil(t_cross / h - 1e-9) * h
    period = first + T_REF
    expected = first + period * np.arange(0, 7)
    expected = expected[expected <= 200.0]
    assert_close(np.sort(sr.get("events")["times"]), expected, tol=1e-6)


def _reference(name):
    path = REFERENCE / "reference" / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"parity reference {path} not found; set NESTKIT_PARITY_DIR")
    return json.loads(path.read_text())["runs"][0]


def _scenario(name):
    path = REFERENCE / "scenarios" / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"parity scenario {path} not found; set NESTKIT_PARITY_DIR")
    return json.loads(path.read_text())


@pytest.mark.parametrize("case", ["iaf_psc_alpha__dc", "iaf_psc_alpha__inputs"])
def test_iaf_psc_alpha_matches_nest_reference(nest, case):
    ref = _reference(case)
    nodes = {d["id"]: d for d in _scenario(case)["nodes"]}
    n = nest.Create("iaf_psc_alpha", params=nodes["n"]["params"])
    mm = nest.Create("multimeter", params={"record_from": ["I_syn_ex", "I_syn_in", "V_m"], "interval": 0.1})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, n)
    nest.Connect(n, sr)
    for sg_id, weight in (("sg0", 300.0), ("sg1", -300.0)):
        if sg_id in nodes:
            sg = nest.Create("spike_generator", params=nodes[sg_id]["params"])
            nest.Connect(sg, n, syn_spec={"weight": weight, "delay": 1.0})
    nest.Simulate(200.0)
    ev, rev = mm.get("events"), ref["events"]["mm"]
    assert list(ev["senders"]) == rev["senders"]
    assert_close(ev["times"], rev["times"])
    for key in ("V_m", "I_syn_ex", "I_syn_in"):
        assert_close(ev[key], rev[key])
    assert_close(np.sort(sr.get("events")["times"]), np.sort(ref["events"]["sr"]["times"]), tol=1e-6)
    assert_close([n.get("V_m")], ref["status"]["n"]["V_m"])


def test_compartment_subdictionaries_as_in_nest(nest):
    # iaf_cond_alpha_mc: NEST groups per-compartment parameters in sub-dictionaries.
    n = nest.Create("iaf_cond_alpha_mc", params={"soma": {"g_L": 12.0}, "distal": {"V_m": -60.0}})
    soma = n.get("soma")
    assert soma["g_L"] == 12.0
    assert n.get("distal")["V_m"] == -60.0
    n.set({"proximal": {"C_m": 90.0}})
    assert n.get("proximal")["C_m"] == 90.0
    with pytest.raises(nest.NESTErrors.UnknownParameter):
        n.get("dendrite")


# receptor_types: NEST 3.10's port dictionaries (names and numbers from NEST's model
# sources: ht_neuron.h, iaf_bw_2001.h, iaf_cond_alpha_mc.h).
NEST_RECEPTOR_TYPES = {
    "ht_neuron": {"AMPA": 1, "NMDA": 2, "GABA_A": 3, "GABA_B": 4},
    "iaf_bw_2001": {"AMPA": 1, "GABA": 2, "NMDA": 3},
    "iaf_bw_2001_exact": {"AMPA": 1, "GABA": 2, "NMDA": 3},
    "iaf_cond_alpha_mc": {
        "soma_exc": 1,
        "soma_inh": 2,
        "proximal_exc": 3,
        "proximal_inh": 4,
        "distal_exc": 5,
        "distal_inh": 6,
        "soma_curr": 7,
        "proximal_curr": 8,
        "distal_curr": 9,
    },
}


@pytest.mark.parametrize("model", list(NEST_RECEPTOR_TYPES))
def test_receptor_types_dictionary(nest, model):
    assert nest.GetDefaults(model)["receptor_types"] == NEST_RECEPTOR_TYPES[model]
    n = nest.Create(model)
    assert n.get("receptor_types") == NEST_RECEPTOR_TYPES[model]
    assert nest.GetStatus(n)[0]["receptor_types"] == NEST_RECEPTOR_TYPES[model]
    nest.CopyModel(model, model + "_copy")
    assert nest.GetDefaults(model + "_copy")["receptor_types"] == NEST_RECEPTOR_TYPES[model]


def test_models_without_ports_have_no_receptor_types(nest):
    assert "receptor_types" not in nest.GetDefaults("iaf_psc_alpha")
    with pytest.raises(nestkit.UnknownParameter):
        nest.Create("iaf_psc_alpha").get("receptor_types")


def test_receptor_types_select_the_compartment(nest):
    # A script in NEST's style: look the port up by name, connect through it.
    ports = nest.GetDefaults("iaf_cond_alpha_mc")["receptor_types"]
    n = nest.Create("iaf_cond_alpha_mc", 2)
    dc = nest.Create("dc_generator", params={"amplitude": 200.0})
    nest.Connect(dc, n[0], syn_spec={"receptor_type": ports["distal_curr"]})
    nest.Connect(dc, n[1], syn_spec={"receptor_type": ports["soma_curr"]})
    nest.Simulate(50.0)
    v = [{c: n[k].get(c)["V_m"] for c in ("soma", "proximal", "distal")} for k in (0, 1)]
    # The injected compartment is depolarised most, the farthest one least.
    assert v[0]["distal"] > v[0]["proximal"] > v[0]["soma"]
    assert v[1]["soma"] > v[1]["proximal"] > v[1]["distal"]


def test_receptor_types_route_spikes_to_the_named_synapse(nest):
    ports = nest.GetDefaults("ht_neuron")["receptor_types"]
    n = nest.Create("ht_neuron")
    sg = nest.Create("spike_generator", params={"spike_times": [2.0]})
    nest.Connect(sg, n, syn_spec={"receptor_type": ports["GABA_A"], "weight": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["g_AMPA", "g_NMDA", "g_GABA_A", "g_GABA_B"]})
    nest.Connect(mm, n)
    nest.Simulate(10.0)
    ev = mm.get("events")
    assert max(ev["g_GABA_A"]) > 0.0
    assert max(ev["g_AMPA"]) == max(ev["g_NMDA"]) == max(ev["g_GABA_B"]) == 0.0


def test_per_node_lists_longer_than_the_nodes_use_their_first_values():
    # NEST 3.10 (checked live): Create/set with a list longer than the collection give node k the
    # k-th value; NEST's store_restore_network.py example relies on it. A shorter list is an error.
    import nestkit.nest as nest

    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 3, params={"V_m": [-60.0, -61.0, -62.0, -63.0]})
    assert n.V_m == (-60.0, -61.0, -62.0)
    n.set(V_m=[-50.0, -51.0, -52.0, -53.0])
    assert n.V_m == (-50.0, -51.0, -52.0)
    with pytest.raises(nest.NESTError, match="2 values for 3 nodes"):
        n.set(V_m=[-40.0, -41.0])
    assert n.V_m == (-50.0, -51.0, -52.0)
