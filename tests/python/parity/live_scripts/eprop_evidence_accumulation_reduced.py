"""E-prop classification with update intervals, reduced: which side had more cues?

A small version of NEST's evidence-accumulation task (written for nestkit's tests, not NEST's
script): left and right cue populations, a recall population and background noise drive
regular and adaptive _bsshslm_2020 neurons through parrots; two eprop_readout_bsshslm_2020
readouts with cross-entropy loss (normalised through rate connections between them) learn the
side during the recall, in batches of two sequences. As NEST's example, the input of each
iteration is set before simulating it, and one iteration runs with learning switched off
(eta = 0). Every recorder's events are compared with NEST's; the loss of each iteration is printed.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")

n_cues, cue_steps, spacing, recall_steps = 3, 10, 5, 15
sequence = n_cues * (cue_steps + spacing) + 10 + recall_steps
batch_size, n_iter = 2, 4
n_pop, n_reg, n_ad, n_out = 3, 6, 6, 2
n_in = 4 * n_pop
offset_gen, delays = 1, 3

nest.set(
    resolution=1.0,
    eprop_update_interval=float(sequence),
    eprop_learning_window=float(recall_steps),
    eprop_reset_neurons_on_update=True,
)
rng = np.random.default_rng(23)

readout_params = {
    "C_m": 1.0,
    "E_L": 0.0,
    "loss": "cross_entropy",
    "regular_spike_arrival": False,
    "tau_m": 20.0,
    "V_m": 0.0,
}
v_th = 0.6
common = {
    "C_m": 1.0,
    "c_reg": 300.0,
    "E_L": 0.0,
    "f_target": 10.0,
    "flush_event_send_interval": float(sequence),
    "regular_spike_arrival": True,
    "surrogate_gradient_function": "piecewise_linear",
    "surrogate_gradient_height": 0.3 / v_th,
    "surrogate_gradient_width": 1.0 * v_th,
    "t_ref": 5.0,
    "tau_m": 20.0,
    "V_m": 0.0,
    "V_th": v_th,
}
adapt = {
    "adapt_tau": 2000.0,
    "adaptation": 0.0,
    "adapt_beta": 1.7 * (1.0 - np.exp(-1.0 / 2000.0)) / (1.0 - np.exp(-1.0 / 20.0)),
}

generators = nest.Create("spike_generator", n_in)
inputs = nest.Create("parrot_neuron", n_in)
regular = nest.Create("eprop_iaf_bsshslm_2020", n_reg, common)
adaptive = nest.Create("eprop_iaf_adapt_bsshslm_2020", n_ad, {**common, **adapt})
recurrent = regular + adaptive
readouts = nest.Create("eprop_readout_bsshslm_2020", n_out, readout_params)
targets = nest.Create("step_rate_generator", n_out)

nest.SetDefaults(
    "eprop_synapse_bsshslm_2020",
    {
        "optimizer": {
            "type": "adam",
            "batch_size": batch_size,
            "beta_1": 0.9,
            "beta_2": 0.999,
            "epsilon": 1e-8,
            "eta": 5e-3,
            "Wmin": -100.0,
            "Wmax": 100.0,
        },
        "average_gradient": True,
    },
)
n_rec = n_reg + n_ad
syn = {"synapse_model": "eprop_synapse_bsshslm_2020", "delay": 1.0, "tau_m_readout": readout_params["tau_m"]}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
limit = np.sqrt(6.0 / (n_rec + n_out))
nest.Connect(generators, inputs, "one_to_one", {"delay": 1.0})
nest.Connect(inputs, recurrent, all_to_all, {**syn, "weight": rng.normal(size=(n_rec, n_in)) / np.sqrt(n_in)})
nest.Connect(recurrent, recurrent, all_to_all, {**syn, "weight": rng.normal(size=(n_rec, n_rec)) / np.sqrt(n_rec)})
nest.Connect(recurrent, readouts, all_to_all, {**syn, "weight": rng.uniform(-limit, limit, (n_out, n_rec))})
nest.Connect(
    readouts,
    recurrent,
    all_to_all,
    {"synapse_model": "eprop_learning_signal_connection_bsshslm_2020", "weight": rng.normal(size=(n_rec, n_out))},
)
nest.Connect(
    targets, readouts, "one_to_one", {"synapse_model": "rate_connection_delayed", "delay": 1.0, "receptor_type": 2}
)
# The readouts normalise each other's signals (softmax of the cross-entropy loss).
nest.Connect(
    readouts, readouts, all_to_all, {"synapse_model": "rate_connection_delayed", "delay": 1.0, "receptor_type": 1}
)

nest.GetConnections(recurrent[0], recurrent[1:3]).set([{"optimizer": {"m": 0.0, "v": 0.0}}] * 2)

output = nest.Create(
    "multimeter",
    {
        "interval": 1.0,
        "record_from": ["readout_signal", "target_signal"],
        "start": float(offset_gen + 1),
        "stop": float(offset_gen + 1 + n_iter * batch_size * sequence),
    },
)
states = nest.Create("multimeter", {"interval": 1.0, "record_from": ["V_m", "learning_signal"]})
spikes = nest.Create("spike_recorder")
nest.Connect(output, readouts)
nest.Connect(states, recurrent[::3])
nest.Connect(recurrent, spikes)


def sequences(iteration):
    """Input spikes and targets of one iteration's batch."""
    times = [[] for _ in range(n_in)]
    amplitude_times, amplitudes = [], [[], []]
    for b in range(batch_size):
        start = (iteration * batch_size + b) * sequence + offset_gen
        sides = rng.integers(0, 2, n_cues)
        for c, side in enumerate(sides):
            t0 = start + c * (cue_steps + spacing)
            for k in range(n_pop * side, n_pop * side + n_pop):
                times[k].extend(t0 + np.flatnonzero(rng.random(cue_steps) < 0.4))
        recall = start + sequence - recall_steps
        for k in range(2 * n_pop, 3 * n_pop):
            times[k].extend(recall + np.flatnonzero(rng.random(recall_steps) < 0.4))
        for k in range(3 * n_pop, 4 * n_pop):
            times[k].extend(start + np.flatnonzero(rng.random(sequence) < 0.05))
        label = int(sides.sum() > n_cues / 2)
        amplitude_times.append(float(start))
        for j in range(n_out):
            amplitudes[j].append(1.0 if j == label else 0.0)
    return [{"spike_times": np.sort(t).astype(float) + 1.0} for t in times], [
        {"amplitude_times": np.asarray(amplitude_times) + 1.0, "amplitude_values": a} for a in amplitudes
    ]


for iteration in range(n_iter):
    # The third iteration checks the network without learning, as NEST's example validates.
    eta = 0.0 if iteration == 2 else 5e-3
    nest.SetDefaults("eprop_synapse_bsshslm_2020", {"optimizer": {"eta": eta}})
    spike_params, target_params = sequences(iteration)
    generators.set(spike_params)
    targets.set(target_params)
    nest.Simulate(float(batch_size * sequence))
nest.Simulate(float(offset_gen + delays))

ev = output.events
order = np.lexsort((ev["times"], ev["senders"]))
y = ev["readout_signal"][order].reshape(n_out, n_iter, batch_size, sequence)
t = ev["target_signal"][order].reshape(n_out, n_iter, batch_size, sequence)
window = slice(sequence - recall_steps, sequence)
loss = -np.mean(np.sum(t[..., window] * np.log(y[..., window] + 1e-8), axis=(0, 3)), axis=1)
print("loss per iteration:", " ".join(f"{v:.9f}" for v in loss))
