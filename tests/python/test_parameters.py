"""Parameter objects: arithmetic, nest.math, nest.logic, as syn_spec and node values."""

import numpy as np
import pytest


def _weights(nest, weight, n=40, threads=1, delay=1.0):
    nest.ResetKernel()
    nest.local_num_threads = threads
    nest.rng_seed = 12
    a = nest.Create("iaf_psc_alpha", n)
    b = nest.Create("iaf_psc_alpha", n)
    nest.Connect(a, b, "all_to_all", {"weight": weight, "delay": delay})
    conns = nest.GetConnections(a, b)
    return np.array(conns.get("weight")), np.array(conns.get("delay"))


def _vm(nest, vm, n=3000, threads=1):
    nest.ResetKernel()
    nest.local_num_threads = threads
    nest.rng_seed = 5
    return np.array(nest.Create("iaf_psc_alpha", n, {"V_m": vm}).get("V_m"))


def test_uniform_int_plus_one_as_weight(nest):
    w, _ = _weights(nest, nest.random.uniform_int(max=3) + 1)
    values, counts = np.unique(w, return_counts=True)
    assert list(values) == [1.0, 2.0, 3.0]
    assert np.all(np.abs(counts / w.size - 1 / 3) < 0.03)


def test_normal_scaled_and_shifted(nest):
    w, _ = _weights(nest, nest.random.normal() * 2 + 1, n=60)
    assert abs(w.mean() - 1.0) < 0.1
    assert abs(w.std() - 2.0) < 0.1


def test_reflected_operators_and_negation(nest):
    w, _ = _weights(nest, 10 - nest.random.uniform(0, 1) * 2, n=20)
    assert w.min() >= 8.0 and w.max() <= 10.0
    w, _ = _weights(nest, -nest.random.uniform(1, 2), n=20)
    assert w.min() >= -2.0 and w.max() <= -1.0
    w, _ = _weights(nest, 1 / nest.random.uniform(1, 2), n=20)
    assert w.min() >= 0.5 and w.max() <= 1.0
    w, _ = _weights(nest, nest.random.uniform(1, 2) ** 2, n=20)
    assert w.min() >= 1.0 and w.max() <= 4.0


def test_redraw_keeps_delays_in_bounds(nest):
    delay = nest.math.redraw(nest.random.normal(mean=2.0, std=1.0), min=1.5, max=2.5)
    _, d = _weights(nest, 1.0, delay=delay)
    assert d.min() >= 1.5 and d.max() <= 2.5
    assert len(np.unique(d)) > 5


def test_conditional_and_comparisons(nest):
    cond = nest.logic.conditional(nest.random.uniform() < 0.25, 5.0, -5.0)
    w, _ = _weights(nest, cond)
    assert set(np.unique(w)) == {5.0, -5.0}
    assert abs((w == 5.0).mean() - 0.25) < 0.03
    for expr, expected in [
        (nest.random.uniform(0, 1) >= 0.0, 1.0),
        (nest.random.uniform(0, 1) > 2.0, 0.0),
        (nest.random.uniform(0, 1) <= 1.0, 1.0),
        (nest.random.uniform_int(1) == 0, 1.0),
        (nest.random.uniform_int(1) != 0, 0.0),
    ]:
        w, _ = _weights(nest, expr, n=3)
        assert np.all(w == expected)


def test_math_functions_of_constants(nest):
    one = nest.CreateParameter("constant", {"value": 1.0})
    assert nest.math.exp(one).GetValue() == pytest.approx(np.e)
    assert nest.math.sin(one).GetValue() == pytest.approx(np.sin(1.0))
    assert nest.math.cos(one * 0).GetValue() == pytest.approx(1.0)
    assert nest.math.min(one * 5, 2.0).GetValue() == 2.0
    assert nest.math.max(one * 5, 2.0).GetValue() == 5.0
    assert isinstance(one + 1, nest.Parameter)


def test_get_value_draws_from_the_distribution(nest):
    p = nest.random.uniform(2.0, 3.0)
    values = [p.GetValue() for _ in range(50)]
    assert all(2.0 <= v <= 3.0 for v in values)
    assert len(set(values)) == 50


def test_node_parameters_in_create_and_set(nest):
    vm = _vm(nest, nest.random.uniform_int(max=3) - 70.0)
    assert set(np.unique(vm)) == {-70.0, -69.0, -68.0}
    nodes = nest.Create("iaf_psc_alpha", 2000)
    nodes.set(V_m=nest.math.redraw(nest.random.normal(-70.0, 10.0), -75.0, -65.0))
    v = np.array(nodes.get("V_m"))
    assert v.min() >= -75.0 and v.max() <= -65.0
    nodes.set({"C_m": nest.math.exp(nest.random.uniform(0, 1)) * 100})
    c = np.array(nodes.get("C_m"))
    assert c.min() >= 100.0 and c.max() <= 100 * np.e


def test_results_do_not_depend_on_threads(nest):
    expr = nest.math.redraw(nest.random.normal() * 2 + nest.random.uniform(), -1.0, 3.0)
    w1, _ = _weights(nest, expr, threads=1)
    w2, _ = _weights(nest, expr, threads=2)
    assert np.array_equal(w1, w2)
    v1 = _vm(nest, nest.logic.conditional(nest.random.uniform() > 0.5, expr, -expr) - 70, threads=1)
    v2 = _vm(nest, nest.logic.conditional(nest.random.uniform() > 0.5, expr, -expr) - 70, threads=2)
    assert np.array_equal(v1, v2)


def test_errors_change_nothing(nest):
    nest.ResetKernel()
    a = nest.Create("iaf_psc_alpha", 3)
    before = a.get("V_m")
    with pytest.raises(nest.NESTErrors.BadParameterValue, match="min <= max"):
        nest.math.redraw(nest.random.normal(), 2.0, 1.0)
    with pytest.raises(nest.NESTError, match="redraw needs min <= max"):
        a.set(V_m=nest.Parameter(("redraw", 2.0, 1.0, ("normal", 0.0, 1.0))))
    with pytest.raises(nest.NESTError, match="Number of redraws exceeded"):
        a.set(V_m=nest.math.redraw(nest.random.normal(), 100.0, 101.0))
    assert a.get("V_m") == before
    with pytest.raises(nest.NESTError, match="uniform needs min <= max"):
        nest.Create("iaf_psc_alpha", 2, {"V_m": nest.random.uniform(1, 0) + 1})
    assert nest.network_size == 3
    with pytest.raises(nest.NESTError, match="redraw"):
        nest.Connect(a, a, syn_spec={"weight": nest.Parameter(("redraw", 5.0, 4.0, ("uniform", 0.0, 1.0)))})
    with pytest.raises(nest.NESTError, match="unknown parameter type 'bogus'"):
        nest.Connect(a, a, syn_spec={"weight": nest.Parameter(("add", ("bogus", 1.0), ("constant", 1.0)))})
    with pytest.raises(nest.NESTError, match="takes 2 operand"):
        nest.Connect(a, a, syn_spec={"delay": nest.Parameter(("add", ("constant", 1.0)))})
    assert nest.num_connections == 0


def test_invalid_operands(nest):
    with pytest.raises(NotImplementedError):
        _ = nest.random.uniform() + "x"
    with pytest.raises(ValueError, match="CreateParameter"):
        nest.CreateParameter("gamma", {})
