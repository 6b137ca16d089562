"""NodeCollection as PyNEST 3.10's, node queries and the legacy GetStatus/SetStatus."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def net(nest):
    a = nest.Create("iaf_psc_alpha", 5, params={"I_e": 5.0})
    b = nest.Create("iaf_psc_exp", 3)
    sr = nest.Create("spike_recorder")
    return a, b, sr


def test_repr_and_str_as_nest(nest, net):
    a, b, _ = net
    assert repr(a) == "NodeCollection(metadata=None, model=iaf_psc_alpha, size=5, first=1, last=5)"
    assert str(a[1]) == "NodeCollection(metadata=None, model=iaf_psc_alpha, size=1, first=2)"
    assert str(a + b) == (
        "NodeCollection(metadata=None,\n"
        "               model=iaf_psc_alpha, size=5, first=1, last=5;\n"
        "               model=iaf_psc_exp, size=3, first=6, last=8)"
    )
    assert str((a + b)[::2]) == (
        "NodeCollection(metadata=None,\n"
        "               model=iaf_psc_alpha, size=3, first=1, last=5, step=2;\n"
        "               model=iaf_psc_exp, size=1, first=7)"
    )
    assert repr(nest.NodeCollection([])) == "NodeCollection(<empty>)"


def test_sequence_operations(nest, net):
    a, b, _ = net
    c = a + b
    assert sum([a, b]) == c
    assert c == nest.NodeCollection(list(range(1, 9)))
    assert a != b
    assert 3 in a and 9 not in a and a[1] in a
    assert c.index(7) == 6
    with pytest.raises(ValueError, match="99 is not in NodeCollection"):
        c.index(99)
    assert a.tolist() == [1, 2, 3, 4, 5]
    arr = np.array(a)
    assert arr.dtype.kind == "i" and arr.tolist() == [1, 2, 3, 4, 5]
    assert [n.global_id for n in c] == list(range(1, 9))
    assert all(len(n) == 1 for n in a)
    assert bool(a) and not bool(nest.NodeCollection([]))
    with pytest.raises(NotImplementedError):
        _ = a == [1, 2, 3, 4, 5]
    with pytest.raises(TypeError):
        _ = a + [6]


def test_indexing(nest, net):
    a, _, _ = net
    assert a[-1].tolist() == [5]
    assert a[1:4:2].tolist() == [2, 4]
    assert a[[0, 2, 4]].tolist() == [1, 3, 5]
    assert a[np.array([1, 3])].tolist() == [2, 4]
    assert a[[True, False, True, False, True]].tolist() == [1, 3, 5]
    with pytest.raises(IndexError, match="outside"):
        a[5]
    with pytest.raises(IndexError, match="strictly positive"):
        a[::-1]
    with pytest.raises(IndexError, match="same length"):
        a[[True, False]]
    with pytest.raises(nest.NESTErrors.BadProperty, match="ascending"):
        a[[2, 0]]
    with pytest.raises(ValueError, match="unique"):
        a[[1, 1]]
    with pytest.raises(nest.NESTErrors.UnknownNode):
        nest.NodeCollection([1, 99])


def test_get_pandas_and_json(nest, net):
    a, _, _ = net
    df = a[:2].get(["I_e", "V_m"], output="pandas")
    assert isinstance(df, pd.DataFrame)
    assert list(df.index) == [1, 2] and list(df.columns) == ["I_e", "V_m"]
    assert df.loc[2, "I_e"] == 5.0 and df.loc[1, "V_m"] == -70.0
    one = a[:2].get("I_e", output="pandas")
    assert list(one.columns) == ["I_e"] and one.shape == (2, 1)
    single = a[0].get(["I_e", "V_m"], output="pandas")
    assert single.shape == (1, 2) and list(single.index) == [1]
    full = a[:2].get(output="pandas")
    assert full.shape[0] == 2 and "tau_m" in full.columns
    assert json.loads(a[:2].get(["I_e", "V_m"], output="json")) == {"I_e": [5.0, 5.0], "V_m": [-70.0, -70.0]}
    assert json.loads(a[0].get("I_e", output="json")) == 5.0
    with pytest.raises(ValueError, match="empty"):
        nest.NodeCollection([]).get("I_e")


def test_set_forms_and_attribute_access(nest, net):
    a, _, _ = net
    a.set([{"I_e": float(i)} for i in range(5)])
    assert a.I_e == (0.0, 1.0, 2.0, 3.0, 4.0)
    a.set(I_e=[9.0, 8.0, 7.0, 6.0, 5.0])
    assert a.get("I_e") == (9.0, 8.0, 7.0, 6.0, 5.0)
    a[1].tau_m = 12.0
    assert a.tau_m == (10.0, 12.0, 10.0, 10.0, 10.0)
    a.set({"V_th": -50.0})
    assert set(a.V_th) == {-50.0}
    with pytest.raises(TypeError, match="not both"):
        a.set({"I_e": 1.0}, V_th=-52.0)
    with pytest.raises(TypeError):
        a.set([{"I_e": 1.0}])


def test_get_nodes_filters(nest, net):
    a, b, sr = net
    a[2].I_e = 7.0
    assert nest.GetNodes() == a + b + sr
    assert nest.GetNodes({"model": "iaf_psc_exp"}) == b
    assert nest.GetNodes({"I_e": 7.0}).tolist() == [3]
    assert nest.GetNodes({"I_e": 5.0, "model": "iaf_psc_alpha"}).tolist() == [1, 2, 4, 5]
    assert len(nest.GetNodes({"no_such_property": 1})) == 0
    assert nest.GetNodes(local_only=True) == a + b + sr
    with pytest.warns(UserWarning, match="unsafe"):
        assert nest.GetLocalNodeCollection(a + b) == a + b


def test_print_nodes(nest, net, capsys):
    nest.PrintNodes()
    assert capsys.readouterr().out.splitlines() == [
        "1 .. 5 iaf_psc_alpha",
        "6 .. 8 iaf_psc_exp",
        "9      spike_recorder",
    ]


def test_legacy_get_status_and_set_status(nest, net):
    a, _, _ = net
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert nest.GetStatus(a[:2], "I_e") == (5.0, 5.0)
        assert nest.GetStatus(a[:2], ["I_e", "V_m"]) == ((5.0, -70.0), (5.0, -70.0))
        assert nest.GetStatus(a[0], "I_e") == (5.0,)
        statuses = nest.GetStatus(a[:2])
        assert isinstance(statuses, tuple) and [d["global_id"] for d in statuses] == [1, 2]
        assert json.loads(nest.GetStatus(a[:2], "I_e", output="json")) == [5.0, 5.0]
        assert nest.GetStatus(nest.NodeCollection([])) == ()
        nest.SetStatus(a, "I_e", 4.0)
        nest.SetStatus(a[0], {"tau_m": 11.0})
    assert a.I_e == (4.0,) * 5 and a[0].tau_m == 11.0


def test_events_and_n_events(nest):
    n = nest.Create("iaf_psc_alpha", 2, params={"I_e": 450.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    nest.Simulate(100.0)
    ev = sr.events
    assert sr.n_events == len(ev["times"]) > 0
    assert set(np.asarray(ev["senders"]).tolist()) == {1, 2}
    np.testing.assert_array_equal(sr.get("events", "times"), ev["times"])
    assert sr.get()["events"]["senders"].tolist() == np.asarray(ev["senders"]).tolist()
    with pytest.raises(nest.NESTErrors.BadProperty):
        sr.n_events = 3
    sr.n_events = 0
    assert sr.n_events == 0 and len(sr.events["times"]) == 0


def test_create_takes_a_parameter_dictionary_in_place_of_n(nest):
    sr = nest.Create("spike_recorder", {"label": "x", "start": 5.0})
    assert len(sr) == 1
    assert sr.get("label") == "x" and sr.get("start") == 5.0
    with pytest.raises(ValueError):
        nest.Create("spike_recorder", {"label": "x"}, params={"start": 1.0})
