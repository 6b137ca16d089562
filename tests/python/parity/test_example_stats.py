"""The gallery's statistical comparison (nestkit.parity.example_stats) passes what agrees in
distribution and fails what does not: every kind of check is shown failing here on a made-up
pair of summaries, and the probe is run on a small script to show what it captures."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys

import pytest
from nestkit.parity import example_probe
from nestkit.parity.example_stats import CLASSES, Z, compare, failures


def section(spikes: int = 1000, v_mean: float = -65.0, v_std: float = 2.0, bernoulli: int = 500) -> dict:
    return {
        "time": 1000.0,
        "nodes": {"iaf_psc_alpha": 10, "multimeter": 1, "spike_recorder": 1},
        "recorders": [
            {"model": "spike_recorder", "n_events": spikes, "n_senders": 10},
            {
                "model": "multimeter",
                "n_events": 9990,
                "n_senders": 10,
                "columns": {"V_m": {"mean": v_mean, "std": v_std, "min": -70.0, "max": -55.0, "n": 9990}},
            },
        ],
        "connects": [
            {"rule": "all_to_all", "n": 10, "deterministic": True},
            {"rule": "pairwise_bernoulli", "n": bernoulli, "deterministic": False},
        ],
        "synapses": {"static_synapse": {"n": 10 + bernoulli, "weight_mean": 1.0, "weight_std": 0.0}},
    }


def runs(*sections: dict) -> dict:
    """One run per section, as the probe writes them."""
    return {"runs": [{"seed": i + 1, "capped_calls": 0, "sections": [s]} for i, s in enumerate(sections)]}


def five(**kwargs) -> dict:
    """Five runs whose values scatter around the given ones (spikes +-30, V_m mean +-0.05 mV)."""
    out = []
    for d in (-2, -1, 0, 1, 2):
        s = section(**kwargs)
        s["recorders"][0]["n_events"] += 15 * d
        s["recorders"][1]["columns"]["V_m"]["mean"] += 0.025 * d
        s["recorders"][1]["columns"]["V_m"]["std"] += 0.01 * d
        s["connects"][1]["n"] += 5 * d
        out.append(s)
    return runs(*out)


def failed_names(ref: dict, nk: dict, tolerance: str = "independent") -> list[str]:
    return [c.name for c in failures(compare(ref, nk, tolerance))]


def test_identical_summaries_pass():
    assert failed_names(five(), five()) == []
    assert failed_names(runs(section()), runs(section())) == []


def test_single_runs_compare_counts_with_the_poisson_bound():
    def bound(a, b):
        return Z * math.sqrt(a + b) + CLASSES["independent"].rel * max(a, b)

    assert bound(1000, 1200) == pytest.approx(247.6, abs=0.1) and bound(1000, 1300) == pytest.approx(256.8, abs=0.1)
    assert failed_names(runs(section(spikes=1000)), runs(section(spikes=1200))) == []
    assert failed_names(runs(section(spikes=1000)), runs(section(spikes=1300))) == ["s0.spike_recorder[0].n_events"]
    # One run cannot tell a trace's mean apart from noise: values need several runs.
    assert failed_names(runs(section()), runs(section(v_mean=-60.0))) == []


def test_means_over_runs_are_compared_with_their_standard_error():
    # Spike counts scatter by about 24 over the five runs: a standard error of the difference of
    # about 15, 4 of them 60, plus 5 % of the count.
    assert failed_names(five(spikes=1000), five(spikes=1100)) == []
    assert failed_names(five(spikes=1000), five(spikes=1150)) == ["s0.spike_recorder[0].n_events"]
    # A network's margin is wider, but a rate off by half still fails.
    assert failed_names(five(spikes=1000), five(spikes=1200), "network") == []
    assert failed_names(five(spikes=1000), five(spikes=1500), "network") == ["s0.spike_recorder[0].n_events"]


def test_trace_mean_and_spread_are_compared():
    # The margin of a mean is 10 % of the trace's spread (0.2 mV) plus 4 standard errors (0.1 mV).
    assert failed_names(five(), five(v_mean=-64.75)) == []
    assert failed_names(five(), five(v_mean=-64.6)) == ["s0.multimeter[1].V_m.mean"]
    assert failed_names(five(), five(v_std=2.5)) == ["s0.multimeter[1].V_m.std"]
    # The structure class compares no recorded values.
    assert failed_names(five(), five(v_mean=-60.0), "structure") == []


def test_random_connection_counts_are_compared_and_deterministic_ones_exact():
    assert failed_names(five(bernoulli=500), five(bernoulli=520)) == []
    assert failed_names(five(bernoulli=500), five(bernoulli=600)) == ["s0.connect[1] pairwise_bernoulli"]
    nk = runs(section())
    nk["runs"][0]["sections"][0]["connects"][0]["n"] = 11
    assert failed_names(runs(section()), nk) == ["r0.s0.connect[0] all_to_all"]


def test_structure_must_match_exactly():
    nk = runs(section())
    nk["runs"][0]["sections"][0]["nodes"]["iaf_psc_alpha"] = 11
    nk["runs"][0]["sections"][0]["time"] = 999.9
    assert failed_names(runs(section()), nk) == ["r0.s0.time", "r0.s0.nodes"]
    nk = runs(section())
    nk["runs"][0]["sections"].append(copy.deepcopy(section()))
    assert failed_names(runs(section()), nk) == ["r0.sections"]
    assert failed_names(runs(section()), runs(section(), section())) == ["runs"]
    nk = runs(section())
    nk["runs"][0]["sections"][0]["recorders"][1]["n_events"] = 9980  # a multimeter samples on a fixed grid
    assert failed_names(runs(section()), nk) == ["r0.s0.multimeter[1].n_events"]


def test_weights_are_compared_over_runs():
    nk = five()
    for run in nk["runs"]:
        run["sections"][0]["synapses"]["static_synapse"]["weight_mean"] = (
            1.01  # every run sets the same weights: within 1e-3
        )
    assert failed_names(five(), nk) == ["s0.static_synapse.weight.mean"]


SCRIPT = """
import nest
nest.ResetKernel()
n = nest.Create("iaf_psc_alpha", 4, params={"I_e": 400.0})
pg = nest.Create("poisson_generator", params={"rate": 5000.0})
sr = nest.Create("spike_recorder")
mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
nest.Connect(pg, n, syn_spec={"weight": 10.0})
nest.Connect(n, n, {"rule": "pairwise_bernoulli", "p": 0.5}, {"synapse_model": "stdp_synapse", "weight": 1.0})
nest.CopyModel("static_synapse", "ex", {"weight": 0.5})
nest.Connect(n[:2], n[2:], "all_to_all", "ex")
nest.Connect(n, sr)
nest.Connect(mm, n)
nest.Simulate(500.0)
nest.ResetKernel()
nest.Create("iaf_psc_exp")
nest.Simulate(50.0)
"""


def test_probe_captures_sections_connections_recorders_and_caps_simulate(tmp_path):
    script = tmp_path / "example.py"
    script.write_text(SCRIPT)
    out = tmp_path / "stats.json"
    run = subprocess.run(
        [sys.executable, example_probe.__file__, "--module", "nestkit.nest", "--out", str(out),
         "--simulate-cap", "100", "--seeds", "3,4", str(script)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    run_a, run_b = json.loads(out.read_text())["runs"]
    assert (run_a["seed"], run_b["seed"]) == (3, 4)
    assert run_a["capped_calls"] == run_b["capped_calls"] == 1
    first, second = run_a["sections"]
    assert run_b["sections"][0]["nodes"] == first["nodes"]
    assert first["time"] == pytest.approx(100.0) and second["time"] == pytest.approx(50.0)
    assert first["nodes"] == {"iaf_psc_alpha": 4, "multimeter": 1, "poisson_generator": 1, "spike_recorder": 1}
    assert second["nodes"] == {"iaf_psc_exp": 1}
    rules = [(c["rule"], c["n"], c["deterministic"]) for c in first["connects"]]
    assert rules[0] == ("all_to_all", 4, True) and rules[2:] == [("all_to_all", 4, True)] * 3
    assert rules[1][0] == "pairwise_bernoulli" and not rules[1][2] and 0 <= rules[1][1] <= 16
    spikes, samples = first["recorders"]
    assert spikes["model"] == "spike_recorder" and spikes["n_events"] > 0
    assert samples["n_events"] == 4 * 99 and samples["columns"]["V_m"]["n"] == 4 * 99
    assert -70.0 <= samples["columns"]["V_m"]["mean"] <= -55.0
    assert first["synapses"]["stdp_synapse"]["n"] == rules[1][1]
    # A syn_spec that is just a model's name counts for that model.
    assert first["synapses"]["ex"] == {"n": 4, "weight_mean": 0.5, "weight_std": 0.0}
