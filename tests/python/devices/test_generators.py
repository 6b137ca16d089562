"""Stochastic and patterned generators against closed forms (NEST 3.10 semantics).

Statistical checks use seeded runs and tolerances of a few standard errors of
the estimate (z <= 4); deterministic ones compare with exact values.
"""

import math

import nestkit
import numpy as np
import pytest

H = 0.1


def run_generator(nest, model, params, n_targets=20, t_sim=1000.0, seed=7, threads=1, chunks=None):
    nest.SetKernelStatus({"resolution": H, "rng_seed": seed, "local_num_threads": threads})
    g = nest.Create(model, params=params)
    p = nest.Create("parrot_neuron", n_targets)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, p)
    nest.Connect(p, sr)
    for t in chunks or [t_sim]:
        nest.Simulate(t)
    ev = sr.get("events")
    first = p.tolist()[0]
    # Parrots repeat with one delay (1 ms): shift back to the generator's times.
    return np.asarray(ev["senders"]) - first, np.asarray(ev["times"]) - 1.0


def counts(senders, times, n, t0, t1, width):
    edges = np.arange(t0, t1 + 1e-9, width)
    return np.array([np.histogram(times[senders == k], edges)[0] for k in range(n)])


def isis(senders, times, n):
    return np.concatenate([np.diff(np.sort(times[senders == k])) for k in range(n)])


def close(x, expected, se, z=4.0):
    assert abs(x - expected) <= z * se, (x, expected, se)


def test_sinusoidal_poisson_rate_fano_and_modulation(nest):
    r, a, f, n, T = 200.0, 150.0, 10.0, 40, 2000.0
    s, t = run_generator(
        nest, "sinusoidal_poisson_generator", {"rate": r, "amplitude": a, "frequency": f}, n_targets=n, t_sim=T + 1
    )
    t = t[t <= T]
    s = s[: len(t)]
    close(len(t) / (n * T * 1e-3), r, math.sqrt(r / (n * T * 1e-3)))
    # Independent trains: counts in whole periods are Poisson (Fano 1).
    c = counts(s, t, n, 0.0, T, 100.0).ravel()
    fano = c.var(ddof=1) / c.mean()
    close(fano, 1.0, math.sqrt(2.0 / (len(c) - 1)))
    # First Fourier coefficient of the spike times: amplitude a (phase 0: a sine).
    w = 2 * math.pi * f * 1e-3
    b1 = 2.0 * np.sum(np.sin(w * t)) / (n * T * 1e-3)
    a1 = 2.0 * np.sum(np.cos(w * t)) / (n * T * 1e-3)
    se = math.sqrt(2.0 * r / (n * T * 1e-3))
    close(b1, a, se)
    close(a1, 0.0, se)


def test_sinusoidal_poisson_shared_train(nest):
    nest.SetDefaults("sinusoidal_poisson_generator", {"individual_spike_trains": False})
    s, t = run_generator(nest, "sinusoidal_poisson_generator", {"rate": 100.0}, n_targets=3, t_sim=200.0)
    trains = [np.sort(t[s == k]) for k in range(3)]
    assert len(trains[0]) > 5 and all(np.array_equal(trains[0], x) for x in trains)


def test_sinusoidal_gamma_cv_is_that_of_a_gamma_process(nest):
    r, k, n, T = 50.0, 4.0, 40, 4000.0
    s, t = run_generator(nest, "sinusoidal_gamma_generator", {"rate": r, "order": k}, n_targets=n, t_sim=T)
    close(len(t) / (n * T * 1e-3), r, math.sqrt(r / (n * T * 1e-3) / k) * 1.5)
    d = isis(s, t, n)
    cv = d.std() / d.mean()
    close(cv, 1.0 / math.sqrt(k), 0.02)


def test_sinusoidal_gamma_modulation(nest):
    r, a, f, n, T = 300.0, 200.0, 10.0, 40, 2000.0
    s, t = run_generator(
        nest, "sinusoidal_gamma_generator", {"rate": r, "amplitude": a, "frequency": f, "order": 3.0}, n, T
    )
    close(len(t) / (n * T * 1e-3), r, math.sqrt(r / (n * T * 1e-3)))
    w = 2 * math.pi * f * 1e-3
    b1 = 2.0 * np.sum(np.sin(w * t)) / (n * T * 1e-3)
    close(b1, a, math.sqrt(2.0 * r / (n * T * 1e-3)) * 1.5)


