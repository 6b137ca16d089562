"""nest.spatial.pos as node parameter values: each node's value is the expression of its own
position (NEST 3.10.0 gave the same values for these layers, checked live when this was written)."""

import nestkit.nest as nest
import numpy as np
import pytest


def test_create_and_set_take_values_from_each_nodes_position():
    nest.ResetKernel()
    grid = nest.spatial.grid(shape=[4, 3], extent=[2.0, 1.5])
    a = nest.Create(
        "iaf_psc_alpha",
        positions=grid,
        params={"V_m": -70.0 + 5.0 * nest.spatial.pos.x, "C_m": 250.0 + 100.0 * nest.spatial.pos.y},
    )
    pos = np.array(nest.GetPosition(a))
    np.testing.assert_array_equal(a.get("V_m"), -70.0 + 5.0 * pos[:, 0])
    np.testing.assert_array_equal(a.get("C_m"), 250.0 + 100.0 * pos[:, 1])
    a.V_th = -50.0 + nest.spatial.pos.n(1)
    np.testing.assert_array_equal(a.get("V_th"), -50.0 + pos[:, 1])
    b = nest.Create("iaf_psc_alpha", positions=nest.spatial.free([[0.1, 0.2, 0.3], [0.4, -0.2, 0.1]]))
    b.set({"I_e": 10.0 * nest.spatial.pos.z + 1.0})
    np.testing.assert_allclose(b.get("I_e"), [4.0, 2.0], rtol=1e-15)


def test_random_position_expressions_do_not_depend_on_threads():
    def values(threads):
        nest.ResetKernel()
        nest.SetKernelStatus({"local_num_threads": threads, "rng_seed": 5})
        layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[10, 10]))
        layer.V_m = -70.0 + nest.random.uniform(0.0, 1.0) * nest.spatial.pos.x
        return np.array(layer.get("V_m"))

    one = values(1)
    assert len(set(one)) > 50  # random per node
    np.testing.assert_array_equal(one, values(2))


def test_nodes_without_positions_are_refused_and_nothing_changes():
    nest.ResetKernel()
    plain = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(nest.NESTError, match="spatial positions"):
        plain.set({"V_m": nest.spatial.pos.x})
    assert list(plain.get("V_m")) == [-70.0] * 3
    with pytest.raises(nest.NESTError, match="spatial positions"):
        nest.Create("iaf_psc_alpha", 2, params={"V_m": nest.spatial.pos.x})
    assert nest.network_size == 3
    layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[2, 2]))
    with pytest.raises(nest.NESTError, match="dimension"):
        layer.set({"V_m": nest.spatial.pos.z})  # a 2-D layer has no z
    assert list(layer.get("V_m")) == [-70.0] * 4
