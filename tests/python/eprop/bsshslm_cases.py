"""Small networks of NEST 3.10's e-prop ``_bsshslm_2020`` models, run the same way under
NEST 3.10 and nestkit.

``make_bsshslm_reference.py`` runs ``run_all`` with NEST 3.10's PyNEST and stores the
result in ``bsshslm_reference.json``; ``test_bsshslm_2020.py`` runs it with nestkit and
compares. Each case sets the kernel's e-prop update interval and learning window and
records the recurrent and readout neurons' dynamic variables, the spikes, the weight
recorder and the final weights.
"""

from __future__ import annotations

import numpy as np

REC_KEYS = ["V_m", "surrogate_gradient", "learning_signal"]
ADAPT_KEYS = ["V_th_adapt", "adaptation"]
OUT_KEYS = ["V_m", "readout_signal", "readout_signal_unnorm", "target_signal", "error_signal"]
SYN = "eprop_synapse_bsshslm_2020"


def _floats(x):
    return [float(v) for v in x]


def build(
    nest, *, model, n_in, n_rec, n_out, kernel, optimizer, syn_params, rec_params, out_params, sim_ms, seed, threads=1
):
    """Parrots fed by frozen random spikes, recurrent neurons with recurrent connections,
    readouts with feedback and a target signal (and normalisation among the readouts for
    the cross-entropy loss)."""
    rng = np.random.default_rng(seed)
    nest.ResetKernel()
    nest.set(resolution=1.0, local_num_threads=threads)
    nest.SetKernelStatus(kernel)
    gens = nest.Create("spike_generator", n_in)
    for g in gens:
        times = np.flatnonzero(rng.random(int(sim_ms) - 5) < 0.1) + 1.0
        g.set(spike_times=times)
    nrns_in = nest.Create("parrot_neuron", n_in)
    nrns_rec = nest.Create(model, n_rec, rec_params)
    nrns_out = nest.Create("eprop_readout_bsshslm_2020", n_out, out_params)
    target = nest.Create("step_rate_generator", n_out)
    steps = np.arange(1.0, sim_ms - 1.0)
    for k, t in enumerate(target):
        t.set(amplitude_times=steps, amplitude_values=0.5 + 0.5 * np.sin(steps / (9.0 + 5.0 * k)))
    wr = nest.Create("weight_recorder")
    nest.SetDefaults(SYN, {"optimizer": optimizer, "weight_recorder": wr, **syn_params})
    syn = {"synapse_model": SYN, "delay": 1.0}
    nest.Connect(gens, nrns_in, "one_to_one", {"delay": 1.0})
    w_in = rng.normal(0.0, 0.5, (n_rec, n_in))
    w_rec = rng.normal(0.0, 0.3, (n_rec, n_rec))
    w_out = rng.normal(0.0, 0.2, (n_out, n_rec))
    w_fb = rng.normal(0.0, 0.5, (n_rec, n_out))
    conn_all = {"rule": "all_to_all", "allow_autapses": False}
    nest.Connect(nrns_in, nrns_rec, conn_all, {**syn, "weight": w_in})
    nest.Connect(nrns_rec, nrns_rec, conn_all, {**syn, "weight": w_rec})
    nest.Connect(nrns_rec, nrns_out, conn_all, {**syn, "weight": w_out})
    nest.Connect(
        nrns_out,
        nrns_rec,
        conn_all,
        {"synapse_model": "eprop_learning_signal_connection_bsshslm_2020", "delay": 1.0, "weight": w_fb},
    )
    rate = {"synapse_model": "rate_connection_delayed", "delay": 1.0}
    nest.Connect(target, nrns_out, "one_to_one", {**rate, "receptor_type": 2})
    if out_params.get("loss") == "cross_entropy":
        nest.Connect(nrns_out, nrns_out, conn_all, {**rate, "receptor_type": 1})
    rec_keys = REC_KEYS + (ADAPT_KEYS if "adapt" in model else [])
    mm_rec = nest.Create("multimeter", {"interval": 1.0, "record_from": rec_keys})
    mm_out = nest.Create("multimeter", {"interval": 1.0, "record_from": OUT_KEYS})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm_rec, nrns_rec)
    nest.Connect(mm_out, nrns_out)
    nest.Connect(nrns_rec, sr)
    return {"mm_rec": mm_rec, "mm_out": mm_out, "sr": sr, "wr": wr}


