"""Small e-prop networks run the same way under NEST 3.10 and nestkit.

``make_nest310_reference.py`` runs ``run_all`` with NEST 3.10's PyNEST and stores the
result in ``nest310_reference.json``; ``test_eprop_nest_parity.py`` runs it with
nestkit and compares. Each case records the recurrent and readout neurons' dynamic
variables, the weight recorder and the final weights.
"""

from __future__ import annotations

import numpy as np

REC_KEYS = ["V_m", "surrogate_gradient", "learning_signal", "eprop_history_duration"]
ADAPT_KEYS = ["V_th_adapt", "adaptation"]
OUT_KEYS = ["V_m", "readout_signal", "target_signal", "error_signal", "eprop_history_duration"]


def _floats(x):
    return [float(v) for v in x]


def build(
    nest,
    *,
    n_in,
    n_rec,
    n_out,
    optimizer,
    rec_params,
    out_params,
    sim_ms,
    seed,
    threads=1,
    model="eprop_iaf",
    w_scale=1.0,
):
    """An input layer of parrots (frozen random spikes), recurrent e-prop neurons with
    recurrent connections, readouts with feedback, a target and a learning window."""
    rng = np.random.default_rng(seed)
    nest.ResetKernel()
    nest.set(resolution=1.0, local_num_threads=threads)
    gens = nest.Create("spike_generator", n_in)
    for g in gens:
        times = np.flatnonzero(rng.random(int(sim_ms) - 5) < 0.08) + 1.0
        g.set(spike_times=times)
    nrns_in = nest.Create("parrot_neuron", n_in)
    nrns_rec = nest.Create(model, n_rec, rec_params)
    nrns_out = nest.Create("eprop_readout", n_out, out_params)
    target = nest.Create("step_rate_generator", n_out)
    steps = np.arange(2.0, sim_ms - 2.0)
    for k, t in enumerate(target):
        t.set(amplitude_times=steps, amplitude_values=np.sin(steps / (15.0 + 7.0 * k)))
    window = nest.Create(
        "step_rate_generator", params={"amplitude_times": [2.0, sim_ms / 2], "amplitude_values": [1.0, 0.5]}
    )
    wr = nest.Create("weight_recorder")
    nest.SetDefaults("eprop_synapse", {"optimizer": optimizer, "weight_recorder": wr})
    syn = {"synapse_model": "eprop_synapse", "delay": 1.0}
    nest.Connect(gens, nrns_in, "one_to_one", {"delay": 1.0})
    w_in = rng.normal(0.0, 0.02 * w_scale, (n_rec, n_in))
    w_rec = rng.normal(0.0, 0.02 * w_scale, (n_rec, n_rec))
    w_out = rng.normal(0.0, 0.05, (n_out, n_rec))
    w_fb = rng.normal(0.0, 0.5, (n_rec, n_out))
    conn_all = {"rule": "all_to_all", "allow_autapses": False}
    nest.Connect(nrns_in, nrns_rec, conn_all, {**syn, "weight": w_in})
    nest.Connect(nrns_rec, nrns_rec, conn_all, {**syn, "weight": w_rec})
    nest.Connect(nrns_rec, nrns_out, conn_all, {**syn, "weight": w_out})
    nest.Connect(
        nrns_out,
        nrns_rec,
        conn_all,
        {"synapse_model": "eprop_learning_signal_connection", "delay": 1.0, "weight": w_fb},
    )
    rate = {"synapse_model": "rate_connection_delayed", "delay": 1.0}
    nest.Connect(target, nrns_out, "one_to_one", {**rate, "receptor_type": 2})
    nest.Connect(window, nrns_out, "all_to_all", {**rate, "receptor_type": 1})
    rec_keys = REC_KEYS + (ADAPT_KEYS if "adapt" in model else [])
    mm_rec = nest.Create("multimeter", {"interval": 1.0, "record_from": rec_keys})
    mm_out = nest.Create("multimeter", {"interval": 1.0, "record_from": OUT_KEYS})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm_rec, nrns_rec)
    nest.Connect(mm_out, nrns_out)
    nest.Connect(nrns_rec, sr)
    return {"rec": nrns_rec, "out": nrns_out, "in": nrns_in, "mm_rec": mm_rec, "mm_out": mm_out, "sr": sr, "wr": wr}


def collect(nest, net):
    er, eo, es, ew = (net[k].get("events") for k in ("mm_rec", "mm_out", "sr", "wr"))
    conns = nest.GetConnections(synapse_model="eprop_synapse").get(["source", "target", "weight"])
    order = np.lexsort((conns["target"], conns["source"]))
    return {
        "rec": {k: _floats(er[k]) for k in er if k in ["times", "senders", *REC_KEYS, *ADAPT_KEYS]},
        "out": {k: _floats(eo[k]) for k in ["times", "senders", *OUT_KEYS]},
        "spikes": {k: _floats(es[k]) for k in ["times", "senders"]},
        "weight_events": {k: _floats(ew[k]) for k in ["times", "senders", "targets", "weights"]},
        "weights": _floats(np.asarray(conns["weight"])[order]),
    }


