"""glif_cond on the lock-step lane stepper: a node's result does not depend on its neighbours.

glif_cond's ODE system has 1 + 2 n variables for n ports, padded to the next
instantiated size; nodes of up to 8 ports share lanes with the nodes of the same
padded size (different port counts within one size: unused port slots must add
nothing to the synaptic current), larger ones take the scalar stepper. A
heterogeneous population (all five GLIF mechanism combinations, 0 to 10 ports,
spikes on several ports, DC, different parameters, hence different integration
steps and spike times) is compared bit for bit with each node simulated alone,
with one and two threads, at a fine and a coarse resolution; and the population's
result must not depend on the lane width (NESTKIT_LANES, one interpreter each).
"""

import json
import os
import subprocess
import sys

import nestkit.nest as nest
import numpy as np
import pytest

T = 100.0
# (spike_dependent_threshold, after_spike_currents, adapting_threshold): GLIF 1-5
MECHANISMS = [
    (False, False, False),
    (True, False, False),
    (False, True, False),
    (True, True, False),
    (True, True, True),
]
PORTS = [2, 0, 1, 3, 2, 5, 8, 9, 4, 6, 7, 10, 2, 1]
REC = ["ASCurrents_sum", "I", "V_m", "threshold", "threshold_spike", "threshold_voltage"]


def node_params(j):
    rng = np.random.default_rng(100 + j)
    n = PORTS[j]
    s, a, v = MECHANISMS[j % 5]
    p = {
        "spike_dependent_threshold": s,
        "after_spike_currents": a,
        "adapting_threshold": v,
        "tau_syn": [float(x) for x in np.round(rng.uniform(0.2, 5.0, n), 2)],
        "E_rev": [-85.0 if k % 3 == 1 else 0.0 for k in range(n)],
        "t_ref": [3.75, 1.0, 2.0, 0.5, 5.0][j % 5],
        "C_m": float(np.round(rng.uniform(45.0, 75.0), 1)),
    }
    if a:
        p["ASCurrents"] = [float(x) for x in np.round(rng.uniform(-3.0, 3.0, 2), 2)]
    if j % 4 == 3:
        p["V_m"] = -60.0
    return p


def spike_times(j, res):
    rng = np.random.default_rng(17 + j)
    return sorted(set(np.round(np.round(rng.uniform(1.0, T - 2.0, 40) / res) * res, 1).tolist()))


def simulate(which, res, threads):
    """Nodes `which` in one population; their traces, spike times and final state."""
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res, "local_num_threads": threads})
    pop = nest.Create("glif_cond", len(which))
    sr = nest.Create("spike_recorder")
    nest.Connect(pop, sr)
    mms = []
    for k, j in enumerate(which):
        node = pop[k : k + 1]
        node.set(node_params(j))
        for r in range(1, PORTS[j] + 1):
            sg = nest.Create("spike_generator", params={"spike_times": spike_times(7 * j + r, res)})
            nest.Connect(sg, node, syn_spec={"weight": 2.0 + r, "delay": res * r, "receptor_type": r})
        dc = nest.Create("dc_generator", params={"amplitude": 180.0 + 20.0 * j, "start": 5.0, "stop": 80.0})
        nest.Connect(dc, node, syn_spec={"delay": res})  # min_delay = res in every run
        rec = REC + [f"g_{r}" for r in range(1, PORTS[j] + 1)]
        mm = nest.Create("multimeter", params={"record_from": rec, "interval": res})
        nest.Connect(mm, node)
        mms.append((mm, rec))
    nest.Simulate(T)
    sp = sr.get("events")
    senders = np.asarray(sp["senders"])
    out = {}
    for k, j in enumerate(which):
        node = pop[k : k + 1]
        mm, rec = mms[k]
        ev = mm.get("events")
        out[j] = {key: np.asarray(ev[key]) for key in rec + ["times"]}
        out[j]["spikes"] = np.sort(np.asarray(sp["times"])[senders == node.get("global_id")])
        for key, value in node.get(["g", "dg", "ASCurrents"]).items():
            out[j]["final " + key] = np.asarray(value, dtype=float)
    return out


@pytest.mark.parametrize("res,threads", [(0.1, 1), (0.1, 2), (0.5, 1), (0.5, 2)])
def test_population_equals_each_node_alone(res, threads):
    which = list(range(len(PORTS)))
    together = simulate(which, res, threads)
    assert sum(len(together[j]["spikes"]) > 0 for j in which) > len(which) // 2, "the case should spike"
    for j in which:
        alone = simulate([j], res, 1)[j]
        assert alone.keys() == together[j].keys()
        for key, value in alone.items():
            np.testing.assert_array_equal(together[j][key], value, err_msg=f"node {j} ({PORTS[j]} ports): {key}")


SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
import test_glif_cond_lanes as t
out = t.simulate(list(range(len(t.PORTS))), 0.1, int(sys.argv[1]))
print(json.dumps({str(j): {k: [float(x).hex() for x in v] for k, v in d.items()} for j, d in out.items()}))
"""


def run_lanes(lanes, threads):
    env = dict(os.environ, NESTKIT_LANES=str(lanes))
    here = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(threads), here], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def test_same_bits_for_every_lane_width():
    reference = run_lanes(2, 1)
    for lanes, threads in [(4, 1), (8, 2)]:
        assert run_lanes(lanes, threads) == reference, f"{lanes} lanes, {threads} threads"
