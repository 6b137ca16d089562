"""A recurrent E/I network of iaf_psc_alpha neurons with long rows of plastic synapses: the
excitatory neurons are coupled all to all by power-law STDP (stdp_pl_synapse_hom, as in NEST's
HPC benchmark) and excite the inhibitory ones through stdp_synapse with exponents other than 1.

Rows of 600 and 300 plastic synapses per source exercise the blocked, side-by-side update of
these synapses over more than one block, and the firing rate gives several postsynaptic spikes
per presynaptic interval, so some synapses facilitate more than once per spike. Inhibition and the external input are drawn by NumPy from a fixed seed and
given explicitly, so the run is deterministic: spikes and the learned weights of all 540,000
plastic synapses are compared exactly (category A).
"""

import nest
import numpy as np

N_E, N_I = 600, 300
K_I = 40
J_E, J_I = 1.5, -60.0
RATE, T_SIM = 2500.0, 200.0

rng = np.random.default_rng(7)
n = N_E + N_I
i_src = rng.integers(N_E + 1, n + 1, size=n * K_I)
i_tgt = np.repeat(np.arange(1, n + 1), K_I)
v_init = rng.normal(-65.0, 4.0, n)
input_steps = [np.unique(rng.integers(1, int(T_SIM * 10), rng.poisson(RATE * T_SIM / 1000.0))) for _ in range(n)]

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.CopyModel("stdp_pl_synapse_hom", "e_plastic", {"alpha": 0.06, "lambda": 0.05, "mu": 0.4, "tau_plus": 15.0})
ei_plastic = {"synapse_model": "stdp_synapse", "weight": J_E, "delay": 1.5, "Wmax": 4.0 * J_E}
ei_plastic.update({"lambda": 0.04, "alpha": 1.1, "mu_plus": 0.4, "mu_minus": 0.6, "tau_plus": 18.0})
neurons = nest.Create("iaf_psc_alpha", n, params={"V_m": v_init, "tau_minus": 30.0})
excitatory = neurons[:N_E]
inputs = nest.Create("spike_generator", n)
for k in range(n):
    inputs[k].spike_times = np.round(input_steps[k] * 0.1, 1)
spikes = nest.Create("spike_recorder")
nest.Connect(excitatory, excitatory, "all_to_all", {"synapse_model": "e_plastic", "weight": J_E, "delay": 1.5})
nest.Connect(excitatory, neurons[N_E:], "all_to_all", ei_plastic)
ones = np.ones(len(i_src))
nest.Connect(i_src, i_tgt, "one_to_one", {"weight": J_I * ones, "delay": 1.5 * ones})
nest.Connect(inputs, neurons, "one_to_one", {"weight": 45.0})
nest.Connect(neurons, spikes)

nest.Simulate(T_SIM)

weights = np.array(nest.GetConnections(synapse_model="e_plastic").get("weight"))
print("rate", round(spikes.n_events / n / (T_SIM / 1000.0), 2), "spikes/s")
print("weights mean", round(weights.mean(), 4), "min", round(weights.min(), 4), "max", round(weights.max(), 4))
ei = np.array(nest.GetConnections(synapse_model="stdp_synapse").get("weight"))
print("E->I weights mean", round(ei.mean(), 4), "min", round(ei.min(), 4), "max", round(ei.max(), 4))
