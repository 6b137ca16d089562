"""A recurrent E/I network of iaf_psc_delta neurons with plastic (stdp_synapse_hom) excitation.

Connectivity, initial potentials and the external input are drawn by NumPy from a fixed
seed and given to the simulator explicitly (arrays of sources and targets, spike
generators), so the run is deterministic: spikes and the learned weights are compared
exactly (category A). All delays are 1 ms, ten steps, so spikes of one interval reach
STDP synapses whose targets have fired since.
"""

import nest
import numpy as np

N_E, N_I = 160, 40
K_E, K_I = 40, 10
J_E, J_I = 1.0, -4.0
RATE, T_SIM = 1600.0, 300.0

rng = np.random.default_rng(2024)
n = N_E + N_I
e_src = rng.integers(1, N_E + 1, size=n * K_E)
e_tgt = np.repeat(np.arange(1, n + 1), K_E)
i_src = rng.integers(N_E + 1, n + 1, size=n * K_I)
i_tgt = np.repeat(np.arange(1, n + 1), K_I)
v_init = rng.normal(-65.0, 5.0, n)
input_steps = [np.unique(rng.integers(1, int(T_SIM * 10), rng.poisson(RATE * T_SIM / 1000.0))) for _ in range(n)]

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.CopyModel("stdp_synapse_hom", "e_syn", {"Wmax": 2.0 * J_E})
nest.CopyModel("static_synapse", "i_syn")
neurons = nest.Create("iaf_psc_delta", n, params={"V_m": v_init})
inputs = nest.Create("spike_generator", n)
for k in range(n):
    inputs[k].spike_times = np.round(input_steps[k] * 0.1, 1)
spikes = nest.Create("spike_recorder")
ones_e, ones_i = np.ones(len(e_src)), np.ones(len(i_src))
nest.Connect(e_src, e_tgt, "one_to_one", {"synapse_model": "e_syn", "weight": J_E * ones_e, "delay": ones_e})
nest.Connect(i_src, i_tgt, "one_to_one", {"synapse_model": "i_syn", "weight": J_I * ones_i, "delay": ones_i})
nest.Connect(inputs, neurons, "one_to_one", {"weight": J_E})
nest.Connect(neurons, spikes)

nest.Simulate(T_SIM)

weights = np.array(nest.GetConnections(synapse_model="e_syn").get("weight"))
print("rate", round(spikes.n_events / n / (T_SIM / 1000.0), 2), "spikes/s")
print("weights mean", round(weights.mean(), 4), "std", round(weights.std(), 4))