def test_gamma_sup_rate_and_cv(nest):
    # One component process (n_proc 1) is a gamma process of the given shape.
    r, k, n, T = 40.0, 4, 40, 5000.0
    s, t = run_generator(nest, "gamma_sup_generator", {"rate": r, "gamma_shape": k, "n_proc": 1}, n, T)
    close(len(t) / (n * T * 1e-3), r, math.sqrt(r / (n * T * 1e-3)))
    d = isis(s, t, n)
    close(d.std() / d.mean(), 1.0 / math.sqrt(k), 0.02)
    # Superposition of 10: rate n_proc * rate.
    nest.ResetKernel()
    s, t = run_generator(nest, "gamma_sup_generator", {"rate": r, "gamma_shape": k, "n_proc": 10}, 20, 1000.0)
    close(len(t) / (20 * 1.0), 10 * r, math.sqrt(10 * r / 20.0))


def test_ppd_sup_rate_and_dead_time(nest):
    r, dead, n, T = 100.0, 3.0, 40, 4000.0
    s, t = run_generator(nest, "ppd_sup_generator", {"rate": r, "dead_time": dead, "n_proc": 1}, n, T)
    close(len(t) / (n * T * 1e-3), r, math.sqrt(r / (n * T * 1e-3)))
    d = isis(s, t, n)
    assert d.min() >= dead - 1e-9
    # ISI = dead time + exponential of mean 1/r - dead: CV = (1/r - d) / (1/r).
    close(d.std() / d.mean(), 1.0 - dead * r * 1e-3, 0.02)


def test_mip_rate_and_pairwise_correlation(nest):
    r, p, n, T = 200.0, 0.3, 20, 5000.0
    s, t = run_generator(nest, "mip_generator", {"rate": r, "p_copy": p}, n, T)
    close(len(t) / (n * T * 1e-3), r * p, math.sqrt(r * p / (n * T * 1e-3)) * 2)
    c = counts(s, t, n, 0.0, T, H)  # per step
    cc = np.corrcoef(c)[np.triu_indices(n, 1)]
    # Correlation coefficient of two children of one mother: p_copy.
    close(cc.mean(), p, 0.03)


def test_inhomogeneous_poisson_rate_steps(nest):
    n = 40
    times, rates = [100.0, 600.0, 1100.0], [300.0, 50.0, 0.0]
    s, t = run_generator(
        nest, "inhomogeneous_poisson_generator", {"rate_times": times, "rate_values": rates}, n, 1500.0
    )
    # The rate set at time t_k governs the spikes stamped t_k and later.
    assert t.min() >= 100.0 and t.max() < 1100.0
    for lo, hi, rate in [(100.0, 600.0, 300.0), (600.0, 1100.0, 50.0)]:
        m = np.sum((t >= lo) & (t < hi))
        mu = rate * (hi - lo) * 1e-3 * n
        close(m, mu, math.sqrt(mu))


def test_pulsepacket_times(nest):
    pulses, a, sdev, n = [100.0, 300.0], 200, 5.0, 5
    s, t = run_generator(nest, "pulsepacket_generator", {"pulse_times": pulses, "activity": a, "sdev": sdev}, n, 400.0)
    for pt in pulses:
        x = t[np.abs(t - pt) < 50.0]
        assert len(x) == a * n  # every target gets every spike of the packet
        close(x.mean() - H / 2, pt, sdev / math.sqrt(a))
        close(x.std(), sdev, sdev / math.sqrt(2 * a) * 1.5)


