"""Connect and Disconnect calls that fail for one rank's targets only: every rank must raise
the same error, nothing may be half made, and the ranks must stay in step afterwards."""

import json

import nestkit.nest as nest

nest.verbosity = nest.VerbosityLevel.ERROR
report = {"rank": nest.Rank()}
# Nodes 1-2 (rank 0's block) have two receptor ports, nodes 3-4 (rank 1's block) one.
n = nest.Create("iaf_psc_exp_multisynapse", 4)
n[:2].set(tau_syn=[2.0, 3.0])
src = nest.Create("spike_generator", 4, params={"spike_times": [1.0, 2.0]})
try:
    nest.Connect(src, n, "one_to_one", syn_spec={"receptor_type": 2, "weight": 100.0})
    report["connect"] = "no error"
except nest.NESTError as e:
    report["connect"] = f"{type(e).__name__}: {e}"
report["after_failed_connect"] = nest.num_connections
# The ranks go on together: a valid call, a Disconnect that fails for node 3 (rank 1) only, a run.
nest.Connect(src, n, "one_to_one", syn_spec={"receptor_type": 1, "weight": 100.0})
try:
    nest.Disconnect(src[3], n[2], "one_to_one")
    report["disconnect"] = "no error"
except nest.NESTError as e:
    report["disconnect"] = f"{type(e).__name__}: {e}"
nest.Simulate(10.0)
report["connections"] = nest.num_connections
print("REPORT " + json.dumps(report), flush=True)
