"""E-prop pattern generation with update intervals, reduced: two readouts learn to draw a pen trace.

A small version of NEST's handwriting task (written for nestkit's tests, not NEST's script):
frozen Poisson input through parrots, adaptive recurrent eprop_iaf_adapt_bsshslm_2020 neurons
with membrane time constants drawn at random, two eprop_readout_bsshslm_2020 readouts
that learn the x and y coordinates of a short trace with Adam. The trace stands in for NEST's
chaos_handwriting.txt in the same form (one "x y" pair per point, each held for a few steps).
Every recorder's events are compared with NEST's; the loss of each iteration is printed.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")

# The stand-in data: rows "x y", as chaos_handwriting.txt.
trace = np.array(
    [
        [0.65, -0.77],
        [1.48, -1.29],
        [1.29, -2.42],
        [0.35, -2.05],
        [0.12, -0.96],
        [0.88, -0.31],
        [1.95, -0.55],
        [2.41, -1.63],
        [2.02, -2.51],
        [1.10, -2.80],
    ]
)
steps_per_point = 4
sequence = len(trace) * steps_per_point
n_iter, n_in, n_rec, n_out = 4, 12, 14, 2
offset_gen, delays = 1, 3

nest.set(
    resolution=1.0,
    eprop_update_interval=float(sequence),
    eprop_learning_window=float(sequence),
    eprop_reset_neurons_on_update=True,
    rng_seed=3,
)
rng = np.random.default_rng(7)

readout_params = {
    "C_m": 1.0,
    "E_L": 0.0,
    "loss": "mean_squared_error",
    "regular_spike_arrival": False,
    "tau_m": 50.0,
    "V_m": 0.0,
}
v_th = 0.03
rec_params = {
    "adapt_tau": 2000.0,
    "adapt_beta": 1.7 * (1.0 - np.exp(-1 / 2000.0)) / (1.0 - np.exp(-1.0 / 30.0)),
    "C_m": 250.0,
    "c_reg": 150.0,
    "E_L": 0.0,
    "f_target": 20.0,
    "flush_event_send_interval": float(sequence),
    "regular_spike_arrival": False,
    "surrogate_gradient_function": "piecewise_linear",
    "surrogate_gradient_height": 0.3 / v_th,
    "surrogate_gradient_width": 1.0 * v_th,
    "t_ref": 0.0,
    "tau_m": 30.0,
    "V_m": 0.0,
    "V_th": v_th,
}

generators = nest.Create("spike_generator", n_in)
inputs = nest.Create("parrot_neuron", n_in)
recurrent = nest.Create("eprop_iaf_adapt_bsshslm_2020", n_rec, rec_params)
recurrent.tau_m = rng.normal(30.0, 2.0, n_rec)  # NEST's example draws them with nest.random (other streams)
readouts = nest.Create("eprop_readout_bsshslm_2020", n_out, readout_params)
targets = nest.Create("step_rate_generator", n_out)

# Frozen input: the same spikes in every sequence.
pattern = rng.random((n_in, sequence)) < 0.05
starts = np.arange(n_iter) * sequence + offset_gen
for g, row in zip(generators, pattern):
    g.spike_times = np.concatenate([np.flatnonzero(row) + s for s in starts]).astype(float) + 1.0

# The targets: the trace's coordinates, interpolated between points and repeated.
x_eval = np.arange(sequence) / steps_per_point
for k, t in enumerate(targets):
    signal = np.interp(x_eval, np.arange(len(trace)), trace[:, k])
    t.set(
        amplitude_times=np.arange(n_iter * sequence) + float(offset_gen) + 1.0, amplitude_values=np.tile(signal, n_iter)
    )

nest.SetDefaults(
    "eprop_synapse_bsshslm_2020",
    {
        "optimizer": {
            "type": "adam",
            "batch_size": 1,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-8,
            "eta": 5e-3,
            "Wmin": -100.0,
            "Wmax": 100.0,
        },
        "average_gradient": False,
    },
)
syn = {"synapse_model": "eprop_synapse_bsshslm_2020", "delay": 1.0, "tau_m_readout": readout_params["tau_m"]}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
nest.Connect(generators, inputs, "one_to_one", {"delay": 1.0})
nest.Connect(inputs, recurrent, all_to_all, {**syn, "weight": 5.0 * rng.normal(size=(n_rec, n_in)) / np.sqrt(n_in)})
nest.Connect(recurrent, recurrent, all_to_all, {**syn, "weight": rng.normal(size=(n_rec, n_rec)) / np.sqrt(n_rec)})
nest.Connect(recurrent, readouts, all_to_all, {**syn, "weight": rng.normal(size=(n_out, n_rec)) / np.sqrt(n_rec)})
nest.Connect(
    readouts,
    recurrent,
    all_to_all,
    {"synapse_model": "eprop_learning_signal_connection_bsshslm_2020", "weight": rng.normal(size=(n_rec, n_out))},
)
nest.Connect(
    targets, readouts, "one_to_one", {"synapse_model": "rate_connection_delayed", "delay": 1.0, "receptor_type": 2}
)

# Adam's moments set per connection, as NEST's examples do.
nest.GetConnections(recurrent[0], recurrent[1:3]).set([{"optimizer": {"m": 0.0, "v": 0.0}}] * 2)

output = nest.Create(
    "multimeter",
    {
        "interval": 1.0,
        "record_from": ["readout_signal", "target_signal"],
        "start": float(offset_gen + 1),
        "stop": float(offset_gen + 1 + n_iter * sequence),
    },
)
states = nest.Create("multimeter", {"interval": 1.0, "record_from": ["V_m", "surrogate_gradient", "learning_signal"]})
spikes = nest.Create("spike_recorder")
nest.Connect(output, readouts)
nest.Connect(states, recurrent[:4])
nest.Connect(recurrent, spikes)

nest.Simulate(float(n_iter * sequence + offset_gen + delays))

ev = output.events
order = np.lexsort((ev["times"], ev["senders"]))
y = ev["readout_signal"][order].reshape(n_out, n_iter, sequence)
t = ev["target_signal"][order].reshape(n_out, n_iter, sequence)
loss = 0.5 * np.sum((y - t) ** 2, axis=(0, 2))
print("loss per iteration:", " ".join(f"{v:.9f}" for v in loss))
