"""Random parameter objects: initial membrane potentials, drives, weights and delays
drawn from nest.random distributions and combined by arithmetic. The draws differ
from NEST's by design, so the live comparison runs over seeds and compares the rates
(category D)."""
# nestkit-live: --category D --seeds 21 22 23 24 25 --statistics rate_per_sender

import argparse

import nest

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--seed", type=int, default=21)
args = parser.parse_args()

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.rng_seed = args.seed

neurons = nest.Create("iaf_psc_alpha", 200, params={"V_m": nest.random.uniform(-70.0, -55.0)})
neurons.I_e = 300.0 + nest.random.normal(mean=50.0, std=20.0)
neurons.tau_m = nest.math.max(nest.random.lognormal(mean=2.9, std=0.2), 5.0)
nest.Connect(
    neurons,
    neurons,
    {"rule": "pairwise_bernoulli", "p": 0.05},
    {
        "weight": nest.math.min(nest.random.normal(mean=-40.0, std=10.0), -1.0),
        "delay": 1.0 + nest.random.exponential(beta=1.0),
    },
)
spikes = nest.Create("spike_recorder", params={"start": 100.0})
nest.Connect(neurons, spikes)
nest.Simulate(600.0)
print(f"seed {args.seed}: rate {spikes.n_events / 200 / 0.5:.2f} spikes/s")