def test_noise_generator_current_per_target(nest):
    nest.SetKernelStatus({"resolution": H, "rng_seed": 3})
    g = nest.Create("noise_generator", params={"mean": 50.0, "std": 20.0, "dt": 1.0})
    assert g.get("dt") == pytest.approx(1.0)
    assert nest.GetDefaults("noise_generator")["dt"] == pytest.approx(10 * H)
    n = nest.Create("iaf_psc_alpha", 2, params={"V_th": 1e9})
    nest.Connect(g, n)
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 1.0})
    mi = nest.Create("multimeter", params={"record_from": ["I"], "interval": H})
    nest.Connect(mm, n)
    nest.Connect(mi, g)
    nest.Simulate(2000.0)
    v = mm.get("events")
    v1 = v["V_m"][v["senders"] == n.tolist()[0]]
    v2 = v["V_m"][v["senders"] == n.tolist()[1]]
    assert not np.allclose(v1, v2)  # an independent draw per target
    i = np.asarray(mi.get("events")["I"])
    # The average over the two targets, constant over each dt = 10 steps.
    blocks = i[: (len(i) // 10) * 10].reshape(-1, 10)
    assert np.mean(np.ptp(blocks[1:-1], axis=1) == 0.0) > 0.85
    means = blocks[1:-1, 0]
    close(means.mean(), 50.0, 20.0 / math.sqrt(2 * len(means)))
    close(means.std(), 20.0 / math.sqrt(2), 20.0 / math.sqrt(2) / math.sqrt(len(means)))


def test_step_rate_values_and_connection_refused(nest):
    g = nest.Create("step_rate_generator", params={"amplitude_times": [10.0, 20.0], "amplitude_values": [5.0, 7.5]})
    mm = nest.Create("multimeter", params={"record_from": ["rate"], "interval": H})
    nest.Connect(mm, g)
    nest.Simulate(30.0)
    ev = mm.get("events")
    t, rate = np.asarray(ev["times"]), np.asarray(ev["rate"])
    expected = np.where(t > 19.95, 7.5, np.where(t > 9.95, 5.0, 0.0))
    assert np.allclose(rate, expected)
    n = nest.Create("iaf_psc_alpha")
    with pytest.raises(nestkit.NESTError, match="IllegalConnection|sends no spikes"):
        nest.Connect(g, n)


def test_spike_dilutor_and_injector(nest):
    nest.SetKernelStatus({"rng_seed": 5})
    inj = nest.Create("spike_train_injector", params={"spike_times": list(np.arange(1.0, 1001.0, 1.0))})
    d = nest.Create("spike_dilutor", params={"p_copy": 0.25})
    p = nest.Create("parrot_neuron", 20)
    sr = nest.Create("spike_recorder")
    sri = nest.Create("spike_recorder")
    nest.Connect(inj, d)
    nest.Connect(d, p)
    nest.Connect(p, sr)
    nest.Connect(inj, sri)
    nest.Simulate(1010.0)
    assert len(sri.get("events")["times"]) == 1000
    m = len(sr.get("events")["times"])
    close(m, 0.25 * 1000 * 20, math.sqrt(1000 * 20 * 0.25 * 0.75))


GENERATORS = [
    ("sinusoidal_poisson_generator", {"rate": 300.0, "amplitude": 100.0, "frequency": 5.0}),
    ("sinusoidal_gamma_generator", {"rate": 300.0, "amplitude": 100.0, "frequency": 5.0, "order": 2.0}),
    ("gamma_sup_generator", {"rate": 100.0, "gamma_shape": 3, "n_proc": 5}),
    ("ppd_sup_generator", {"rate": 100.0, "dead_time": 2.0, "n_proc": 5, "frequency": 3.0, "relative_amplitude": 0.5}),
    ("mip_generator", {"rate": 300.0, "p_copy": 0.4}),
    ("inhomogeneous_poisson_generator", {"rate_times": [5.0, 50.0], "rate_values": [400.0, 100.0]}),
    ("pulsepacket_generator", {"pulse_times": [20.0, 60.0], "activity": 30, "sdev": 4.0}),
]


@pytest.mark.parametrize("model,params", GENERATORS)
def test_threads_and_chunks_give_identical_trains(nest, model, params):
    ref = run_generator(nest, model, params, n_targets=7, t_sim=100.0)
    assert len(ref[1]) > 0
    for threads, chunks in [(2, None), (1, [13.3, 40.0, 46.7]), (2, [0.1, 50.0, 49.9])]:
        nest.ResetKernel()
        s, t = run_generator(nest, model, params, n_targets=7, t_sim=100.0, threads=threads, chunks=chunks)
        o1, o2 = np.lexsort((ref[0], ref[1])), np.lexsort((s, t))
        assert np.array_equal(ref[0][o1], s[o2]) and np.allclose(ref[1][o1], t[o2])


def test_noise_with_modulation_is_identical_for_any_chunking(nest):
    # The modulation's rotating state continues across run chunks (it is recomputed from the time
    # only when a run does not continue the last one), so chunks equal one call bit for bit.
    def trace(chunks):
        nest.ResetKernel()
        nest.SetKernelStatus({"rng_seed": 9})
        g = nest.Create("noise_generator", params={"std": 100.0, "std_mod": 50.0, "frequency": 20.0, "dt": 0.1})
        n = nest.Create("iaf_psc_alpha", params={"V_th": 1e9})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
        nest.Connect(g, n)
        nest.Connect(mm, n)
        for t in chunks:
            nest.Simulate(t)
        return np.asarray(mm.get("events")["V_m"])

    one = trace([100.0])
    assert np.array_equal(one, trace([0.1] * 3 + [33.3, 66.4]))
    assert np.array_equal(one, trace([1.0] * 100))


def test_noise_threads_identical(nest):
    out = []
    for threads in (1, 2):
        nest.ResetKernel()
        nest.SetKernelStatus({"rng_seed": 9, "local_num_threads": threads})
        g = nest.Create("noise_generator", params={"std": 100.0, "std_mod": 50.0, "frequency": 20.0})
        n = nest.Create("iaf_psc_alpha", 4, params={"V_th": 1e9})
        mm = nest.Create("multimeter", params={"record_from": ["V_m"]})
        nest.Connect(g, n)
        nest.Connect(mm, n)
        nest.Simulate(50.0)
        nest.Simulate(50.0)
        ev = mm.get("events")
        o = np.lexsort((ev["senders"], ev["times"]))
        out.append(np.asarray(ev["V_m"])[o])
    assert np.array_equal(out[0], out[1])


BAD = [
    ("gamma_sup_generator", {"rate": -1.0}),
    ("gamma_sup_generator", {"gamma_shape": 0}),
    ("gamma_sup_generator", {"n_proc": 0}),
    ("ppd_sup_generator", {"rate": 100.0, "dead_time": 20.0}),
    ("ppd_sup_generator", {"dead_time": -1.0}),
    ("ppd_sup_generator", {"relative_amplitude": 1.5}),
    ("mip_generator", {"rate": -5.0}),
    ("mip_generator", {"p_copy": 1.5}),
    ("spike_dilutor", {"p_copy": -0.1}),
    ("pulsepacket_generator", {"sdev": -1.0}),
    ("pulsepacket_generator", {"activity": -1}),
    ("noise_generator", {"std": -1.0}),
    ("noise_generator", {"std": 1.0, "std_mod": 2.0}),
    ("noise_generator", {"dt": 0.25}),
    ("sinusoidal_gamma_generator", {"rate": 10.0, "amplitude": 20.0}),
    ("sinusoidal_gamma_generator", {"order": 0.5}),
    ("sinusoidal_poisson_generator", {"start": 10.0, "stop": 5.0}),
    ("inhomogeneous_poisson_generator", {"rate_times": [1.0, 1.0], "rate_values": [1.0, 2.0]}),
    ("inhomogeneous_poisson_generator", {"rate_times": [1.0], "rate_values": [1.0, 2.0]}),
    ("inhomogeneous_poisson_generator", {"rate_times": [1.05], "rate_values": [1.0]}),
    ("step_rate_generator", {"amplitude_times": [2.0, 1.0], "amplitude_values": [1.0, 2.0]}),
    ("mip_generator", {"stimulus_source": "mpi"}),
]


@pytest.mark.parametrize("model,params", BAD)
def test_bad_input_is_an_error_that_changes_nothing(nest, model, params):
    nest.SetKernelStatus({"resolution": H})
    g = nest.Create(model)
    before = g.get()
    with pytest.raises(nestkit.NESTError):
        g.set(params)
    after = g.get()
    assert {k: str(v) for k, v in before.items()} == {k: str(v) for k, v in after.items()}


def test_stimulus_source_mpi_message(nest):
    g = nest.Create("poisson_generator" if False else "mip_generator")
    with pytest.raises(nestkit.NESTError, match="mpi"):
        g.set({"stimulus_source": "mpi"})
    g.set({"stimulus_source": ""})


@pytest.mark.parametrize(
    "proxy",
    [
        "music_event_in_proxy",
        "music_event_out_proxy",
        "music_cont_in_proxy",
        "music_cont_out_proxy",
        "music_rate_in_proxy",
        "music_rate_out_proxy",
        "music_message_in_proxy",
    ],
)
def test_music_proxies_are_a_clear_error(nest, proxy):
    before = nest.network_size
    with pytest.raises(nest.NESTErrors.UnknownModelName, match="MUSIC"):
        nest.Create(proxy)
    assert nest.network_size == before


def test_spike_generator_follows_spike_times_and_origin_set_between_runs(nest):
    # The generator derives its spike steps once and reuses them over the facade's many kernel
    # calls per Simulate; a SetStatus between runs must still take effect. The expected times are
    # NEST 3.10's for this script.
    sg = nest.Create("spike_generator", params={"spike_times": [1.0, 2.0, 13.0]})
    sr = nest.Create("spike_recorder")
    nest.Connect(sg, sr)
    nest.Simulate(5.0)
    sg.spike_times = [7.0, 8.5]
    nest.Simulate(5.0)
    nest.Simulate(2.0)
    sg.set(origin=10.0, spike_times=[3.0, 4.5])
    for _ in range(4):
        nest.Simulate(2.5)
    assert sr.get("events", "times").tolist() == [1.0, 2.0, 7.0, 8.5, 13.0, 14.5]
