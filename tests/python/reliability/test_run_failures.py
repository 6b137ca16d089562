"""Failure inside a run (issue 18): errors raised in threaded updates, and Ctrl-C."""

import _thread
import threading

import nestkit
import nestkit.nest as nest
import nestkit.nest._state as _state
import numpy as np
import pytest


def _brunel_like(threads):
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.local_num_threads = threads
    nest.rng_seed = 12
    pop = nest.Create("iaf_psc_alpha", 200, params={"I_e": 376.0})
    pop.set(V_m=[-70.0 + 15.0 * ((7 * i) % 200) / 200 for i in range(200)])
    nest.Connect(pop, pop, {"rule": "fixed_indegree", "indegree": 20}, {"weight": -20.0, "delay": 1.5})
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    return pop, rec


@pytest.mark.parametrize("threads", [1, 2])
def test_runaway_guard_stops_run_and_reset_recovers(threads):
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.local_num_threads = threads
    n = nest.Create("aeif_cond_alpha", 4)
    n[2:].set(I_e=-1e7)  # drives V_m below NEST's -1e3 mV guard
    with pytest.raises(nestkit.KernelException, match=r"NumericalInstability in aeif_cond_alpha.*node 3"):
        nest.Simulate(50.0)
    nest.ResetKernel()
    nest.local_num_threads = threads
    pop = nest.Create("iaf_psc_alpha", 2, params={"I_e": 400.0})
    rec = nest.Create("spike_recorder")
    nest.Connect(pop, rec)
    nest.Simulate(100.0)
    assert nest.biological_time == 100.0
    assert rec.n_events > 0


def test_chunked_run_equals_single_call():
    """Simulate runs in slice-aligned chunks (for Ctrl-C); the spikes equal one kernel call."""
    _, rec = _brunel_like(1)
    nest.Simulate(300.0)
    chunked = (rec.events["senders"].copy(), rec.events["times"].copy())
    _, rec = _brunel_like(1)
    _state.kernel.simulate(300.0)  # one call, no chunks
    assert len(chunked[0]) > 100
    np.testing.assert_array_equal(chunked[0], rec.events["senders"])
    np.testing.assert_array_equal(chunked[1], rec.events["times"])


@pytest.mark.parametrize("threads", [1, 2])
def test_keyboard_interrupt_stops_at_slice_boundary(threads):
    _, rec = _brunel_like(threads)
    nest.Connect(nest.Create("poisson_generator", params={"rate": 1e5}), nest.Create("iaf_psc_alpha", 5000))
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        nest.Simulate(1e7)  # far longer than the test runs
    timer.join()
    t = nest.biological_time
    min_delay = nest.min_delay
    assert 0.0 < t < 1e7
    assert abs(t / min_delay - round(t / min_delay)) < 1e-9  # a slice boundary
    # The kernel is not left prepared, and a further Simulate continues correctly.
    n0 = rec.n_events
    nest.Simulate(10.0)
    assert nest.biological_time == pytest.approx(t + 10.0)
    times = rec.events["times"]
    assert rec.n_events > n0 and times[n0:].min() > t and times.max() <= t + 10.0
