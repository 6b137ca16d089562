"""E-prop flush events (eprop_iaf family): recurrent neurons that fall silent for
flush_event_send_interval send flush events through their eprop_synapse connections, which then
integrate their gradient and free the targets' e-prop history. The history length each neuron
keeps (the eprop_history_duration recordable) follows those events, so it is compared with NEST
step by step, together with the learning that must not change.

A live-parity script: run it with real PyNEST or through
``python -m nestkit.parity live --script``; every recorder's events are compared.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 1.0

rng = np.random.default_rng(3)
n_in = 6
generators = nest.Create("spike_generator", n_in)
for k, g in enumerate(generators):
    # Bursts with long silences in between: the recurrent neurons they drive fall silent too.
    bursts = [start + np.flatnonzero(rng.random(15) < 0.5) for start in (1.0, 90.0 + 5 * k, 260.0)]
    g.spike_times = np.unique(np.concatenate(bursts)) + 1.0
inputs = nest.Create("parrot_neuron", n_in)

common = {
    "C_m": 1.0,
    "E_L": 0.0,
    "V_m": 0.0,
    "V_th": 0.03,
    "t_ref": 2.0,
    "tau_m": 20.0,
    "c_reg": 0.5,
    "f_target": 10.0,
    "eprop_isi_trace_cutoff": 30.0,
    "flush_event_send_interval": 25.0,
}
recurrent = (
    nest.Create("eprop_iaf", 2, params=common)
    + nest.Create("eprop_iaf_adapt", 2, params={**common, "adapt_beta": 0.3, "adapt_tau": 50.0})
    + nest.Create("eprop_iaf_psc_delta", 1, params={**common, "V_reset": 0.0})
    + nest.Create("eprop_iaf_psc_delta_adapt", 1, params={**common, "V_reset": 0.0, "adapt_beta": 0.3})
)
recurrent[1].flush_event_send_interval = 60.0
readout = nest.Create("eprop_readout", params={"C_m": 1.0, "E_L": 0.0, "tau_m": 20.0, "eprop_isi_trace_cutoff": 30.0})
target = nest.Create("step_rate_generator")
times = np.arange(2.0, 398.0)
target.set(amplitude_times=times, amplitude_values=np.cos(times / 25.0))
window = nest.Create("step_rate_generator", params={"amplitude_times": [2.0], "amplitude_values": [1.0]})

nest.SetDefaults("eprop_synapse", {"optimizer": {"type": "gradient_descent", "eta": 0.01, "optimize_each_step": False}})
eprop = {"synapse_model": "eprop_synapse", "delay": 1.0}
all_to_all = {"rule": "all_to_all", "allow_autapses": False}
nest.Connect(generators, inputs, "one_to_one")
nest.Connect(inputs, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.05, 0.03, (6, n_in))})
nest.Connect(recurrent, recurrent, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.03, (6, 6))})
nest.Connect(recurrent, readout, all_to_all, {**eprop, "weight": rng.normal(0.0, 0.1, (1, 6))})
nest.Connect(
    readout,
    recurrent,
    all_to_all,
    {"synapse_model": "eprop_learning_signal_connection", "weight": rng.normal(0.0, 0.5, (6, 1))},
)
nest.Connect(target, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 2})
nest.Connect(window, readout, syn_spec={"synapse_model": "rate_connection_delayed", "receptor_type": 1})

states = nest.Create(
    "multimeter", params={"interval": 1.0, "record_from": ["V_m", "learning_signal", "eprop_history_duration"]}
)
output = nest.Create("multimeter", params={"interval": 1.0, "record_from": ["error_signal", "eprop_history_duration"]})
spikes = nest.Create("spike_recorder")
nest.Connect(states, recurrent)
nest.Connect(output, readout)
nest.Connect(recurrent, spikes)

nest.Simulate(400.0)

print("readout weights", " ".join(f"{w:.6f}" for w in nest.GetConnections(recurrent, readout).weight))
print(spikes.n_events, "spikes")
