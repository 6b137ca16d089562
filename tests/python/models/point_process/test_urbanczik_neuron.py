"""pp_cond_exp_mc_urbanczik (with urbanczik_synapse) against NEST 3.10.

Source of the expected values: urbanczik_reference.json, written by NEST 3.10 running
urbanczik_scenarios.py (the same code nestkit runs here). The scenarios are
deterministic (phi_max = 0, or a spike probability that rounds to exactly 1), so
traces, spike times and weights must agree bit for bit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nestkit.nest as nest
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import urbanczik_scenarios as scen  # noqa: E402

REFERENCE = json.loads((Path(__file__).parent / "urbanczik_reference.json").read_text())


@pytest.fixture(autouse=True)
def _quiet():
    nest.ResetKernel()  # a fresh kernel whatever ran before (tests elsewhere may leave networks)
    nest.set_verbosity("M_ERROR")
    yield
    nest.ResetKernel()


@pytest.mark.parametrize("name", sorted(scen.CASES))
def test_matches_nest_310(name):
    assert scen.CASES[name](nest) == REFERENCE[name]


def test_reference_is_not_trivial():
    assert REFERENCE["traces_fire"]["spikes"] and not REFERENCE["traces_default"]["spikes"]
    w = REFERENCE["weights_dead"]["weights"]
    assert w[0] == 300.0 and w[-1] < 100.0
    assert min(REFERENCE["weights_dead_clip"]["weights"]) == 250.0


def test_defaults_and_ports_as_nest():
    n = nest.Create("pp_cond_exp_mc_urbanczik")
    s = n.get()
    assert s["receptor_types"] == {
        "soma_exc": 1,
        "soma_inh": 2,
        "dendritic_exc": 3,
        "dendritic_inh": 4,
        "soma_curr": 5,
        "dendritic_curr": 6,
    }
    assert sorted(s["recordables"]) == ["I_ex.p", "I_in.p", "V_m.p", "V_m.s", "g_ex.s", "g_in.s"]
    # NEST 3.10's defaults (GetStatus of a fresh node).
    assert (s["t_ref"], s["phi_max"], s["rate_slope"], s["theta"], s["g_sp"], s["g_ps"]) == (
        3.0,
        0.15,
        0.5,
        -55.0,
        600.0,
        0.0,
    )
    assert s["beta"] == 1.0 / 3.0
    assert s["soma.E_in"] == -75.0 and s["dendritic.E_in"] == 0.0 and s["dendritic.V_m"] == -70.0


@pytest.mark.parametrize("threads,chunks", [(2, 1), (1, 8), (2, 4)])
def test_stochastic_run_independent_of_threads_and_chunks(threads, chunks):
    params = {"phi_max": 0.15, "theta": -69.0}
    syn = {"weight": 20.0, "delay": 1.0, "eta": 0.5}
    base = scen.run_weights(nest, params, syn, scen.PRE)
    other = scen.run_weights(nest, params, syn, scen.PRE, chunks=chunks, threads=threads)
    assert base["post_spikes"], "the run should spike"
    assert other == base
    t1 = scen.run_traces(nest, params)
    t2 = scen.run_traces(nest, params, threads=threads, chunks=chunks)
    assert t1["spikes"] and t1 == t2


@pytest.mark.parametrize(
    "bad",
    [
        {"rate_slope": -1.0},
        {"phi_max": -0.1},
        {"t_ref": -1.0},
        {"soma": {"C_m": 0.0}},
        {"dendritic": {"tau_syn_in": 0.0}},
    ],
)
def test_bad_parameters_leave_node_unchanged(bad):
    n = nest.Create("pp_cond_exp_mc_urbanczik", params={"soma": {"C_m": 123.0}})
    before = n.get()
    with pytest.raises(nest.NESTError):
        n.set(bad)
    assert n.get() == before
    assert before["soma.C_m"] == 123.0


def test_bad_synapse_input_leaves_network_unchanged():
    n = nest.Create("pp_cond_exp_mc_urbanczik")
    p = nest.Create("parrot_neuron")
    iaf = nest.Create("iaf_psc_alpha")
    # The sign rule is the synapse's set_status, which NEST's Connect runs when the syn_spec
    # names a model parameter (Wmax here); a weight alone is set without it.
    with pytest.raises(nest.NESTError, match="same sign"):
        nest.Connect(
            p, n, syn_spec={"synapse_model": "urbanczik_synapse", "weight": -1.0, "Wmax": 100.0, "receptor_type": 3}
        )
    with pytest.raises(nest.NESTError):
        nest.Connect(p, iaf, syn_spec={"synapse_model": "urbanczik_synapse"})
    with pytest.raises(nest.NESTError):
        nest.Connect(p, n, syn_spec={"synapse_model": "urbanczik_synapse", "receptor_type": 7})
    assert nest.num_connections == 0
    nest.Connect(p, n, syn_spec={"synapse_model": "urbanczik_synapse", "weight": 2.0, "receptor_type": 3})
    c = nest.GetConnections(p, n)
    with pytest.raises(nest.NESTError):
        c.set({"Wmax": -5.0})
    assert c.get("Wmax") == 100.0 and c.get("weight") == 2.0
