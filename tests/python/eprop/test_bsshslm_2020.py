"""The e-prop ``_bsshslm_2020`` models against NEST 3.10 (bsshslm_reference.json, written by
make_bsshslm_reference.py with NEST 3.10.0): every recorded variable, the spikes, the weight
recorder and the final weights agree to the last bits; threads and chunked runs change
nothing; bad input is refused."""

import json
from pathlib import Path

import bsshslm_cases
import nestkit
import nestkit.nest as nest
import numpy as np
import pytest
from test_eprop_nest_parity import assert_same, sorted_events

REFERENCE = json.loads((Path(__file__).parent / "bsshslm_reference.json").read_text())


@pytest.mark.parametrize("case", sorted(bsshslm_cases.CASES))
def test_case_matches_nest(case):
    ours = bsshslm_cases.run_case(nest, case)
    ref = REFERENCE[case]
    # A real learning run: spikes, weight events and changed weights.
    assert len(ref["spikes"]["times"]) > 20
    assert len(ref["weight_events"]["times"]) > 100
    assert len(set(ref["weight_events"]["weights"])) > 50
    ours["weight_events"], ref = (
        sorted_events(ours["weight_events"]),
        {**ref, "weight_events": sorted_events(ref["weight_events"])},
    )
    assert_same(ours, ref, case)


@pytest.mark.parametrize("case", sorted(bsshslm_cases.CASES))
def test_threads_and_chunks_give_the_same_run(case):
    one = bsshslm_cases.run_case(nest, case, threads=1)
    two = bsshslm_cases.run_case(nest, case, threads=2, chunks=3)
    assert nest.local_num_threads == 2
    assert two == one


def test_kernel_settings():
    nest.ResetKernel()
    assert nest.GetKernelStatus("eprop_update_interval") == 1000.0
    assert nest.GetKernelStatus("eprop_learning_window") == 1000.0
    assert nest.GetKernelStatus("eprop_reset_neurons_on_update") is True
    nest.SetKernelStatus({"eprop_update_interval": 50.0, "eprop_learning_window": 20.0})
    assert nest.GetKernelStatus(["eprop_update_interval", "eprop_learning_window"]) == (50.0, 20.0)
    with pytest.raises(nestkit.KernelException, match="eprop_learning_window <= eprop_update_interval"):
        nest.SetKernelStatus({"eprop_learning_window": 60.0})
    with pytest.raises(nestkit.KernelException, match="eprop_update_interval > 0"):
        nest.SetKernelStatus({"eprop_update_interval": 0.0})
    assert nest.GetKernelStatus("eprop_learning_window") == 20.0
    nest.ResetKernel()
    assert nest.GetKernelStatus("eprop_update_interval") == 1000.0


@pytest.mark.parametrize(
    "model, params, words",
    [
        ("eprop_iaf_bsshslm_2020", {"tau_m": -1.0}, ["tau_m", "-1"]),
        ("eprop_iaf_adapt_bsshslm_2020", {"surrogate_gradient_function": "sigmoid"}, ["sigmoid", "piecewise_linear"]),
        ("eprop_readout_bsshslm_2020", {"loss": "hinge"}, ["loss", "hinge", "cross_entropy"]),
    ],
)
def test_bad_neuron_parameters(model, params, words):
    nest.ResetKernel()
    n = nest.Create(model)
    before = n.get()
    with pytest.raises(nestkit.BadProperty) as err:
        n.set(params)
    for w in words:
        assert w in str(err.value)
    assert n.get() == before


def test_bad_synapse_parameters():
    nest.ResetKernel()
    with pytest.raises(nestkit.BadProperty, match="tau_m_readout"):
        nest.SetDefaults("eprop_synapse_bsshslm_2020", {"tau_m_readout": 0.0})
    a = nest.Create("eprop_iaf_bsshslm_2020")
    b = nest.Create("eprop_iaf_bsshslm_2020")
    with pytest.raises(nestkit.IllegalConnection, match="delay of one simulation step"):
        nest.Connect(a, b, syn_spec={"synapse_model": "eprop_synapse_bsshslm_2020", "delay": 2.0})
    # A weight above Wmax: accepted alone at Connect, as NEST 3.10 (its set_status, which holds
    # the check, runs only for other syn_spec keys), refused when set on the connection.
    syn = {"synapse_model": "eprop_synapse_bsshslm_2020", "weight": 20.0, "delay": nest.resolution}
    nest.Connect(a, b, syn_spec=syn)
    with pytest.raises(nestkit.BadProperty):
        nest.GetConnections(a, b).set(weight=200.0)
    assert nest.num_connections == 1 and nest.GetConnections(a, b).get("weight") == 20.0
    assert nest.GetDefaults("eprop_synapse_bsshslm_2020")["tau_m_readout"] == 10.0


def test_readout_gradient_by_hand():
    """One input spike train into a readout: after the first update the weight equals the
    gradient-descent step computed here from the recorded error signal (NEST's formula)."""
    nest.ResetKernel()
    nest.set(resolution=1.0)
    nest.SetKernelStatus({"eprop_update_interval": 20.0, "eprop_learning_window": 20.0})
    gen = nest.Create("spike_generator", params={"spike_times": [2.0, 5.0, 9.0, 24.0]})
    parrot = nest.Create("parrot_neuron")
    out = nest.Create("eprop_readout_bsshslm_2020", params={"C_m": 1.0, "tau_m": 10.0})
    target = nest.Create("step_rate_generator", params={"amplitude_times": [1.0], "amplitude_values": [0.7]})
    nest.SetDefaults("eprop_synapse_bsshslm_2020", {"optimizer": {"eta": 0.1}})
    nest.Connect(gen, parrot)
    nest.Connect(parrot, out, syn_spec={"synapse_model": "eprop_synapse_bsshslm_2020", "weight": 0.5, "delay": 1.0})
    nest.Connect(target, out, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
    mm = nest.Create("multimeter", {"interval": 1.0, "record_from": ["error_signal"]})
    nest.Connect(mm, out)
    nest.Simulate(30.0)
    ev = mm.get("events")
    err = dict(zip(np.asarray(ev["times"], int), ev["error_signal"]))
    # Parrot spikes have stamps 3, 6, 10 (the spike recorder's times); the readout's history
    # entry of step t holds the error it computed in step t + 1, which the multimeter shows
    # at time t + 2; the update at the spike of stamp 25 integrates from the first spike
    # (stamp 3) to the interval end at 20 + 3 (the readout's shift).
    p_v = np.exp(-1.0 / 10.0)
    spikes = {3, 6, 10}
    z_bar, g = 0.0, 0.0
    for t in range(3, 23):
        z_bar = p_v * z_bar + (1.0 if t in spikes else 0.0)
        g += err[t + 2] * z_bar
    w = nest.GetConnections(synapse_model="eprop_synapse_bsshslm_2020").get("weight")
    assert w == pytest.approx(0.5 - 0.1 * g, rel=1e-12, abs=0)
    assert g != 0.0
