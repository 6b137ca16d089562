"""cm_default: the tree solve against the Crank-Nicolson recursion and the analytic steady
state, NEST's status views, clear errors that change nothing, and thread/chunk invariance.

Parity with NEST 3.10 itself is checked by the live scripts cm_current_input.py and
cm_receptors.py (tests/python/parity/live_scripts), which scripts/test.sh runs against NEST.
"""

import nestkit.nest as nest
import numpy as np
import pytest

H = 0.1


def reset(threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": H, "local_num_threads": threads})


def record(node, keys, interval=H):
    mm = nest.Create("multimeter", params={"record_from": list(keys), "interval": interval})
    nest.Connect(mm, node)
    return mm


def coupling_matrix(comps):
    """G with (G v)_i = g_L,i v_i + sum over neighbours j of g_C (v_i - v_j), for a list of compartment dicts."""
    n = len(comps)
    g = np.zeros((n, n))
    for i, c in enumerate(comps):
        g[i, i] += c["params"]["g_L"]
        p = c["parent_idx"]
        if p >= 0:
            gc = c["params"]["g_C"]
            g[i, i] += gc
            g[p, p] += gc
            g[i, p] -= gc
            g[p, i] -= gc
    return g


# A soma with three children; child 1 has a child of its own.
BRANCHED = [
    {"parent_idx": -1, "params": {"C_m": 1.0, "g_C": 0.0, "g_L": 0.1, "e_L": -70.0, "v_comp": -60.0}},
    {"parent_idx": 0, "params": {"C_m": 0.1, "g_C": 0.1, "g_L": 0.01, "e_L": -65.0, "v_comp": -70.0}},
    {"parent_idx": 0, "params": {"C_m": 0.08, "g_C": 0.11, "g_L": 0.007, "e_L": -72.0, "v_comp": -75.0}},
    {"parent_idx": 0, "params": {"C_m": 0.2, "g_C": 0.32, "g_L": 0.022, "e_L": -55.0, "v_comp": -55.0}},
    {"parent_idx": 1, "params": {"C_m": 0.05, "g_C": 0.05, "g_L": 0.003, "e_L": -80.0, "v_comp": -80.0}},
]


def test_passive_tree_follows_crank_nicolson():
    """v_{n+1} = (C/h + G/2)^-1 [(C/h - G/2) v_n + g_L e_L + I]: the implicit scheme NEST integrates."""
    reset()
    cell = nest.Create("cm_default", params={"V_th": 100.0, "compartments": BRANCHED})
    dc = nest.Create("dc_generator", params={"amplitude": 0.2})
    nest.Connect(dc, cell, syn_spec={"receptor_type": 4, "delay": H})
    mm = record(cell, [f"v_comp{i}" for i in range(5)])
    nest.Simulate(30.0)
    ev = mm.events
    got = np.array([ev[f"v_comp{i}"] for i in range(5)]).T

    c = np.diag([b["params"]["C_m"] for b in BRANCHED]) / H
    g = coupling_matrix(BRANCHED)
    leak = np.array([b["params"]["g_L"] * b["params"]["e_L"] for b in BRANCHED])
    current = np.array([0, 0, 0, 0, 0.2])
    v = np.array([b["params"]["v_comp"] for b in BRANCHED])
    expected = []
    for step in range(len(got)):
        # The dc current is sent at step 0 with delay h: it enters from the second step on.
        rhs = (c - g / 2) @ v + leak + (current if step >= 1 else 0)
        v = np.linalg.solve(c + g / 2, rhs)
        expected.append(v)
    np.testing.assert_allclose(got, np.array(expected), rtol=1e-11, atol=1e-9)
    assert np.ptp(got[:, 4]) > 5.0  # the dynamics are not trivial


def test_two_compartments_reach_the_analytic_steady_state():
    reset()
    soma = {"C_m": 0.5, "g_L": 0.05, "e_L": -70.0, "v_comp": -70.0}
    dend = {"C_m": 0.05, "g_C": 0.02, "g_L": 0.01, "e_L": -60.0, "v_comp": -70.0}
    cell = nest.Create("cm_default", params={"V_th": 100.0})
    cell.compartments = [{"parent_idx": -1, "params": soma}, {"parent_idx": 0, "params": dend}]
    current = 0.15  # nA into the dendrite
    dc = nest.Create("dc_generator", params={"amplitude": current})
    nest.Connect(dc, cell, syn_spec={"receptor_type": 1})
    mm = record(cell, ["v_comp0", "v_comp1"], interval=100.0)
    nest.Simulate(1000.0)
    # g_L0 (e_L0 - v0) + g_C (v1 - v0) = 0 and g_L1 (e_L1 - v1) + g_C (v0 - v1) + I = 0
    a = np.array([[soma["g_L"] + dend["g_C"], -dend["g_C"]], [-dend["g_C"], dend["g_L"] + dend["g_C"]]])
    b = np.array([soma["g_L"] * soma["e_L"], dend["g_L"] * dend["e_L"] + current])
    v_ss = np.linalg.solve(a, b)
    ev = mm.events
    assert ev["v_comp0"][-1] == pytest.approx(v_ss[0], abs=1e-9)
    assert ev["v_comp1"][-1] == pytest.approx(v_ss[1], abs=1e-9)
    assert v_ss[1] - v_ss[0] > 1.0  # the dendrite sits well above the soma


def test_status_views_as_nest():
    reset()
    n = nest.Create("cm_default")
    n.compartments = [{"parent_idx": -1}, {"parent_idx": 0}]
    n.receptors = [
        {"comp_idx": 1, "receptor_type": "NMDA"},
        {"comp_idx": 0, "receptor_type": "AMPA"},
        {"comp_idx": 1, "receptor_type": "AMPA"},
    ]
    n.compartments += {"parent_idx": 1}
    assert isinstance(n.compartments, nest.Compartments)
    assert n.compartments.get_tuple() == (
        {"comp_idx": 0, "parent_idx": -1},
        {"comp_idx": 1, "parent_idx": 0},
        {"comp_idx": 2, "parent_idx": 1},
    )
    # Per compartment, receptors grouped by kind (AMPA before NMDA), indices in the order added.
    assert n.get("receptors").get_tuple() == (
        {"comp_idx": 0, "receptor_idx": 1, "receptor_type": "AMPA"},
        {"comp_idx": 1, "receptor_idx": 2, "receptor_type": "AMPA"},
        {"comp_idx": 1, "receptor_idx": 0, "receptor_type": "NMDA"},
    )
    rec = n.recordables
    assert list(rec) == sorted(rec)
    assert {"v_comp2", "m_Na_2", "h_Na_1", "n_K_0", "g_r_NMDA_0", "g_d_AMPA_2"} <= set(rec)
    assert "g_r_AMPA_0" not in rec and len(rec) == 3 * 4 + 3 * 2
    assert nest.GetDefaults("cm_default", "recordables") == []
    assert "add_compartments" not in n.get()


def test_defaults_and_copies_carry_the_structure():
    reset()
    nest.CopyModel("cm_default", "two_comp", {"compartments": [{"parent_idx": -1}, {"parent_idx": 0}]})
    a, b = nest.Create("two_comp", 2)
    assert len(a.compartments) == 2 and len(b.compartments) == 2
    assert nest.GetDefaults("cm_default", "compartments") == []
    a.receptors = {"comp_idx": 1, "receptor_type": "GABA"}
    assert len(b.receptors) == 0 and a.recordables != b.recordables


def snapshot(node):
    return node.get(["compartments", "receptors", "recordables", "V_th"])


@pytest.mark.parametrize(
    "params, error, words",
    [
        (
            {"add_compartments": [{"parent_idx": 0}, {"parent_idx": 5}]},
            nest.NESTErrors.BadProperty,
            "parent compartment 5",
        ),
        ({"add_compartments": {"parent_idx": -1}}, nest.NESTErrors.BadProperty, "second root"),
        (
            {"add_compartments": {"parent_idx": 0, "params": {"gbar_Ca": 1.0}}},
            nest.NESTErrors.UnknownParameter,
            "gbar_Na",
        ),
        ({"add_compartments": {"parent_idx": 0, "params": {"C_m": float("nan")}}}, nest.NESTErrors.BadProperty, "C_m"),
        ({"add_compartments": {"parent_idx": 0, "params": {"C_m": -1.0}}}, nest.NESTErrors.BadProperty, "C_m = -1"),
        ({"add_compartments": {"params": {}}}, nest.NESTErrors.BadProperty, "parent_idx"),
        ({"add_receptors": {"comp_idx": 2, "receptor_type": "AMPA"}}, nest.NESTErrors.BadProperty, "compartment 2"),
        ({"add_receptors": {"comp_idx": 0, "receptor_type": "AMPAR"}}, nest.NESTErrors.BadProperty, "'AMPA'"),
        (
            {"add_receptors": {"comp_idx": 0, "receptor_type": "AMPA", "params": {"e_GABA": 0.0}}},
            nest.NESTErrors.UnknownParameter,
            "e_AMPA",
        ),
        (
            {"add_receptors": {"comp_idx": 0, "receptor_type": "GABA", "params": {"tau_r_GABA": 10.0}}},
            nest.NESTErrors.BadProperty,
            "must differ",
        ),
        ({"compartments": [{"parent_idx": -1}]}, nest.NESTErrors.BadProperty, "already defined"),
        ({"V_th": -50.0, "add_compartments": "not json"}, nest.NESTErrors.BadProperty, "add_compartments"),
    ],
)
def test_bad_structure_is_a_clear_error_that_changes_nothing(params, error, words):
    reset()
    cells = nest.Create("cm_default", 2)
    cells.compartments = [{"parent_idx": -1}, {"parent_idx": 0}]
    cells.receptors = {"comp_idx": 1, "receptor_type": "AMPA"}
    before = snapshot(cells)
    with pytest.raises(error, match="cm_default") as info:
        cells.set(params)
    assert words in str(info.value)
    assert snapshot(cells) == before


def test_a_failing_node_leaves_the_others_unchanged():
    reset()
    cells = nest.Create("cm_default", 2)
    cells[0].compartments = {"parent_idx": -1}
    before = snapshot(cells)
    with pytest.raises(nest.NESTErrors.BadProperty):
        cells.set(
            [{"add_receptors": {"comp_idx": 0, "receptor_type": "GABA"}}, {"add_compartments": {"parent_idx": 0}}]
        )
    assert snapshot(cells) == before


def test_ports_and_recordables_are_checked_at_connect():
    reset()
    cell = nest.Create("cm_default")
    cell.compartments = [{"parent_idx": -1}, {"parent_idx": 0}]
    cell.receptors = [{"comp_idx": 0, "receptor_type": "AMPA"}, {"comp_idx": 1, "receptor_type": "NMDA"}]
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    with pytest.raises(nest.NESTErrors.UnknownReceptorType, match="0..1"):
        nest.Connect(sg, cell, syn_spec={"receptor_type": 2})
    dc = nest.Create("dc_generator")
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="current port"):
        nest.Connect(dc, cell, syn_spec={"receptor_type": 2})
    mm = nest.Create("multimeter", params={"record_from": ["g_r_AMPA_1"]})
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="g_r_AMPA_1"):
        nest.Connect(mm, cell)
    assert nest.GetKernelStatus("num_connections") == 0
    nest.Connect(sg, cell, syn_spec={"receptor_type": 1})
    nest.Connect(dc, cell, syn_spec={"receptor_type": 1})
    assert nest.GetKernelStatus("num_connections") == 2


