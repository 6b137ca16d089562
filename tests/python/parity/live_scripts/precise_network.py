"""Recurrent networks of precise-timing neurons (iaf_psc_alpha_ps) driven by off-grid spikes.

Checks nestkit's _ps models against NEST exactly (category A): every input interval's
propagators, the threshold search and the offsets the spikes carry. Input times come
from NumPy with a fixed seed (spike_generator with precise_times), so nothing random
differs between the two simulators. One population has equal excitatory and inhibitory
synaptic time constants, the other different ones; the membrane time constants have
inexact inverses (1/20, 1/7), where NEST's products with inverses and quotients differ.
"""

import nest
import numpy as np

N, K, T_SIM = 60, 12, 300.0
rng = np.random.default_rng(11)

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.1

same = nest.Create(
    "iaf_psc_alpha_ps", N // 2, params={"tau_m": 20.0, "tau_syn_ex": 0.5, "tau_syn_in": 0.5, "t_ref": 2.0}
)
mixed = nest.Create(
    "iaf_psc_alpha_ps",
    N // 2,
    params={"tau_m": 7.0, "tau_syn_ex": 0.3, "tau_syn_in": 3.0, "C_m": 180.0, "t_ref": 1.5, "I_e": 60.0},
)
neurons = same + mixed
neurons.V_m = list(rng.uniform(-70.0, -56.0, N))

# Each neuron has its own generator of off-grid input times (3 kHz).
generators = nest.Create("spike_generator", N, params={"precise_times": True})
for gen in generators:
    times = np.sort(rng.uniform(0.5, T_SIM, int(3.0 * T_SIM)))
    gen.spike_times = list(np.round(times, 6))
nest.Connect(generators, neurons, "one_to_one", {"weight": 220.0, "delay": 1.0})

# Recurrent connections: K per neuron, a fifth of them inhibitory, delays on and off the
# min-delay grid.
sources = rng.integers(0, N, (N, K))
weights = np.where(rng.random((N, K)) < 0.2, -260.0, 70.0)
delays = np.round(rng.uniform(1.0, 2.5, (N, K)), 1)
for target in range(N):
    for k in range(K):
        nest.Connect(
            neurons[int(sources[target, k])],
            neurons[target],
            syn_spec={"weight": float(weights[target, k]), "delay": float(delays[target, k])},
        )

spikes = nest.Create("spike_recorder")
nest.Connect(neurons, spikes)
multimeter = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex", "I_syn_in"], "interval": 0.5})
nest.Connect(multimeter, neurons[::7])

nest.Simulate(120.0)
nest.Simulate(T_SIM - 120.0)
print(f"{spikes.n_events} spikes")
