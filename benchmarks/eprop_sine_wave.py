#!/usr/bin/env python3
"""E-prop sine-wave regression (the network of NEST 3.10's eprop_supervised_regression_sine-waves
example, rebuilt here): wall time per training iteration, in PyNEST vocabulary (runs on NEST 3.10
and on nestkit's facade).

100 input parrots driven by frozen Poisson spike trains, 100 recurrent eprop_iaf neurons, one
eprop_readout learning a sum of four sines over sequences of 1000 steps (1 ms), eprop_synapse
with gradient descent once per spike, learning signals back through
eprop_learning_signal_connection. As the example, the whole task runs in one Simulate call;
one iteration is one sequence.

usage: eprop_sine_wave.py --backend nest|nestkit [--threads 2] [--iterations 20]
prints one JSON line (build_s, sim_s, s_per_iteration, final loss).
"""

import argparse
import json
import time

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--backend", default="nestkit")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--iterations", type=int, default=20)
a = ap.parse_args()

if a.backend == "nest":
    import nest
else:
    import nestkit.nest as nest

sequence, n_in, n_rec = 1000, 100, 100
task = a.iterations * sequence
rng = np.random.default_rng(1)

t0 = time.perf_counter()
nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.set(resolution=1.0, local_num_threads=a.threads, rng_seed=1)

generators = nest.Create("spike_generator", n_in)
inputs = nest.Create("parrot_neuron", n_in)
recurrent = nest.Create(
    "eprop_iaf",
    n_rec,
    {
        "C_m": 1.0,
        "c_reg": 300.0 / sequence,
        "E_L": 0.0,
        "f_target": 10.0,
        "surrogate_gradient_function": "piecewise_linear",
        "surrogate_gradient_height": 10.0,
        "surrogate_gradient_width": 1.0 / 33.3,
        "t_ref": 0.0,
        "tau_m": 30.0,
        "V_m": 0.0,
        "V_th": 0.03,
        "flush_event_send_interval": float(sequence),
        "kappa": 0.97,
        "kappa_reg": 0.97,
        "eprop_isi_trace_cutoff": 100.0,
    },
)
readout = nest.Create(
    "eprop_readout", params={"C_m": 1.0, "E_L": 0.0, "eprop_isi_trace_cutoff": 100.0, "tau_m": 30.0, "V_m": 0.0}
)
scale = 1.0 - 0.97  # the example's rescaling (1 - kappa)
target = nest.Create("step_rate_generator")

# Frozen Poisson input (5 % per step), the same in every sequence.
pattern = rng.random((n_in, sequence)) < 0.05
starts = np.arange(a.iterations) * sequence + 1.0
generators.set(
    [{"spike_times": np.concatenate([np.flatnonzero(row) + s for s in starts]).astype(float)} for row in pattern]
)
steps = np.arange(sequence)
signal = sum(
    rng.uniform(0.5, 2.0) * np.sin(2 * np.pi * steps / period + rng.uniform(0, 2 * np.pi))
    for period in (1000, 500, 333, 200)
)
signal /= np.max(np.abs(signal))
target.set(amplitude_times=np.arange(task) + 2.0, amplitude_values=np.tile(signal, a.iterations))

nest.SetDefaults(
    "eprop_synapse",
    {"optimizer": {"type": "gradient_descent", "batch_size": 1, "eta": 1e-4 * scale**2, "optimize_each_step": False}},
)
syn = {"synapse_model": "eprop_synapse", "delay": 1.0}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
nest.Connect(generators, inputs, "one_to_one", {"delay": 1.0})
w_in = scale * rng.normal(size=(n_rec, n_in)) / np.sqrt(n_in)
w_rec = scale * rng.normal(size=(n_rec, n_rec)) / np.sqrt(n_rec)
w_out = scale * rng.normal(size=(1, n_rec)) / np.sqrt(n_rec)
nest.Connect(inputs, recurrent, all_to_all, {**syn, "weight": w_in})
nest.Connect(recurrent, recurrent, all_to_all, {**syn, "weight": w_rec})
nest.Connect(recurrent, readout, all_to_all, {**syn, "weight": w_out})
nest.Connect(
    readout,
    recurrent,
    all_to_all,
    {
        "synapse_model": "eprop_learning_signal_connection",
        "weight": scale * rng.normal(size=(n_rec, 1)) / np.sqrt(n_rec),
    },
)
nest.Connect(target, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
# The learning window: the whole sequence.
window = nest.Create("step_rate_generator", params={"amplitude_times": [1.0], "amplitude_values": [1.0]})
nest.Connect(window, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 1})
output = nest.Create("multimeter", {"interval": 1.0, "record_from": ["error_signal"]})
nest.Connect(output, readout)
build = time.perf_counter() - t0

t1 = time.perf_counter()
nest.Simulate(float(task + 3))
sim = time.perf_counter() - t1

error = np.asarray(output.get("events")["error_signal"], dtype=float)[: a.iterations * sequence]
loss = 0.5 * np.sum(error.reshape(a.iterations, sequence) ** 2, axis=1)
print(
    json.dumps(
        {
            "backend": a.backend,
            "threads": a.threads,
            "iterations": a.iterations,
            "build_s": round(build, 3),
            "sim_s": round(sim, 3),
            "s_per_iteration": round(sim / a.iterations, 4),
            "loss_first": float(loss[0]),
            "loss_last": float(loss[-1]),
        }
    )
)