def collect(nest, net):
    er, eo, es, ew = (net[k].get("events") for k in ("mm_rec", "mm_out", "sr", "wr"))
    conns = nest.GetConnections(synapse_model=SYN).get(["source", "target", "weight"])
    order = np.lexsort((conns["target"], conns["source"]))
    return {
        "rec": {k: _floats(er[k]) for k in er if k in ["times", "senders", *REC_KEYS, *ADAPT_KEYS]},
        "out": {k: _floats(eo[k]) for k in ["times", "senders", *OUT_KEYS]},
        "spikes": {k: _floats(es[k]) for k in ["times", "senders"]},
        "weight_events": {k: _floats(ew[k]) for k in ["times", "senders", "targets", "weights"]},
        "weights": _floats(np.asarray(conns["weight"])[order]),
    }


CASES = {
    # Mean-squared error, gradient descent, averaged gradients, neurons reset at every
    # interval, firing-rate regularisation and flush events of silent recurrent neurons.
    "iaf_mse_gradient_descent": dict(
        model="eprop_iaf_bsshslm_2020",
        n_in=6,
        n_rec=6,
        n_out=1,
        kernel={"eprop_update_interval": 40.0, "eprop_learning_window": 25.0, "eprop_reset_neurons_on_update": True},
        optimizer={"type": "gradient_descent", "eta": 0.5, "Wmin": -3.0, "Wmax": 3.0},
        syn_params={"average_gradient": True},
        rec_params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_th": 0.03,
            "t_ref": 2.0,
            "tau_m": 15.0,
            "c_reg": 2.0,
            "f_target": 20.0,
            "regular_spike_arrival": False,
            "surrogate_gradient_height": 0.5,
            "surrogate_gradient_width": 0.5,
            "flush_event_send_interval": 40.0,
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 12.0},
        sim_ms=320.0,
        seed=4,
    ),
    # Adaptive neurons, cross-entropy over two readouts, Adam with batches, no reset.
    "adapt_cross_entropy_adam": dict(
        model="eprop_iaf_adapt_bsshslm_2020",
        n_in=5,
        n_rec=5,
        n_out=2,
        kernel={"eprop_update_interval": 30.0, "eprop_learning_window": 30.0, "eprop_reset_neurons_on_update": False},
        optimizer={"type": "adam", "eta": 0.05, "batch_size": 2, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-6},
        syn_params={"tau_m_readout": 8.0},
        rec_params={
            "C_m": 1.0,
            "E_L": -0.5,
            "V_th": -0.3,
            "V_m": -0.5,
            "t_ref": 1.0,
            "tau_m": 20.0,
            "adapt_beta": 0.05,
            "adapt_tau": 25.0,
            "c_reg": 0.5,
            "surrogate_gradient_function": "exponential",
            "surrogate_gradient_height": 0.8,
            "surrogate_gradient_width": 0.2,
            "flush_event_send_interval": 45.0,
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 10.0, "loss": "cross_entropy", "regular_spike_arrival": False},
        sim_ms=300.0,
        seed=8,
    ),
}


def run_case(nest, name, threads=1, chunks=1):
    net = build(nest, threads=threads, **CASES[name])
    # Whole milliseconds per chunk (the resolution is 1 ms).
    for ms in np.diff(np.round(np.linspace(0.0, CASES[name]["sim_ms"], chunks + 1))):
        nest.Simulate(float(ms))
    return collect(nest, net)


def run_all(nest):
    return {name: run_case(nest, name) for name in CASES}
