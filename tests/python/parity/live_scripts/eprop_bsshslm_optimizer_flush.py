"""E-prop with update intervals (the _bsshslm_2020 models): per-connection Adam state and flush events.

Input parrots that fall silent send flush events (flush_event_send_interval) through their
eprop_synapse_bsshslm_2020 connections, which change when those synapses close their update
intervals; the recurrent neurons send them too. The e-prop history each neuron keeps
(eprop_history_duration) shrinks when those events arrive. Some connections start Adam with their own
moments m and v, set per connection as NEST's e-prop examples do. The readout and error signals
follow the learned weights, so every recorder's events compare the learning with NEST's.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 1.0
nest.set(eprop_update_interval=40.0, eprop_learning_window=30.0, eprop_reset_neurons_on_update=True)

rng = np.random.default_rng(11)
n_in, n_ad, n_reg = 6, 3, 3
generators = nest.Create("spike_generator", n_in)
for k, g in enumerate(generators):
    # Bursts in some intervals only: long silences make the parrots send flush events.
    bursts = [start + np.flatnonzero(rng.random(12) < 0.5) for start in (1.0, 81.0 + 3 * k, 241.0, 321.0 - 2 * k)]
    g.spike_times = np.unique(np.concatenate(bursts)) + 1.0
inputs = nest.Create("parrot_neuron", n_in, params={"flush_event_send_interval": 45.0})
inputs[::2].flush_event_send_interval = 70.0

common = {
    "C_m": 1.0,
    "c_reg": 50.0,
    "E_L": 0.0,
    "f_target": 10.0,
    "flush_event_send_interval": 40.0,
    "V_m": 0.0,
    "V_th": 0.03,
    "t_ref": 2.0,
    "tau_m": 20.0,
    "surrogate_gradient_function": "piecewise_linear",
    "surrogate_gradient_height": 0.3,
    "surrogate_gradient_width": 1.0,
}
adaptive = nest.Create("eprop_iaf_adapt_bsshslm_2020", n_ad, params={**common, "adapt_beta": 0.5, "adapt_tau": 60.0})
regular = nest.Create("eprop_iaf_bsshslm_2020", n_reg, params=common)
recurrent = adaptive + regular
readout = nest.Create("eprop_readout_bsshslm_2020", params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0})
target = nest.Create("step_rate_generator")
times = np.arange(1.0, 400.0)
target.set(amplitude_times=times, amplitude_values=np.cos(times / 15.0))

nest.SetDefaults(
    "eprop_synapse_bsshslm_2020",
    {"optimizer": {"type": "adam", "eta": 0.01, "batch_size": 1, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-8}},
)
eprop = {"synapse_model": "eprop_synapse_bsshslm_2020", "delay": 1.0, "tau_m_readout": 20.0}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
nest.Connect(generators, inputs, "one_to_one", {"delay": 1.0})
nest.Connect(inputs, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.05, (n_ad + n_reg, n_in))})
nest.Connect(recurrent, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.05, (n_ad + n_reg, n_ad + n_reg))})
nest.Connect(recurrent, readout, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.2, (1, n_ad + n_reg))})
nest.Connect(
    readout,
    recurrent,
    all_to_all,
    {"synapse_model": "eprop_learning_signal_connection_bsshslm_2020", "weight": rng.normal(0.0, 0.5, (6, 1))},
)
nest.Connect(target, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2, "delay": 1.0})

# Per-connection optimizer state, in NEST's examples' form (a list of dictionaries) and as one
# dictionary for all, partly (v keeps its value).
# NEST lists a source's connections in its storage order: the values follow source and target.
from_inputs = nest.GetConnections(inputs, recurrent)
pairs = zip(from_inputs.source, from_inputs.target)
from_inputs.set([{"optimizer": {"m": 0.001 * (s - t), "v": 1e-5 * s * t}} for s, t in pairs])
nest.GetConnections(recurrent[0], recurrent[1:3]).set([{"optimizer": {"m": 0.0, "v": 0.0}}] * 2)
nest.GetConnections(recurrent, readout).set({"optimizer": {"m": -0.01}})
print("optimizer state:", nest.GetConnections(recurrent, readout).get("optimizer"))

# The history each neuron keeps (eprop_history_duration) follows the flush events too.
states = nest.Create(
    "multimeter", params={"interval": 1.0, "record_from": ["V_m", "learning_signal", "eprop_history_duration"]}
)
output = nest.Create(
    "multimeter", params={"interval": 1.0, "record_from": ["readout_signal", "error_signal", "eprop_history_duration"]}
)
spikes = nest.Create("spike_recorder")
nest.Connect(states, recurrent)
nest.Connect(output, readout)
nest.Connect(recurrent, spikes)

nest.Simulate(400.0)

print("readout weights", " ".join(f"{w:.6f}" for w in nest.GetConnections(recurrent, readout).weight))
print("Adam state after learning:", nest.GetConnections(recurrent, readout).get("optimizer"))
print(spikes.n_events, "spikes")
