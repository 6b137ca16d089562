"""E-prop learning: input parrots drive recurrent eprop_iaf neurons, a readout learns a sine target
through eprop_synapse with Adam, and feeds its error back through eprop_learning_signal_connection.

A live-parity script: run it with real PyNEST or through
``python -m nestkit.parity live --script``; every recorder's events are compared.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 1.0

rng = np.random.default_rng(5)
n_in, n_rec = 8, 6
generators = nest.Create("spike_generator", n_in)
for g in generators:
    g.spike_times = np.flatnonzero(rng.random(380) < 0.06) + 1.0
inputs = nest.Create("parrot_neuron", n_in)
recurrent = nest.Create(
    "eprop_iaf",
    n_rec,
    params={
        "C_m": 1.0,
        "E_L": 0.0,
        "V_m": 0.0,
        "V_th": 0.05,
        "t_ref": 1.0,
        "tau_m": 20.0,
        "c_reg": 0.2,
        "f_target": 15.0,
        "eprop_isi_trace_cutoff": 40.0,
        "surrogate_gradient_function": "fast_sigmoid_derivative",
        "surrogate_gradient_height": 3.0,
        "surrogate_gradient_width": 0.05,
    },
)
readout = nest.Create("eprop_readout", params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0})
target = nest.Create("step_rate_generator")
times = np.arange(2.0, 398.0)
target.set(amplitude_times=times, amplitude_values=np.sin(times / 20.0))
window = nest.Create("step_rate_generator", params={"amplitude_times": [2.0], "amplitude_values": [1.0]})

# No weight_recorder here: within one step and sender NEST lists the targets in its storage order
# (tests/python/eprop compares the weight events in a fixed order).
nest.SetDefaults(
    "eprop_synapse", {"optimizer": {"type": "adam", "eta": 0.005, "batch_size": 2, "optimize_each_step": False}}
)
eprop = {"synapse_model": "eprop_synapse", "delay": 1.0}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
nest.Connect(generators, inputs, "one_to_one")
nest.Connect(inputs, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.03, (n_rec, n_in))})
nest.Connect(recurrent, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.03, (n_rec, n_rec))})
nest.Connect(recurrent, readout, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.1, (1, n_rec))})
nest.Connect(
    readout,
    recurrent,
    all_to_all,
    {"synapse_model": "eprop_learning_signal_connection", "weight": rng.normal(0.0, 0.5, (n_rec, 1))},
)
nest.Connect(target, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
nest.Connect(window, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 1})

states = nest.Create(
    "multimeter", params={"interval": 1.0, "record_from": ["V_m", "surrogate_gradient", "learning_signal"]}
)
output = nest.Create(
    "multimeter", params={"interval": 1.0, "record_from": ["readout_signal", "target_signal", "error_signal"]}
)
spikes = nest.Create("spike_recorder")
nest.Connect(states, recurrent)
nest.Connect(output, readout)
nest.Connect(recurrent, spikes)

nest.Simulate(400.0)

learned = nest.GetConnections(recurrent, readout).weight
print("readout weights", " ".join(f"{w:.6f}" for w in learned))

error = output.get("events")["error_signal"]
print(
    f"{spikes.n_events} spikes; squared error first half {np.sum(error[:200] ** 2):.4f}, second half {np.sum(error[200:] ** 2):.4f}"
)
