"""The blocked, vectorised update (src/models/neurons/blocked_update.hpp) of iaf_psc_alpha
and iaf_psc_exp gives the spikes of the sampled, step-by-step order.

Without a multimeter, each block of neurons runs all steps of a min-delay interval at once;
with one, every step runs over all neurons and is sampled. Both must give the same spikes
(recording has no side effects), for any thread count and any chunking of Simulate. The
blocked path is also compared with NEST 3.10 exactly by the live script
tests/python/parity/live_scripts/iaf_psc_network.py.
"""

import nestkit.nest as nest
import numpy as np
import pytest


def run(model, threads=1, chunks=(300.0,), multimeter=False, per_neuron=False):
    nest.ResetKernel()
    nest.SetKernelStatus({"local_num_threads": threads, "rng_seed": 11})
    params = {"tau_syn_ex": 0.5, "tau_syn_in": 0.5}
    if per_neuron:
        params["tau_m"] = nest.random.uniform(8.0, 12.0)
    # 700 neurons: several blocks per thread, and a last block that is not full.
    n = nest.Create(model, 700, params)
    noise = nest.Create("poisson_generator", params={"rate": 18000.0})
    nest.Connect(noise, n, syn_spec={"weight": 60.0})
    nest.Connect(n[:560], n, {"rule": "fixed_indegree", "indegree": 40}, {"weight": 30.0, "delay": 1.5})
    nest.Connect(n[560:], n, {"rule": "fixed_indegree", "indegree": 10}, {"weight": -150.0, "delay": 1.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)
    if multimeter:
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.5})
        nest.Connect(mm, n[::97])
    for t in chunks:
        nest.Simulate(t)
    ev = sr.get("events")
    order = np.lexsort((ev["senders"], ev["times"]))
    return np.asarray(ev["times"])[order], np.asarray(ev["senders"])[order]


MODELS = ["iaf_psc_alpha", "iaf_psc_exp"]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("per_neuron", [False, True])
def test_blocked_and_sampled_updates_agree_for_threads_and_chunks(model, per_neuron):
    t0, s0 = run(model, per_neuron=per_neuron, multimeter=True)
    assert len(t0) > 2000  # an active network: every neuron spikes several times
    for kwargs in (
        {},
        {"threads": 2},
        {"threads": 3, "chunks": (0.7, 101.3, 198.0)},
        {"threads": 2, "chunks": (55.5, 244.5), "multimeter": True},
    ):
        t, s = run(model, per_neuron=per_neuron, **kwargs)
        np.testing.assert_array_equal(t, t0, err_msg=str(kwargs))
        np.testing.assert_array_equal(s, s0, err_msg=str(kwargs))


@pytest.mark.parametrize("model", MODELS)
def test_per_neuron_parameters_change_the_dynamics(model):
    # The per-neuron path is really taken: other time constants give other spikes.
    assert len(run(model, per_neuron=True)[0]) != len(run(model, per_neuron=False)[0])


def run_with_late_current(model, connect_late):
    # A dc_generator that acts from 50 ms on, connected before the first run or only after
    # 40 ms have run without any current: the currents must act the same either way (the
    # models skip the current rows until the first current arrives).
    nest.ResetKernel()
    n = nest.Create(model, 300, {"I_e": 200.0})
    noise = nest.Create("poisson_generator", params={"rate": 2000.0})
    nest.Connect(noise, n, syn_spec={"weight": 30.0})
    sr = nest.Create("spike_recorder")
    nest.Connect(n, sr)

    def add_current():
        dc = nest.Create("dc_generator", params={"amplitude": 120.0, "start": 50.0})
        nest.Connect(dc, n[::2])

    if not connect_late:
        add_current()
    nest.Simulate(40.0)
    if connect_late:
        add_current()
    nest.Simulate(160.0)
    ev = sr.get("events")
    return np.asarray(ev["times"]), np.asarray(ev["senders"])


@pytest.mark.parametrize("model", MODELS)
def test_a_current_that_starts_late_acts_as_one_connected_early(model):
    t_early, s_early = run_with_late_current(model, connect_late=False)
    t_late, s_late = run_with_late_current(model, connect_late=True)
    np.testing.assert_array_equal(t_late, t_early)
    np.testing.assert_array_equal(s_late, s_early)
    # The current made a difference: the driven half fires more after 50 ms.
    late = t_early > 60.0
    driven = np.isin(s_early, np.arange(1, 301, 2))
    assert np.sum(late & driven) > 1.2 * np.sum(late & ~driven) > 0
