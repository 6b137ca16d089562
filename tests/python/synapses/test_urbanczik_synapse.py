"""urbanczik_synapse against an independent reference of the Urbanczik-Senn rule.

The reference below is written from the equations (Urbanczik & Senn 2014, in NEST's
units and discretisation): the postsynaptic neuron's per-step prediction error is
rebuilt from its recorded dendritic potential and spikes, and the synapse's traces
and integrals are advanced spike by spike. It is checked against nestkit and against
NEST 3.10's weights (urbanczik_reference.json, written by NEST 3.10 running
tests/python/models/point_process/urbanczik_scenarios.py).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import nestkit.nest as nest
import pytest

PP = Path(__file__).parents[1] / "models" / "point_process"
sys.path.insert(0, str(PP))
import urbanczik_scenarios as scen  # noqa: E402

REFERENCE = json.loads((PP / "urbanczik_reference.json").read_text())
H = 0.1

# The neuron's defaults as NEST documents them, overridden by the scenario.
SOMA = {"g_L": 30.0, "E_L": -70.0}
DEND = {"g_L": 30.0, "C_m": 300.0, "tau_syn_ex": 3.0, "tau_syn_in": 3.0}
PHI = {"phi_max": 0.15, "rate_slope": 0.5, "beta": 1.0 / 3.0, "theta": -55.0, "g_sp": 600.0}


def prediction_errors(neuron, v_dend, post_spikes):
    """(t_j, dw_j) per step: dw = (n - phi(V*) h) h'(V*), V* the soma's steady state under the dendrite."""
    p = dict(PHI, **{k: v for k, v in neuron.items() if k in PHI})
    spikes = {round(t / H) for t in post_spikes}

    def phi(u):
        return p["phi_max"] / (1.0 + p["rate_slope"] * math.exp(p["beta"] * (p["theta"] - u)))

    def hfun(u):
        return 15.0 * p["beta"] / (1.0 + math.exp(p["beta"] * (u - p["theta"])) / p["rate_slope"])

    out = []
    for j, vd in enumerate(v_dend):
        v_star = (SOMA["E_L"] * SOMA["g_L"] + vd * p["g_sp"]) / (p["g_sp"] + SOMA["g_L"])
        n = 1.0 if (j + 1) in spikes else 0.0
        out.append(((j + 1) * H, (n - phi(v_star) * H) * hfun(v_star)))
    return out


def rule(errors, spike_times, syn):
    """The weight transmitted at each presynaptic spike."""
    w0 = syn["weight"]
    eta, tau_delta = syn.get("eta", 0.07), syn.get("tau_Delta", 100.0)
    wmin, wmax, d = syn.get("Wmin", 0.0), syn.get("Wmax", 100.0), syn["delay"]
    tau_l = DEND["C_m"] / DEND["g_L"]
    tau_s = DEND["tau_syn_ex"]
    trace_l = trace_s = pi_int = pi_exp = 0.0
    t_last = -1.0
    out = []
    for t in spike_times:
        add_exp = 0.0
        for tj, dw in errors:
            if t_last - d < tj <= t - d + 1e-9 and tj > t_last - d + 1e-9:
                u = tj + d
                val = (trace_l * math.exp((t_last - u) / tau_l) - trace_s * math.exp((t_last - u) / tau_s)) * dw
                pi_int += val
                add_exp += math.exp((u - t) / tau_delta) * val
        pi_exp = math.exp((t_last - t) / tau_delta) * pi_exp + add_exp
        w = w0 + (pi_int - pi_exp) * 15.0 * DEND["C_m"] * tau_s * eta / (DEND["g_L"] * (tau_l - tau_s))
        out.append(min(max(w, wmin), wmax))
        trace_l = trace_l * math.exp((t_last - t) / tau_l) + 1.0
        trace_s = trace_s * math.exp((t_last - t) / tau_s) + 1.0
        t_last = t
    return out


CASES = {
    "weights_dead": (scen.NEURON_DEAD, {"weight": 300.0, "delay": 1.0, "eta": 5e-6, "Wmax": 1000.0}),
    "weights_dead_clip": (
        scen.NEURON_DEAD,
        {"weight": 300.0, "delay": 3.0, "eta": 4e-4, "tau_Delta": 20.0, "Wmin": 250.0, "Wmax": 1000.0},
    ),
    "weights_fire_delay": (scen.NEURON_FIRE, {"weight": 5.0, "delay": 2.5, "eta": 2.0, "Wmax": 6.0, "Wmin": 1.0}),
}


@pytest.fixture(autouse=True)
def _reset():
    yield
    nest.ResetKernel()


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_reference_matches_nestkit_and_nest(name):
    neuron, syn = CASES[name]
    got = scen.run_weights(nest, neuron, syn, scen.PRE)
    expected = rule(prediction_errors(neuron, got["V_m.p"], got["post_spikes"]), got["times"], syn)
    assert got["weights"] == pytest.approx(expected, rel=1e-11, abs=1e-9)
    assert REFERENCE[name]["weights"] == pytest.approx(expected, rel=1e-11, abs=1e-9)
    assert got == REFERENCE[name]


def test_weight_changes_are_substantial():
    neuron, syn = CASES["weights_dead"]
    got = scen.run_weights(nest, neuron, syn, scen.PRE)
    assert got["weights"][-1] < 0.5 * syn["weight"]


def test_defaults_as_nest():
    d = nest.GetDefaults("urbanczik_synapse")
    assert (d["weight"], d["tau_Delta"], d["eta"], d["Wmin"], d["Wmax"]) == (1.0, 100.0, 0.07, 0.0, 100.0)
