"""The ODE models' lock-step stepper gives the same numbers at every lane width.

The lane width (2, 4 or 8 neurons per vector, chosen from the CPU once per process)
can be capped with NESTKIT_LANES; each width runs in its own interpreter. A recurrent
network of AdEx, Hodgkin-Huxley and conductance-based IAF neurons with spread drives (so that lanes take
different step sequences and swap neurons at different times) must give bit-identical
spikes and membrane traces for every width and for 1 and 2 threads.
"""

import json
import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, sys
import nestkit
import nestkit.nest as nest

threads = int(sys.argv[1])
nest.ResetKernel()
nest.SetKernelStatus({"rng_seed": 7, "local_num_threads": threads})
out = {}
# (model, base drive in pA, weight scale: aeif_psc_delta's weights are voltage jumps in mV)
models = (
    ("aeif_cond_alpha", 520.0, 1.0),
    ("hh_psc_alpha", 700.0, 1.0),
    ("iaf_cond_exp", 420.0, 1.0),
    ("aeif_psc_delta", 520.0, 0.05),
)
for model, dc, scale in models:
    n = nest.Create(model, 23, params={"I_e": [dc + 11.0 * i for i in range(23)]})
    pg = nest.Create("poisson_generator", params={"rate": 3000.0})
    nest.Connect(pg, n, syn_spec={"weight": 30.0 * scale})
    nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 4},
                 {"weight": nest.random.uniform(-40.0 * scale, 40.0 * scale), "delay": 1.5})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    out[model] = (sr, mm)
# iaf_psc_alpha without a multimeter: its blocked, vectorised update (AVX2 or baseline
# loops, chosen like the lane width) and the bulk Philox Poisson draws.
n = nest.Create("iaf_psc_alpha", 300, params={"tau_syn_ex": 0.5, "I_e": [300.0 + i for i in range(300)]})
pg = nest.Create("poisson_generator", params={"rate": 9000.0})
nest.Connect(pg, n, syn_spec={"weight": 40.0})
nest.Connect(n, n, {"rule": "fixed_indegree", "indegree": 20},
             {"weight": nest.random.uniform(-60.0, 40.0), "delay": 1.5})
sr = nest.Create("spike_recorder")
nest.Connect(n, sr)
out["iaf_psc_alpha"] = (sr, None)
nest.Simulate(120.0)
res = {}
for model, (sr, mm) in out.items():
    ev = sr.get("events")
    res[model] = {
        "senders": [int(s) for s in ev["senders"]],
        "times": [float(t) for t in ev["times"]],
        "V_m": [float(v).hex() for v in mm.get("events")["V_m"]] if mm else [],
    }
print(json.dumps({"lane_width": nestkit.ode_lane_width(), "results": res}))
"""


def run(lanes, threads):
    """Runs the network under NESTKIT_LANES=lanes (None: unset); (lane width, results)."""
    env = dict(os.environ)
    env.pop("NESTKIT_LANES", None)
    if lanes is not None:
        env["NESTKIT_LANES"] = str(lanes)
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(threads)], env=env, capture_output=True, text=True, check=True
    )
    out = json.loads(proc.stdout)
    return out["lane_width"], out["results"]


@pytest.fixture(scope="module")
def native_width():
    return run(None, 1)[0]


@pytest.fixture(scope="module")
def reference():
    width, results = run(2, 1)
    assert width == 2
    return results


def test_native_width_is_a_supported_width(native_width):
    assert native_width in (2, 4, 8)


def test_network_fires(reference):
    for model in ("aeif_cond_alpha", "hh_psc_alpha", "iaf_cond_exp", "aeif_psc_delta", "iaf_psc_alpha"):
        assert len(reference[model]["times"]) > 100, model


@pytest.mark.parametrize("lanes,threads", [(4, 1), (8, 1), (8, 2), (2, 2)])
def test_same_bits_for_every_lane_width(reference, native_width, lanes, threads):
    width, results = run(lanes, threads)
    # The cap took effect (on a CPU without AVX2 every width is 2 and this compares 2 with 2).
    assert width == min(lanes, native_width)
    assert results == reference
