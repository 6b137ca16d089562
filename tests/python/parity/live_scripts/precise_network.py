"""A recurrent network of precise-timing neurons driven by off-grid spikes.

Checks nestkit's _ps models against NEST exactly (category A): every input interval's
propagators, the threshold search and the offsets the spikes carry. Input times come
from NumPy with a fixed seed (spike_generator with precise_times), so nothing random
differs between the two simulators. Four populations: iaf_psc_alpha_ps with equal and
with different excitatory and inhibitory time constants, iaf_psc_exp_ps with different
ones and iaf_psc_exp_ps_lossless; the membrane time constants have inexact inverses
(1/20, 1/7, 1/15), where NEST's products with inverses and quotients differ. A fifth
population of iaf_psc_delta_ps has inputs of its own.
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
exp_ps = nest.Create(
    "iaf_psc_exp_ps", N // 2, params={"tau_m": 15.0, "tau_syn_ex": 0.7, "tau_syn_in": 2.5, "C_m": 220.0, "I_e": 40.0}
)
lossless = nest.Create(
    "iaf_psc_exp_ps_lossless", N // 2, params={"tau_m": 20.0, "tau_syn_ex": 1.5, "tau_syn_in": 1.5, "t_ref": 2.0}
)
neurons = same + mixed + exp_ps + lossless
N = len(neurons)
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

# iaf_psc_delta_ps (inputs are jumps in mV): a population of its own with its own inputs,
# some arriving at equal offsets (they act together) and during refractoriness (lost).
delta = nest.Create("iaf_psc_delta_ps", N // 4, params={"tau_m": 15.0, "t_ref": 1.0, "I_e": 150.0})
delta.V_m = list(rng.uniform(-70.0, -56.0, len(delta)))
for i, gen in enumerate(nest.Create("spike_generator", len(delta), params={"precise_times": True})):
    times = np.round(np.sort(rng.uniform(0.5, T_SIM, int(1.5 * T_SIM))), 4)
    gen.spike_times = list(times)
    nest.Connect(gen, delta[i], syn_spec={"weight": 1.2, "delay": 1.0})
    nest.Connect(gen, delta[(i + 1) % len(delta)], syn_spec={"weight": -0.8, "delay": 1.0})
for target, sources_of_target in enumerate(rng.integers(0, len(delta), (len(delta), 6))):
    for source in sources_of_target:
        nest.Connect(delta[int(source)], delta[target], syn_spec={"weight": 0.6, "delay": 1.5})

spikes = nest.Create("spike_recorder")
nest.Connect(delta, spikes)
nest.Connect(neurons, spikes)
multimeter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
nest.Connect(multimeter, neurons[::7])
nest.Connect(multimeter, delta[::3])
currents = nest.Create("multimeter", params={"record_from": ["I_syn_ex", "I_syn_in"], "interval": 0.5})
for population in (same, mixed, lossless):
    nest.Connect(currents, population[::5])

nest.Simulate(120.0)
nest.Simulate(T_SIM - 120.0)
print(f"{spikes.n_events} spikes")
