"""A chunk's thread shares run on the OpenMP team or one after another on one thread
(ThreadTeamChoice, chosen by timing; NESTKIT_THREAD_TEAM=team|serial fixes it): the results
are the same bit for bit either way, and for any thread count."""

import json
import os
import subprocess
import sys

NETWORK = """
import json, sys
import nestkit.nest as nest
nest.ResetKernel()
nest.SetKernelStatus({"local_num_threads": int(sys.argv[1]), "rng_seed": 5})
n = nest.Create("iaf_psc_alpha", 40)
pg = nest.Create("poisson_generator", params={"rate": 9000.0})
sr = nest.Create("spike_recorder")
mm = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5})
wr = nest.Create("weight_recorder")
nest.CopyModel("stdp_synapse", "plastic", {"weight_recorder": wr})
nest.Connect(pg, n, syn_spec={"weight": 12.0})
nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 8},
             {"synapse_model": "plastic", "weight": nest.random.uniform(5.0, 40.0),
              "delay": nest.random.uniform(1.0, 3.0)})
nest.Connect(mm, n[:4])
nest.Connect(n, sr)
# Rate units: delayed rate connections travel as secondary events.
r = nest.Create("lin_rate_ipn", 6, params={"sigma": 0.5, "mu": 1.0})
nest.Connect(r, r, {"rule": "fixed_indegree", "indegree": 3},
             {"synapse_model": "rate_connection_delayed", "weight": 0.2, "delay": 2.0})
rm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": 1.0})
nest.Connect(rm, r)
for t in (7.3, 20.0, 0.1, 42.6):
    nest.Simulate(t)
ev = sr.get("events")
out = {
    "spikes": sorted(zip(ev["senders"].tolist(), ev["times"].tolist())),
    "mm": {k: v.tolist() for k, v in mm.get("events").items()},
    "rates": {k: v.tolist() for k, v in rm.get("events").items()},
    "weights": nest.GetConnections(synapse_model="plastic").get("weight"),
    "weight_events": {k: v.tolist() for k, v in wr.get("events").items()},
}
print(json.dumps(out))
"""


def run(mode: str, threads: int) -> dict:
    env = {**os.environ, "NESTKIT_THREAD_TEAM": mode}
    done = subprocess.run(
        [sys.executable, "-c", NETWORK, str(threads)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_team_serial_and_measured_choice_give_identical_results():
    reference = run("team", 2)
    assert len(reference["spikes"]) > 50 and len(reference["weight_events"]["weights"]) > 50
    for mode, threads in (("serial", 2), ("auto", 2), ("serial", 3), ("team", 3), ("team", 1)):
        assert run(mode, threads) == reference, (mode, threads)
