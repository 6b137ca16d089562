"""Non-finite parameter values (issue 18): every float parameter of every model.

NEST 3.10 accepts NaN and infinities silently (``V_th=nan``, ``I_e=inf``); nestkit
rejects them with ``BadProperty`` naming the model and the parameter, and leaves the
value unchanged. Documented exceptions: a parameter whose default is non-finite
(``stop``/``Tstop`` = inf, ``V_min`` = -inf, unset sentinels = nan) takes that same
value, and ``V_th`` = +inf (a neuron that never fires) is accepted.
"""

import math

import nestkit
import nestkit._core as core
import nestkit.nest as nest
import pytest

MODELS = sorted(m["name"] for m in core.builtin_models())
BAD = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _float_params(model):
    return [p for p in core.model_schema(model) if p["role"] != "read-only" and isinstance(p["default"], float)]


def _accepted(param, value):
    d = param["default"]
    if not math.isfinite(d):
        if math.isnan(d) and math.isnan(value):
            return True
        if d == value:
            return True
    return param["name"] == "V_th" and value == math.inf


def _same(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return repr(a) == repr(b)


@pytest.mark.parametrize("model", MODELS)
def test_every_float_parameter_rejects_nonfinite(model):
    nest.ResetKernel()
    node = nest.Create(model)
    params = _float_params(model)
    checked = 0
    for p in params:
        name = p["name"]
        for label, value in BAD.items():
            before = node.get()
            if _accepted(p, value):
                # Documented acceptance, unless the model's own checks refuse it
                # (aeif: V_peak >= V_th; correlation detectors: delta_tau > 0).
                try:
                    node.set({name: value})
                except nestkit.BadProperty as err:
                    assert model in str(err), str(err)
                else:
                    assert _same(node.get(name), value), (model, name, label)
                    node.set({name: before[name]})
                    continue
            else:
                with pytest.raises(nestkit.BadProperty) as err:
                    node.set({name: value})
                msg = str(err.value)
                assert model in msg and name in msg, msg
            after = node.get()
            assert all(_same(after[k], before[k]) for k in before), (model, name, label)
            checked += 1
    assert checked >= len(params)  # each parameter refused at least one of the three


def test_nonfinite_in_create_params_and_setdefaults():
    nest.ResetKernel()
    with pytest.raises(nestkit.BadProperty, match="tau_m"):
        nest.Create("iaf_psc_alpha", params={"tau_m": math.nan})
    assert nest.network_size == 0
    with pytest.raises(nestkit.BadProperty, match="C_m"):
        nest.SetDefaults("iaf_psc_alpha", {"C_m": math.inf})
    assert nest.GetDefaults("iaf_psc_alpha")["C_m"] == 250.0


def test_nonfinite_list_elements_rejected():
    nest.ResetKernel()
    g = nest.Create("spike_generator")
    with pytest.raises(nestkit.BadProperty, match="spike_times"):
        g.set(spike_times=[1.0, math.nan])
    assert list(g.get("spike_times")) == []


def test_nonfinite_synapse_values_rejected():
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha", 2)
    with pytest.raises(nestkit.BadProperty, match="weight"):
        nest.Connect(n, n, syn_spec={"weight": math.nan})
    assert nest.num_connections == 0
    nest.Connect(n, n)
    conns = nest.GetConnections()
    with pytest.raises(nestkit.BadProperty, match="weight"):
        conns.set(weight=math.inf)
    with pytest.raises(nestkit.BadDelay):
        conns.set(delay=math.inf)
    assert conns.get("weight") == [1.0] * 4
    with pytest.raises(nestkit.BadProperty, match="weight"):
        nest.SetDefaults("static_synapse", {"weight": -math.inf})


def test_multimeter_record_from_checked_at_connect():
    nest.ResetKernel()
    n = nest.Create("iaf_psc_alpha")
    m = nest.Create("multimeter", params={"record_from": ["bogus"]})
    with pytest.raises(nestkit.IllegalConnection, match="bogus"):
        nest.Connect(m, n)
    assert nest.num_connections == 0
