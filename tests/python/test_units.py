"""Units: nestkit.units (pint), and quantities of pint, quantities and brainunit.

Plain numbers are read in NEST's default units (mV, pA, pF, nS, ms, Hz); a quantity is
read by the bindings as SI magnitude and dimension and converted by the C++ core, and a
quantity of the wrong dimension raises UnitError naming the parameter.
"""

import brainunit as bu
import nestkit
import numpy as np
import pint
import pytest
import quantities as pq
from nestkit import units as u
from nestkit.units import Hz, MOhm, kHz, ms, mV, nA, nF, nS, pA, pF, s, uS


def test_unit_names_scale_as_their_symbols_say():
    assert (1 * mV).m_as(u.V) == pytest.approx(1e-3)
    assert (1 * u.V).m_as(mV) == pytest.approx(1e3)
    assert (1 * nA).m_as(pA) == pytest.approx(1e3)
    assert (250 * pF).m_as(nF) == pytest.approx(0.25)
    assert (2 * s).m_as(ms) == pytest.approx(2000.0)
    assert (1 * kHz).m_as(Hz) == pytest.approx(1000.0)
    assert (1 * uS).m_as(nS) == pytest.approx(1000.0)
    assert (5 * u.us).m_as(ms) == pytest.approx(5e-3)
    assert (1 * u.GOhm).m_as(MOhm) == pytest.approx(1e3)


def test_derived_dimensions():
    # Ohm's law: 1 MOhm * 1 nA = 1 mV; tau = R C: 40 MOhm * 250 pF = 10 ms
    assert (1 * MOhm * (1 * nA)).m_as(mV) == pytest.approx(1.0)
    assert (40 * MOhm * (250 * pF)).m_as(ms) == pytest.approx(10.0)
    assert (1 / (1 * ms)).m_as(kHz) == pytest.approx(1.0)
    with pytest.raises(TypeError):
        _ = 1 * mV + 1 * ms


def test_nestkit_units_share_pints_application_registry():
    # A script's own pint quantities combine with nestkit's.
    assert (pint.Quantity(2.0, "mV") + 3 * mV).m_as(mV) == pytest.approx(5.0)
    assert u.Quantity is pint.get_application_registry().Quantity


# The same physical values in each library nestkit reads.
LIBRARIES = {
    "pint": {
        "C_m": pint.Quantity(0.5, "nF"),
        "tau_m": pint.Quantity(0.02, "s"),
        "I_e": pint.Quantity(0.2, "nA"),
        "V_th": pint.Quantity(-50.0, "mV"),
        "t_ref": pint.Quantity(3000.0, "us"),
        "bad": pint.Quantity(5.0, "ms"),
        "delay": pint.Quantity(np.array([1.5, 2.5]), "ms"),
        "rate": pint.Quantity(2.0, "kHz"),
        "kelvin": pint.Quantity(300.0, "K"),
        "one_ms": pint.Quantity(1.0, "ms"),
        "minute": pint.Quantity(1.0, "minute"),
    },
    "quantities": {
        "C_m": 0.5 * pq.nF,
        "tau_m": 0.02 * pq.s,
        "I_e": 0.2 * pq.nA,
        "V_th": -50.0 * pq.mV,
        "t_ref": 3000.0 * pq.us,
        "bad": 5.0 * pq.ms,
        "delay": np.array([1.5, 2.5]) * pq.ms,
        "rate": 2.0 * pq.kHz,
        "kelvin": 300.0 * pq.K,
        "one_ms": 1.0 * pq.ms,
        "minute": 1.0 * pq.minute,
    },
    "brainunit": {
        "C_m": 0.5 * bu.nfarad,
        "tau_m": 0.02 * bu.second,
        "I_e": 0.2 * bu.nA,
        "V_th": -50.0 * bu.mV,
        "t_ref": 3000.0 * bu.usecond,
        "bad": 5.0 * bu.ms,
        "delay": np.array([1.5, 2.5]) * bu.ms,
        "rate": 2.0 * bu.kHz,
        "kelvin": 300.0 * bu.kelvin,
        "one_ms": 1.0 * bu.ms,
        "minute": 1.0 * bu.minute,
    },
    "nestkit.units": {
        "C_m": 0.5 * nF,
        "tau_m": 0.02 * s,
        "I_e": 0.2 * nA,
        "V_th": -50 * mV,
        "t_ref": 3000 * u.us,
        "bad": 5 * ms,
        "delay": np.array([1.5, 2.5]) * ms,
        "rate": 2 * kHz,
        "kelvin": pint.Quantity(300.0, "K"),
        "one_ms": 1 * ms,
        "minute": pint.Quantity(1.0, "minute"),
    },
}


@pytest.fixture(params=sorted(LIBRARIES))
def q(request):
    return LIBRARIES[request.param]


def test_each_library_converts_parameters(nest, q):
    n = nest.Create("iaf_psc_alpha", params={k: q[k] for k in ("C_m", "tau_m", "I_e", "V_th", "t_ref")})
    got = n.get(["C_m", "tau_m", "I_e", "V_th", "t_ref"])
    expected = {"C_m": 500.0, "tau_m": 20.0, "I_e": 200.0, "V_th": -50.0, "t_ref": 3.0}
    for k, v in expected.items():
        assert got[k] == pytest.approx(v, rel=1e-12), k
    pg = nest.Create("poisson_generator", params={"rate": q["rate"]})
    assert pg.get("rate") == pytest.approx(2000.0)


def test_each_library_wrong_dimension_names_the_parameter(nest, q):
    with pytest.raises(nestkit.UnitError, match="C_m"):
        nest.Create("iaf_psc_alpha", params={"C_m": q["bad"]})
    assert nest.GetKernelStatus("network_size") == 0


def test_each_library_base_dimensions_nest_never_uses_are_refused(nest, q):
    n = nest.Create("iaf_psc_alpha")
    with pytest.raises(nestkit.UnitError, match="temperature|K"):
        n.set(V_m=q["kelvin"])
    assert n.get("V_m") == -70.0


def test_each_library_array_delays_and_time(nest, q):
    a = nest.Create("iaf_psc_alpha", 2)
    b = nest.Create("iaf_psc_alpha", 2)
    nest.Connect(a, b, "one_to_one", {"delay": q["delay"]})
    assert sorted(nest.GetConnections(a, b).get("delay")) == pytest.approx([1.5, 2.5])
    nest.Simulate(q["one_ms"])
    assert nest.biological_time == pytest.approx(1.0)
    nest.Simulate(q["minute"])
    assert nest.biological_time == pytest.approx(60001.0)
    with pytest.raises(nestkit.UnitError, match="Simulate"):
        nest.Simulate(q["C_m"])
    assert nest.biological_time == pytest.approx(60001.0)


def test_native_simulate_takes_a_time_quantity(q):
    sim = nestkit.Simulator()
    sim.simulate(q["one_ms"])
    with pytest.raises(nestkit.UnitError, match="simulate"):
        sim.simulate(q["I_e"])


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
