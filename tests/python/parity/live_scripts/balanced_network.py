"""A small balanced network of iaf_psc_delta neurons with Poisson drive.

Random connectivity and input make single spikes incomparable, so the live
comparison runs it over several seeds and compares the mean firing rate and
the irregularity of the excitatory population (category D).
"""
# nestkit-live: --category D --seeds 11 12 13 14 15 --statistics rate_per_sender cv_isi

import argparse

import nest

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--seed", type=int, default=1234)
args = parser.parse_args()

N_EX, N_IN = 320, 80
C_EX, C_IN = 32, 8
J_EX, G = 0.5, 6.0
DELAY = 1.5

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.rng_seed = args.seed
nest.resolution = 0.1

params = {"C_m": 250.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 10.0, "V_th": 20.0, "V_m": 0.0}
excitatory = nest.Create("iaf_psc_delta", N_EX, params=params)
inhibitory = nest.Create("iaf_psc_delta", N_IN, params=params)
everyone = excitatory + inhibitory
everyone.V_m = nest.random.uniform(0.0, 20.0)

# External drive at 1.3 times the rate that alone reaches threshold; inhibition dominates (g = 6).
noise = nest.Create("poisson_generator", params={"rate": 2600.0})
spikes = nest.Create("spike_recorder", params={"start": 100.0})

nest.Connect(noise, everyone, syn_spec={"weight": J_EX, "delay": DELAY})
nest.Connect(excitatory, everyone, {"rule": "fixed_indegree", "indegree": C_EX}, {"weight": J_EX, "delay": DELAY})
nest.Connect(inhibitory, everyone, {"rule": "fixed_indegree", "indegree": C_IN}, {"weight": -G * J_EX, "delay": DELAY})
nest.Connect(excitatory, spikes)

nest.Simulate(600.0)
rate = spikes.n_events / N_EX / 0.5
print(f"seed {args.seed}: excitatory rate {rate:.2f} spikes/s")