CASES = {
    "gradient_descent_per_spike": dict(
        n_in=6,
        n_rec=5,
        n_out=1,
        optimizer={"type": "gradient_descent", "eta": 0.05, "optimize_each_step": False, "Wmin": -1.0, "Wmax": 1.0},
        rec_params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_th": 0.03,
            "t_ref": 0.0,
            "tau_m": 20.0,
            "V_m": 0.0,
            "c_reg": 0.5,
            "f_target": 20.0,
            "eprop_isi_trace_cutoff": 25.0,
            "surrogate_gradient_height": 10.0,
            "surrogate_gradient_width": 0.03,
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 25.0, "eprop_isi_trace_cutoff": 25.0},
        sim_ms=300.0,
        seed=7,
    ),
    "adam_each_step": dict(
        n_in=5,
        n_rec=4,
        n_out=2,
        optimizer={
            "type": "adam",
            "eta": 0.01,
            "batch_size": 3,
            "optimize_each_step": True,
            "beta_1": 0.8,
            "beta_2": 0.95,
            "epsilon": 1e-6,
        },
        rec_params={
            "C_m": 1.0,
            "E_L": -1.0,
            "V_th": -0.97,
            "V_m": -1.0,
            "t_ref": 2.0,
            "tau_m": 15.0,
            "surrogate_gradient_function": "exponential",
            "surrogate_gradient_height": 2.0,
            "surrogate_gradient_width": 0.1,
            "kappa": 0.9,
        },
        out_params={"C_m": 1.0, "E_L": 0.1, "tau_m": 10.0},
        sim_ms=200.0,
        seed=3,
    ),
    "iaf_adapt": dict(
        model="eprop_iaf_adapt",
        n_in=6,
        n_rec=5,
        n_out=1,
        optimizer={"type": "gradient_descent", "eta": 0.02, "optimize_each_step": True},
        rec_params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_th": 0.03,
            "V_m": 0.0,
            "t_ref": 1.0,
            "tau_m": 20.0,
            "adapt_beta": 0.05,
            "adapt_tau": 15.0,
            "surrogate_gradient_function": "arctan_derivative",
            "surrogate_gradient_height": 1.0,
            "surrogate_gradient_width": 0.05,
            "c_reg": 0.1,
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0},
        sim_ms=250.0,
        seed=11,
        w_scale=2.0,
    ),
    "psc_delta": dict(
        model="eprop_iaf_psc_delta",
        n_in=6,
        n_rec=5,
        n_out=1,
        optimizer={"type": "gradient_descent", "eta": 0.05, "optimize_each_step": False},
        rec_params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_th": 0.5,
            "V_reset": -0.5,
            "V_m": 0.0,
            "t_ref": 3.0,
            "tau_m": 20.0,
            "refractory_input": True,
            "I_e": 0.01,
            "c_reg": 0.3,
            "eprop_isi_trace_cutoff": 30.0,
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0},
        sim_ms=250.0,
        seed=5,
        w_scale=25.0,
    ),
    "psc_delta_adapt": dict(
        model="eprop_iaf_psc_delta_adapt",
        n_in=6,
        n_rec=5,
        n_out=1,
        optimizer={"type": "adam", "eta": 0.01, "optimize_each_step": False},
        rec_params={
            "C_m": 1.0,
            "E_L": 0.0,
            "V_th": 0.4,
            "V_reset": -0.2,
            "V_m": 0.0,
            "t_ref": 2.0,
            "tau_m": 20.0,
            "adapt_beta": 0.3,
            "adapt_tau": 25.0,
            "surrogate_gradient_function": "fast_sigmoid_derivative",
        },
        out_params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0},
        sim_ms=250.0,
        seed=9,
        w_scale=20.0,
    ),
}


def run_case(nest, name, threads=1):
    net = build(nest, threads=threads, **CASES[name])
    nest.Simulate(CASES[name]["sim_ms"])
    return collect(nest, net)


def run_all(nest):
    return {name: run_case(nest, name) for name in CASES}


MODELS = [
    "eprop_iaf",
    "eprop_iaf_adapt",
    "eprop_iaf_psc_delta",
    "eprop_iaf_psc_delta_adapt",
    "eprop_readout",
    "eprop_synapse",
    "eprop_synapse_hpc",
    "eprop_learning_signal_connection",
]
# NEST's bookkeeping entries (and those nestkit does not keep) are left out of the comparison.
IGNORED = {
    "available",
    "capacity",
    "elementsize",
    "frozen",
    "global_id",
    "instantiations",
    "local",
    "model_id",
    "node_uses_wfr",
    "thread",
    "thread_local_id",
    "type_id",
    "vp",
    "sizeof",
    "synapse_modelid",
    "weight_recorder",
    "num_connections",
}


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)) or hasattr(v, "tolist"):
        return v.tolist() if hasattr(v, "tolist") else list(v)
    return v


def defaults(nest):
    """Each e-prop model's defaults (without bookkeeping entries)."""
    nest.ResetKernel()
    return {m: {k: _plain(v) for k, v in nest.GetDefaults(m).items() if k not in IGNORED} for m in MODELS}
