"""One e-prop weight update computed by hand from the model equations (NEST 3.10's
event-based e-prop): input spikes through an eprop_synapse onto a silent eprop_iaf
whose readout feeds back its error signal."""

import nestkit.nest as nest
import numpy as np
import pytest

TAU_M, V_TH, HEIGHT, WIDTH, KAPPA = 10.0, 0.8, 0.5, 1.0, 0.9
W0, B, ETA = 0.5, 0.3, 0.2
PARROT_STAMPS = [3, 10, 31]  # generator times + 1 ms through the parrot


def run(sim_ms=25.0):
    nest.ResetKernel()
    nest.resolution = 1.0
    gen = nest.Create("spike_generator", params={"spike_times": [s - 1.0 for s in PARROT_STAMPS]})
    parrot = nest.Create("parrot_neuron")
    rec = nest.Create(
        "eprop_iaf",
        params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_m": 0.0,
            "V_th": V_TH,
            "t_ref": 0.0,
            "tau_m": TAU_M,
            "kappa": KAPPA,
            "surrogate_gradient_height": HEIGHT,
            "surrogate_gradient_width": WIDTH,
        },
    )
    out = nest.Create("eprop_readout", params={"E_L": 0.0})
    times = np.arange(1.0, 40.0)
    target = nest.Create(
        "step_rate_generator", params={"amplitude_times": times, "amplitude_values": np.sin(times / 4)}
    )
    window = nest.Create("step_rate_generator", params={"amplitude_times": [1.0], "amplitude_values": [1.0]})
    nest.SetDefaults(
        "eprop_synapse", {"optimizer": {"type": "gradient_descent", "eta": ETA, "optimize_each_step": False}}
    )
    nest.Connect(gen, parrot)
    nest.Connect(parrot, rec, syn_spec={"synapse_model": "eprop_synapse", "weight": W0, "delay": 1.0})
    nest.Connect(out, rec, syn_spec={"synapse_model": "eprop_learning_signal_connection", "weight": B})
    nest.Connect(target, out, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
    nest.Connect(window, out, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 1})
    mm_out = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["error_signal"]})
    mm_rec = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["V_m"]})
    nest.Connect(mm_out, out)
    nest.Connect(mm_rec, rec)
    nest.Simulate(sim_ms)
    return nest.GetConnections(parrot, rec).weight, mm_out.get("events"), mm_rec.get("events")


def test_weight_after_second_spike_equals_hand_computed_eprop_update():
    w_nestkit, out_ev, rec_ev = run()
    alpha = np.exp(-1.0 / TAU_M)
    # The readout gets no input: its error in step u is -target * window, recorded at u + 1 ms;
    # it reaches the recurrent neuron's history entry u - 1.
    err = dict(zip(np.rint(out_ev["times"]).astype(int) - 1, out_ev["error_signal"]))
    assert any(e != 0.0 for e in err.values())
    # Membrane (C_m = 1, E_L = 0): the first spike (stamp 3) lands in step 3.
    steps = np.arange(0, 10)
    v = np.zeros(len(steps))
    for t in steps[1:]:
        v[t] = alpha * v[t - 1] + (W0 if t == PARROT_STAMPS[0] else 0.0)
    psi = HEIGHT * np.maximum(0.0, 1.0 - np.abs(v - V_TH) / WIDTH)
    # The synapse integrates steps t_prev - 1 <= t < t_spike - 1 (no cutoff); the presynaptic
    # spike enters the low-pass filter one step after t_prev - 1.
    z_bar = e_bar = gradient = 0.0
    for t in range(PARROT_STAMPS[0] - 1, PARROT_STAMPS[1] - 1):
        z = 1.0 if t == PARROT_STAMPS[0] else 0.0
        z_bar = alpha * z_bar + z
        e_bar = KAPPA * e_bar + psi[t] * z_bar
        gradient += B * err[t + 1] * e_bar
    assert gradient != 0.0
    w1 = W0 - ETA * gradient
    assert w_nestkit == pytest.approx(w1, rel=1e-12, abs=0)
    # The second spike is transmitted with the new weight.
    vm = dict(zip(np.rint(rec_ev["times"]).astype(int) - 1, rec_ev["V_m"]))
    v10 = alpha**7 * v[3] + w1
    assert v10 >= V_TH  # it crosses the threshold: the spike subtracts V_th
    assert vm[10] == pytest.approx(v10 - V_TH, rel=1e-12)


def test_weight_is_kept_until_the_next_spike():
    # Without a second presynaptic spike nothing is computed: the weight stays.
    w, _, _ = run(sim_ms=9.0)
    assert w == W0
