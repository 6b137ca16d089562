"""One neuron becomes numerically unstable; whichever rank updates it, every rank must raise."""

import sys

import nestkit.nest as nest

nest.verbosity = nest.VerbosityLevel.ERROR
n = nest.Create("aeif_cond_alpha", 4)
n[3].set(I_e=1e12)
try:
    nest.Simulate(50.0)
except nest.NESTError as e:
    print(f"rank {nest.Rank()} raised: {e}", flush=True)
    nest.SyncProcesses()  # both ranks have reported before either exits (mpirun then stops the job)
    sys.exit(3)
print(f"rank {nest.Rank()} finished without error", flush=True)