def test_simulate_errors():
    reset()
    nest.Create("cm_default")
    with pytest.raises(nest.NESTErrors.KernelException, match="no compartments"):
        nest.Simulate(1.0)
    reset()
    cell = nest.Create("cm_default", params={"compartments": {"parent_idx": -1}})
    cell.receptors = {"comp_idx": 0, "receptor_type": "AMPA"}
    sg = nest.Create("spike_generator", params={"spike_times": [1.0]})
    nest.Connect(sg, cell, syn_spec={"receptor_type": 0, "weight": -1.0})
    with pytest.raises(nest.NESTErrors.KernelException, match="Synaptic weights must be positive"):
        nest.Simulate(5.0)


def spike_times_match_upward_crossings(v, times, spikes, v_th):
    crossings = [times[k] for k in range(1, len(v)) if v[k] >= v_th > v[k - 1]]
    np.testing.assert_allclose(spikes, crossings, atol=1e-9)


def network(threads, chunks):
    """Cells of different trees with every receptor kind, spike and current input, spiking onto each other."""
    reset(threads)
    active = {"gbar_Na": 40.0, "e_Na": 55.0, "gbar_K": 15.0, "e_K": -88.0, "C_m": 0.5, "g_L": 0.05}
    cells = nest.Create("cm_default", 5, params={"V_th": -30.0})
    for k, cell in enumerate(cells):
        cell.compartments = [{"parent_idx": -1, "params": active}] + [
            {"parent_idx": j // 2, "params": {"C_m": 0.05 + 0.01 * j, "g_C": 0.02}} for j in range(k + 1)
        ]
        cell.receptors = [
            {"comp_idx": (j + k) % (k + 2), "receptor_type": kind}
            for j, kind in enumerate(["AMPA", "GABA", "NMDA", "AMPA_NMDA"])
        ]
    sg = nest.Create("spike_generator", params={"spike_times": [2.0, 2.0, 7.5, 13.0, 40.0]})
    for r in range(4):
        nest.Connect(sg, cells, syn_spec={"receptor_type": r, "weight": 0.02 + 0.01 * r, "delay": 0.5 + r})
    nest.Connect(cells, cells, "all_to_all", syn_spec={"receptor_type": 3, "weight": 0.01, "delay": 1.5})
    dc = nest.Create("dc_generator", params={"amplitude": 1.0, "start": 5.0})
    nest.Connect(dc, cells, syn_spec={"receptor_type": 0})
    mm = record(cells, ["v_comp0", "v_comp1", "g_d_AN_NMDA_3", "m_Na_0"])
    sr = nest.Create("spike_recorder")
    nest.Connect(cells, sr)
    for c in chunks:
        nest.Simulate(c)
    return mm.events, sr.events


def test_threads_and_chunks_give_identical_results():
    mm1, sr1 = network(1, [60.0])
    mm2, sr2 = network(2, [60.0])
    mm3, sr3 = network(2, [13.3, 0.1, 26.6, 20.0])
    for key in mm1:
        order1, order2, order3 = (np.lexsort((m["senders"], m["times"])) for m in (mm1, mm2, mm3))
        np.testing.assert_array_equal(np.asarray(mm1[key])[order1], np.asarray(mm2[key])[order2])
        np.testing.assert_array_equal(np.asarray(mm1[key])[order1], np.asarray(mm3[key])[order3])
    for sr in (sr2, sr3):
        assert sorted(zip(sr["times"], sr["senders"])) == sorted(zip(sr1["times"], sr1["senders"]))
    assert len(sr1["times"]) > 5
    # Spikes are the root's upward crossings of V_th (no reset, no refractoriness).
    for g in set(sr1["senders"]):
        sel = mm1["senders"] == g
        spikes = np.sort(sr1["times"][sr1["senders"] == g])
        spike_times_match_upward_crossings(mm1["v_comp0"][sel], mm1["times"][sel], spikes, -30.0)
