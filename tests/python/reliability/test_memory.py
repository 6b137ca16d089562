"""Memory over long runs (issue 18): resident memory stays flat while recording is cleared."""

import nestkit.nest as nest


def _rss_mib():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_resident_memory_flat_over_long_run():
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    pop = nest.Create("iaf_psc_alpha", 500, params={"I_e": 376.0})
    pop.set(V_m=[-70.0 + 15.0 * ((7 * i) % 500) / 500 for i in range(500)])
    nest.Connect(pop, pop, {"rule": "fixed_indegree", "indegree": 50}, {"weight": -15.0, "delay": 1.5})
    noise = nest.Create("poisson_generator", params={"rate": 2000.0})
    nest.Connect(noise, pop, syn_spec={"weight": 10.0})
    rec = nest.Create("spike_recorder")
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    nest.Connect(pop, rec)
    nest.Connect(mm, pop[:50])
    rss = []
    events = 0
    for _ in range(40):  # 40 x 500 ms = 20 s of biological time
        nest.Simulate(500.0)
        events += rec.n_events
        rec.n_events = 0
        mm.n_events = 0
        rss.append(_rss_mib())
    assert nest.biological_time == 20000.0
    assert events > 10000  # the network was active
    warm = rss[5:]  # after buffers have reached their working size
    growth = max(warm) - min(warm)
    assert growth < 8.0, f"resident memory grew by {growth:.1f} MiB over 17.5 s simulated: {rss}"
