"""Prepare/Run/Cleanup/RunManager semantics and print_time."""

import numpy as np
import pytest


def _network(nest):
    n = nest.Create("iaf_psc_alpha", 3, params={"I_e": [376.0, 450.0, 500.0]})
    pg = nest.Create("poisson_generator", params={"rate": 20000.0})
    sr = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
    nest.Connect(pg, n, syn_spec={"weight": 5.0, "delay": 1.5})
    nest.Connect(n, n, "all_to_all", syn_spec={"weight": -2.0, "delay": 1.0})
    nest.Connect(n, sr)
    nest.Connect(mm, n)
    return sr, mm


def _results(sr, mm):
    s, m = sr.get("events"), mm.get("events")
    return s["senders"], s["times"], m["V_m"]


def test_split_run_equals_one_simulate(nest):
    sr, mm = _network(nest)
    nest.Simulate(20.0)
    whole = _results(sr, mm)
    assert len(whole[0]) > 5
    nest.ResetKernel()
    sr, mm = _network(nest)
    nest.Prepare()
    nest.Run(10.0)
    nest.Run(10.0)
    nest.Cleanup()
    split = _results(sr, mm)
    for a, b in zip(whole, split):
        np.testing.assert_array_equal(a, b)
    assert nest.biological_time == pytest.approx(20.0)


def test_run_manager_is_a_context_manager(nest):
    nest.Create("iaf_psc_alpha")
    with nest.RunManager():
        assert nest.kernel_status["prepared"] is True
        nest.Run(2.0)
        nest.Run(3.0)
    assert nest.kernel_status["prepared"] is False
    assert nest.biological_time == pytest.approx(5.0)


def test_run_outside_prepare_and_other_misuse_raise(nest):
    nest.Create("iaf_psc_alpha")
    with pytest.raises(nest.NESTErrors.KernelException, match="Run called without calling Prepare"):
        nest.Run(10.0)
    with pytest.raises(nest.NESTErrors.KernelException, match="Cleanup called without calling Prepare"):
        nest.Cleanup()
    nest.Prepare()
    with pytest.raises(nest.NESTErrors.KernelException, match="Prepare called twice"):
        nest.Prepare()
    with pytest.raises(nest.NESTErrors.KernelException, match="Prepare called twice"):
        nest.Simulate(5.0)
    assert nest.biological_time == 0.0
    nest.Cleanup()
    with pytest.raises(nest.NESTErrors.KernelException):
        nest.Run(1.0)


def test_bad_times(nest):
    with pytest.raises(nest.NESTErrors.BadParameterValue, match="negative"):
        nest.Simulate(-1.0)
    with pytest.raises(nest.NESTErrors.BadParameterValue, match="multiple of the simulation resolution"):
        nest.Simulate(0.15)
    assert nest.kernel_status["prepared"] is False  # a refused Simulate leaves no Prepare behind
    nest.Simulate(0.2)
    assert nest.biological_time == pytest.approx(0.2)


def test_print_time_prints_progress_and_changes_no_result(nest, capsys):
    sr, mm = _network(nest)
    nest.Simulate(20.0)
    quiet = _results(sr, mm)
    nest.ResetKernel()
    sr, mm = _network(nest)
    nest.print_time = True
    capsys.readouterr()
    nest.Simulate(20.0)
    out = capsys.readouterr().out
    steps = out.strip().split("\r")
    assert steps[0].strip() == "" or steps[0].startswith("[")
    assert "[ 000% ] Model time: 0.0 ms" in out
    assert "[ 100% ] Model time: 20.0 ms, Real-time factor:" in out
    assert out.endswith("\n")
    for a, b in zip(quiet, _results(sr, mm)):
        np.testing.assert_array_equal(a, b)
