"""A small network of AdEx neurons and astrocytes wired by TripartiteConnect.

Neurons drive astrocytes (IP3, calcium) through the same spikes that drive other
neurons; astrocytes feed slow inward currents back. Random wiring and input make
single spikes incomparable, so the live comparison runs over several seeds and
compares the neurons' rate and irregularity and the astrocytes' calcium, IP3 and
slow-current statistics (category D).
"""
# nestkit-live: --category D --seeds 21 22 23 24 25 --statistics rate_per_sender cv_isi trace_mean trace_std

import argparse

import nest

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--seed", type=int, default=1234)
args = parser.parse_args()

N_EX, N_IN, N_ASTRO = 160, 40, 200

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.rng_seed = args.seed
nest.resolution = 0.1

cell = {"tau_syn_ex": 2.0, "tau_syn_in": 4.0}
excitatory = nest.Create("aeif_cond_alpha_astro", N_EX, params=cell)
inhibitory = nest.Create("aeif_cond_alpha_astro", N_IN, params=cell)
astrocytes = nest.Create("astrocyte_lr_1994", N_ASTRO, params={"IP3": 0.4, "delta_IP3": 0.05})
neurons = excitatory + inhibitory

noise = nest.Create("poisson_generator", params={"rate": 2000.0})
nest.Connect(noise, neurons, syn_spec={"weight": 1.0})
third = {"rule": "third_factor_bernoulli_with_pool", "p": 0.5, "pool_size": 10, "pool_type": "random"}
for pre, p, weight in ((excitatory, 0.1, 1.0), (inhibitory, 0.1, -4.0)):
    nest.TripartiteConnect(
        pre,
        neurons,
        astrocytes,
        {"rule": "pairwise_bernoulli", "p": p},
        third,
        {
            "primary": {"synapse_model": "tsodyks_synapse", "weight": weight, "delay": 1.5},
            "third_in": {"synapse_model": "tsodyks_synapse", "weight": abs(weight), "delay": 1.5},
            "third_out": {"synapse_model": "sic_connection", "weight": 0.5},
        },
    )

spikes = nest.Create("spike_recorder")
calcium = nest.Create("multimeter", params={"record_from": ["Ca_astro", "IP3"], "interval": 10.0})
sic = nest.Create("multimeter", params={"record_from": ["I_SIC"], "interval": 10.0})
nest.Connect(excitatory, spikes)
nest.Connect(calcium, astrocytes)
nest.Connect(sic, excitatory)

nest.Simulate(1000.0)
print(f"seed {args.seed}: excitatory rate {spikes.n_events / N_EX:.2f} spikes/s")
