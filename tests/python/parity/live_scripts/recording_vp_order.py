"""Recorders' events on several virtual processes, in the order NEST reports them.

NEST keeps a recorder's events per thread and hands them out thread after thread, so with
four virtual processes a multimeter's `senders` run 4, 8, 12, ... first (node ID modulo 4 is
0), then 1, 5, 9, ...; scripts that slice the arrays by position rely on that order. Two
Simulate calls with a slice of 15 steps (min_delay 1.5 ms at 0.1 ms), a multimeter on every
neuron and one on a subset with a coarser interval, spikes from deterministic input, and a
weight_recorder on a Tsodyks synapse (one target per thread, so NEST's storage order is
unambiguous). Category A: the comparison takes the arrays in the order they come.
"""

import nest
import numpy as np

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.set(total_num_virtual_procs=4, resolution=0.1)

rng = np.random.default_rng(5)
neurons = nest.Create("iaf_psc_alpha", 10, params={"I_e": list(np.linspace(320.0, 420.0, 10))})
drive = nest.Create("spike_generator", params={"spike_times": np.round(np.sort(rng.uniform(1.0, 80.0, 40)), 1)})
nest.Connect(drive, neurons, syn_spec={"weight": 30.0, "delay": 1.5})
nest.Connect(neurons[:5], neurons[5:], "all_to_all", syn_spec={"weight": -20.0, "delay": 2.0})

every = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
some = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.7, "start": 3.0})
spikes = nest.Create("spike_recorder")
nest.Connect(every, neurons)
nest.Connect(some, neurons[2:9])
nest.Connect(neurons, spikes)

nest.Simulate(42.0)
nest.Simulate(58.0)
