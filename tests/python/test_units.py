"""nestkit.units: Quantity arithmetic and the core's dimension checks.

Plain numbers are read in NEST's default units (mV, pA, pF, nS, ms, Hz); a Quantity is
converted by the C++ core, and a quantity of the wrong dimension raises UnitError naming
the parameter.
"""

import nestkit
import numpy as np
import pytest
from nestkit import units as u
from nestkit.units import Hz, MOhm, Quantity, kHz, ms, mV, nA, nF, nS, pA, pF, s, uS


def test_scaling_between_units():
    assert (1 * mV).to(u.V) == pytest.approx(1e-3)
    assert (1 * u.V).to(mV) == pytest.approx(1e3)
    assert (1 * nA).to(pA) == pytest.approx(1e3)
    assert (250 * pF).to(nF) == pytest.approx(0.25)
    assert (2 * s).to(ms) == pytest.approx(2000.0)
    assert (1 * kHz).to(Hz) == pytest.approx(1000.0)
    assert (1 * uS).to(nS) == pytest.approx(1000.0)
    assert (5 * u.us).to(ms) == pytest.approx(5e-3)


def test_arithmetic_keeps_dimensions():
    assert 5 * mV + 3 * mV == 8 * mV
    assert 5 * mV - 3 * mV == 2 * mV
    assert -(2 * ms) == -2 * ms
    assert 2 * ms * 3 == 6 * ms
    assert 3 * (2 * ms) == 6 * ms
    assert (10 * mV) / 2 == 5 * mV
    assert float((10 * mV) / (2 * mV)) == pytest.approx(5.0)
    assert (1 * u.V) + (1 * mV) == 1.001 * u.V


def test_derived_dimensions():
    # Ohm's law: 1 MOhm * 1 nA = 1 mV
    assert (1 * MOhm * (1 * nA)).to(mV) == pytest.approx(1.0)
    # tau = R C: 40 MOhm * 250 pF = 10 ms
    assert (40 * MOhm * (250 * pF)).to(ms) == pytest.approx(10.0)
    # Q = C V has the dimension of current * time
    assert (250 * pF * (1 * mV)) == (250 * pA) * (1 * ms)
    # frequency is inverse time
    assert (1 / (1 * ms)).to(kHz) == pytest.approx(1.0)
    assert (2 * ms) ** 2 == 4 * ms * ms
    assert (1 * u.A / (1 * u.V)).to(u.S) == pytest.approx(1.0)


def test_dimension_mismatch_in_arithmetic_and_conversion():
    with pytest.raises(TypeError):
        _ = 1 * mV + 1 * ms
    with pytest.raises(TypeError):
        _ = 1 * mV - 1 * pA
    with pytest.raises(TypeError):
        (1 * mV).to(ms)
    with pytest.raises(TypeError):
        float(1 * mV)
    assert (1 * mV) != (1 * ms)


def test_array_quantities():
    q = np.array([1.0, 2.0, 3.0]) * mV
    assert isinstance(q, Quantity)
    np.testing.assert_allclose(q.to(u.V), [1e-3, 2e-3, 3e-3])
    np.testing.assert_allclose((q + 1 * mV).to(mV), [2.0, 3.0, 4.0])


def test_quantity_parameters_are_converted(nest):
    n = nest.Create(
        "iaf_psc_alpha",
        params={"C_m": 0.5 * nF, "tau_m": 0.02 * s, "I_e": 0.2 * nA, "V_th": -50 * mV, "t_ref": 3000 * u.us},
    )
    got = n.get(["C_m", "tau_m", "I_e", "V_th", "t_ref"])
    expected = {"C_m": 500.0, "tau_m": 20.0, "I_e": 200.0, "V_th": -50.0, "t_ref": 3.0}
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-12), k


def test_set_with_quantities(nest):
    n = nest.Create("iaf_psc_alpha", 3)
    n.set(V_m=-0.065 * u.V)
    assert n.get("V_m") == pytest.approx((-65.0,) * 3)
    n.set(V_m=np.array([-60.0, -61.0, -62.0]) * mV)
    assert n.get("V_m") == pytest.approx((-60.0, -61.0, -62.0))
    nest.SetDefaults("iaf_psc_alpha", {"tau_syn_ex": 500 * u.us})
    assert nest.GetDefaults("iaf_psc_alpha", "tau_syn_ex") == pytest.approx(0.5)
    pg = nest.Create("poisson_generator", params={"rate": 2 * kHz})
    assert pg.get("rate") == pytest.approx(2000.0)


@pytest.mark.parametrize(
    "param, value",
    [("I_e", 5 * mV), ("C_m", 5 * ms), ("tau_m", 10 * mV), ("V_th", 1 * pA), ("t_ref", 2 * Hz)],
)
def test_wrong_dimension_names_the_parameter(nest, param, value):
    with pytest.raises(nestkit.UnitError, match=param):
        nest.Create("iaf_psc_alpha", params={param: value})
    assert nest.GetKernelStatus("network_size") == 0
    n = nest.Create("iaf_psc_alpha")
    before = n.get(param)
    with pytest.raises(nestkit.UnitError, match=param):
        n.set({param: value})
    assert n.get(param) == before
    with pytest.raises(nestkit.UnitError, match=param):
        nest.SetDefaults("iaf_psc_alpha", {param: value})
    assert nest.GetDefaults("iaf_psc_alpha", param) == before


def test_unit_error_is_a_nest_error_and_type_error(nest):
    with pytest.raises(nestkit.NESTError):
        nest.Create("iaf_psc_alpha", params={"I_e": 5 * mV})
    with pytest.raises(TypeError):
        nest.Create("iaf_psc_alpha", params={"I_e": 5 * mV})


def test_delay_with_unit_equals_plain_delay(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a[0], b, syn_spec={"delay": 2 * ms})
    nest.Connect(a[1], b, syn_spec={"delay": 2.0})
    with_unit = nest.GetConnections(a[0]).get("delay")
    plain = nest.GetConnections(a[1]).get("delay")
    assert with_unit == plain == [2.0, 2.0]
    nest.Connect(a, b, "one_to_one", {"delay": np.array([1.5, 2.5]) * ms})
    d = nest.GetConnections(a, b).get(["source", "target", "delay"])
    per_pair = {}
    for src, tgt, dl in zip(d["source"], d["target"], d["delay"]):
        per_pair.setdefault((src, tgt), []).append(dl)
    (a0, a1), (b0, b1) = a.tolist(), b.tolist()
    assert sorted(per_pair[(a0, b0)]) == pytest.approx([1.5, 2.0])
    assert sorted(per_pair[(a1, b1)]) == pytest.approx([2.0, 2.5])
    assert per_pair[(a0, b1)] == pytest.approx([2.0])


def test_delay_with_wrong_dimension(nest):
    a = nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(nestkit.UnitError, match="delay"):
        nest.Connect(a, a, syn_spec={"delay": 2 * mV})
    assert nest.GetKernelStatus("num_connections") == 0


def test_resolution_with_unit(nest):
    nest.SetKernelStatus({"resolution": 0.2 * ms})
    assert nest.GetKernelStatus("resolution") == pytest.approx(0.2)
    with pytest.raises(nestkit.UnitError, match="resolution"):
        nest.SetKernelStatus({"resolution": 0.1 * mV})
    assert nest.GetKernelStatus("resolution") == pytest.approx(0.2)


def test_spike_times_with_unit(nest):
    sg = nest.Create("spike_generator", params={"spike_times": np.array([0.001, 0.0025]) * s})
    assert list(sg.get("spike_times")) == pytest.approx([1.0, 2.5])
