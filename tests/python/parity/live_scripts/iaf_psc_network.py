"""Recurrent E/I networks of iaf_psc_alpha and of iaf_psc_exp neurons that record spikes only.

With nothing sampling the membrane, nestkit runs each block of neurons through all the
steps of a min-delay interval at once (and vectorises the step); this script checks that
path against NEST exactly (category A): connectivity, delays (1 to 2.5 ms), initial
potentials and the external input come from NumPy with a fixed seed, the excitatory
population shares its parameters (the uniform path) while the inhibitory one has a
different membrane time constant and threshold per neuron (the per-neuron path), and the
run is split into unequal Simulate calls.
"""

import nest
import numpy as np

N_E, N_I = 200, 50
K_E, K_I = 50, 12
J_E, J_I = 60.0, -200.0
RATE, T_SIM = 8000.0, 400.0

rng = np.random.default_rng(7)
n = N_E + N_I
e_src = rng.integers(1, N_E + 1, size=n * K_E)
e_tgt = np.repeat(np.arange(1, n + 1), K_E)
i_src = rng.integers(N_E + 1, n + 1, size=n * K_I)
i_tgt = np.repeat(np.arange(1, n + 1), K_I)
e_delay = np.round(rng.uniform(1.0, 2.5, len(e_src)), 1)
i_delay = np.round(rng.uniform(1.0, 2.5, len(i_src)), 1)
input_steps = [np.unique(rng.integers(1, int(T_SIM * 10), rng.poisson(RATE * T_SIM / 1000.0))) for _ in range(n)]

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
recorders = []
for model in ("iaf_psc_alpha", "iaf_psc_exp"):
    exc = nest.Create(model, N_E, params={"V_m": rng.normal(-65.0, 4.0, N_E), "tau_syn_ex": 0.5})
    inh = nest.Create(
        model,
        N_I,
        params={
            "V_m": rng.normal(-65.0, 4.0, N_I),
            "tau_m": rng.uniform(8.0, 14.0, N_I),
            "V_th": rng.uniform(-56.0, -54.0, N_I),
            "t_ref": 1.0,
        },
    )
    neurons = exc + inh
    first = neurons[0].global_id - 1
    inputs = nest.Create("spike_generator", n)
    for k in range(n):
        inputs[k].spike_times = np.round(input_steps[k] * 0.1, 1)
    spikes = nest.Create("spike_recorder")
    nest.Connect(e_src + first, e_tgt + first, "one_to_one", {"weight": J_E * np.ones(len(e_src)), "delay": e_delay})
    nest.Connect(i_src + first, i_tgt + first, "one_to_one", {"weight": J_I * np.ones(len(i_src)), "delay": i_delay})
    nest.Connect(inputs, neurons, "one_to_one", {"weight": J_E})
    nest.Connect(neurons, spikes)
    recorders.append((model, spikes))

for t in (123.4, 0.7, 175.9):
    nest.Simulate(t)
nest.Simulate(T_SIM - 300.0)

for model, spikes in recorders:
    print(model, "rate", round(spikes.n_events / n / (T_SIM / 1000.0), 2), "spikes/s")
