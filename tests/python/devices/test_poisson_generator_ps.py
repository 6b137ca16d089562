"""poisson_generator_ps: independent renewal trains with dead time, off the grid.

The statistics are those of NEST's definition (intervals = dead_time + an
exponential with mean 1000/rate - dead_time): the rate is `rate`, every interval
is at least dead_time, and the interval CV is 1 - rate * dead_time.
"""

import nestkit.nest as nest
import numpy as np
import pytest


def trains(rate, dead, n_targets=20, t_sim=2000.0, seed=7, chunks=None, threads=1):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "rng_seed": seed, "local_num_threads": threads})
    g = nest.Create("poisson_generator_ps", params={"rate": rate, "dead_time": dead})
    p = nest.Create("parrot_neuron_ps", n_targets)  # repeats each spike at its precise time
    sr = nest.Create("spike_recorder")
    nest.Connect(g, p, syn_spec={"delay": 1.0})
    nest.Connect(p, sr)
    for t in chunks or [t_sim]:
        nest.Simulate(t)
    ev = sr.get("events")
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"], float)
    return {s: np.sort(times[senders == s]) for s in p.tolist()}


def test_rate_dead_time_and_cv_follow_the_definition():
    rate, dead, t_sim = 100.0, 2.0, 2000.0
    tr = trains(rate, dead, t_sim=t_sim)
    count = sum(len(t) for t in tr.values())
    expected = 20 * rate * (t_sim - 1.0) / 1000.0
    cv = 1.0 - rate * dead / 1000.0
    assert abs(count - expected) < 5.0 * np.sqrt(expected * cv**2)
    isis = np.concatenate([np.diff(t) for t in tr.values()])
    assert isis.min() >= dead - 1e-9
    assert abs(isis.std() / isis.mean() - cv) < 0.05


def test_trains_are_independent_per_target_and_off_grid():
    tr = trains(200.0, 0.5)
    first = [tuple(t[:5]) for t in tr.values()]
    assert len(set(first)) == len(first)
    times = np.concatenate(list(tr.values()))
    on_grid = np.isclose(times * 10.0, np.round(times * 10.0), rtol=0.0, atol=1e-9)
    assert on_grid.mean() < 0.01


def test_threads_and_chunks_give_identical_trains():
    ref = trains(300.0, 1.0, t_sim=300.0)
    for threads, chunks in [(2, None), (1, [100.1, 0.2, 199.7])]:
        other = trains(300.0, 1.0, t_sim=300.0, chunks=chunks, threads=threads)
        for s in ref:
            assert np.array_equal(ref[s], other[s])


def test_inverse_rate_below_dead_time_is_an_error_that_changes_nothing():
    nest.ResetKernel()
    g = nest.Create("poisson_generator_ps", params={"rate": 100.0, "dead_time": 1.0})
    with pytest.raises(Exception, match="dead time"):
        g.set({"dead_time": 20.0})
    assert g.get("dead_time") == 1.0 and g.get("rate") == 100.0
    with pytest.raises(Exception, match="dead_time"):
        g.set({"dead_time": -1.0})
    assert g.get("dead_time") == 1.0
