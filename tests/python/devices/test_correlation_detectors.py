"""correlation_detector, correlomatrix_detector, correlospinmatrix_detector and
spin_detector against closed forms for known spike trains and against numbers from
a live NEST 3.10.0 run of the same networks (stated per test)."""

import numpy as np
import pytest

H = 0.1


def steps(t):
    return np.rint(np.asarray(t) / H).astype(int)


def cross_histogram(t0, t1, w0, w1, delta_tau, tau_max):
    """NEST's documented definition: pairs with t1_j - t0_i in
    [n dt - tau_max - dt/2, n dt - tau_max + dt/2), in steps."""
    dt, tm = steps(delta_tau), steps(tau_max)
    nb = 1 + 2 * tm // dt
    count = np.zeros(nb, int)
    for a in steps(t0):
        for b in steps(t1):
            x = (b - a) + tm + dt / 2.0  # in [0, nb*dt) for counted pairs
            if 0 <= x < nb * dt:
                count[int(x // dt)] += 1
    return count, count * w0 * w1


def two_generators(nest, t0, t1, w0=1.0, w1=1.0, via_parrots=False, **params):
    g = nest.Create("spike_generator", 2, params=[{"spike_times": t0}, {"spike_times": t1}])
    cd = nest.Create("correlation_detector", params)
    src = g
    if via_parrots:
        src = nest.Create("parrot_neuron", 2)
        nest.Connect(g, src, "one_to_one")
    nest.Connect(src[0], cd, syn_spec={"receptor_type": 0, "weight": w0})
    nest.Connect(src[1], cd, syn_spec={"receptor_type": 1, "weight": w1})
    return cd


@pytest.mark.parametrize("via_parrots", [False, True])
@pytest.mark.parametrize("delta_tau,tau_max", [(0.5, 3.0), (1.0, 5.0), (0.3, 2.1)])
def test_correlation_histogram_matches_the_definition(nest, via_parrots, delta_tau, tau_max):
    rng = np.random.default_rng(4)
    t0 = np.unique(np.round(rng.uniform(1.0, 80.0, 40), 1)).tolist()
    t1 = np.unique(np.round(rng.uniform(1.0, 80.0, 40), 1)).tolist()
    cd = two_generators(nest, t0, t1, 2.0, -0.5, via_parrots, delta_tau=delta_tau, tau_max=tau_max)
    nest.Simulate(100.0)
    count, hist = cross_histogram(t0, t1, 2.0, -0.5, delta_tau, tau_max)
    np.testing.assert_array_equal(cd.get("count_histogram"), count)
    np.testing.assert_allclose(cd.get("histogram"), hist, rtol=0, atol=1e-12)
    assert list(cd.get("n_events")) == [len(t0), len(t1)]


def test_correlation_detector_matches_nest(nest):
    # Live NEST 3.10.0, same network: generators straight to the detector, then
    # through parrots with Tstart/Tstop, then n_events = [0, 0].
    cd = two_generators(
        nest, [1.0, 5.0, 10.0, 10.5, 20.0], [1.5, 3.0, 10.0, 12.0, 19.0, 22.3], 2.0, 0.5, delta_tau=0.5, tau_max=3.0
    )
    nest.Simulate(30.0)
    assert list(cd.get("count_histogram")) == [0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 2, 1, 0]
    assert list(cd.get("histogram")) == [0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0]
    assert list(cd.get("histogram_correction")) == [0.0] * 13
    assert list(cd.get("n_events")) == [5, 6]
    nest.ResetKernel()
    cd = two_generators(
        nest,
        [1.0, 5.0, 10.0, 10.5, 20.0, 25.0],
        [1.5, 3.0, 10.0, 12.0, 19.0, 22.3, 24.0],
        via_parrots=True,
        delta_tau=1.0,
        tau_max=4.0,
        Tstart=4.0,
        Tstop=21.0,
    )
    nest.Simulate(30.0)
    assert list(cd.get("count_histogram")) == [0, 1, 1, 1, 2, 0, 3, 0, 0]
    assert list(cd.get("n_events")) == [4, 4]
    cd.set(n_events=[0, 0])
    assert list(cd.get("count_histogram")) == [0] * 9
    assert list(cd.get("histogram")) == [0.0] * 9
    assert list(cd.get("n_events")) == [0, 0]


def test_correlomatrix_matches_nest(nest):
    # Live NEST 3.10.0, same network.
    g = nest.Create(
        "spike_generator",
        3,
        params=[{"spike_times": [1.0, 4.0, 9.0]}, {"spike_times": [1.0, 2.0, 8.5]}, {"spike_times": [3.0, 3.5, 9.0]}],
    )
    cm = nest.Create("correlomatrix_detector", {"N_channels": 3, "delta_tau": 0.5, "tau_max": 2.0})
    for k in range(3):
        nest.Connect(g[k], cm, syn_spec={"receptor_type": k, "weight": 1.0 + k})
    nest.Simulate(20.0)
    cov = [[[3, 0, 0, 0, 0], [2, 2, 0, 0, 2], [3, 3, 3, 0, 0]],
           [[2, 0, 2, 0, 0], [12, 0, 4, 0, 0], [0, 0, 0, 0, 0]],
           [[3, 0, 0, 0, 3], [0, 6, 6, 6, 6], [27, 9, 0, 0, 0]]]  # fmt: skip
    count = [[[3, 0, 0, 0, 0], [1, 1, 0, 0, 1], [1, 1, 1, 0, 0]],
             [[1, 0, 1, 0, 0], [3, 0, 1, 0, 0], [0, 0, 0, 0, 0]],
             [[1, 0, 0, 0, 1], [0, 1, 1, 1, 1], [3, 1, 0, 0, 0]]]  # fmt: skip
    assert cm.get("covariance").shape == (3, 3, 5)
    np.testing.assert_array_equal(cm.get("covariance"), cov)
    np.testing.assert_array_equal(cm.get("count_covariance"), count)
    assert list(cm.get("n_events")) == [3, 3, 3]


def test_correlomatrix_auto_covariance_counts_all_pairs(nest):
    # One channel: count_covariance[0][0][k] counts ordered pairs at lag bin k
    # (bin 0: each spike with itself and simultaneous pairs once).
    t = [2.0, 2.5, 4.0, 7.0]
    g = nest.Create("spike_generator", {"spike_times": t})
    cm = nest.Create("correlomatrix_detector", {"delta_tau": 0.5, "tau_max": 3.0})
    nest.Connect(g, cm)
    nest.Simulate(20.0)
    lags = [abs(a - b) for i, a in enumerate(t) for b in t[: i + 1]]
    expected = np.zeros(7, int)
    for lag in lags:
        k = int(np.floor(lag / 0.5 + 0.5))
        if k < 7:
            expected[k] += 1
    np.testing.assert_array_equal(cm.get("count_covariance")[0, 0], expected)


def test_correlospinmatrix_matches_nest(nest):
    # Binary transitions coded as NEST's binary neurons send them (multiplicity 2 up,
    # 1 down) by spike generators. Live NEST 3.10.0, same network.
    a = nest.Create("spike_generator", {"spike_times": [2.0, 6.0], "spike_multiplicities": [2, 1]})
    b = nest.Create("spike_generator", {"spike_times": [3.0, 5.0, 7.0, 9.0], "spike_multiplicities": [2, 1, 2, 1]})
    csd = nest.Create("correlospinmatrix_detector", {"N_channels": 2, "delta_tau": 1.0, "tau_max": 3.0})
    nest.Connect(a, csd, syn_spec={"receptor_type": 0})
    nest.Connect(b, csd, syn_spec={"receptor_type": 1})
    nest.Simulate(20.0)
    expected = [[[10, 20, 30, 40, 30, 20, 10], [0, 10, 20, 20, 20, 10, 0]],
                [[0, 10, 20, 20, 20, 10, 0], [0, 0, 10, 20, 10, 0, 0]]]  # fmt: skip
    np.testing.assert_array_equal(csd.get("count_covariance"), expected)


def test_correlospinmatrix_single_pulse_auto_correlation(nest):
    # One on-period of length L steps: the auto-correlation at lag D (steps) is the
    # overlap of the period with itself shifted, L - |D| (closed form). NEST's decoder
    # takes a single event for a down transition only when the next event confirms
    # it; here an up transition of channel 1 at 8 ms does.
    g = nest.Create("spike_generator", {"spike_times": [2.0, 4.0], "spike_multiplicities": [2, 1]})
    g1 = nest.Create("spike_generator", {"spike_times": [8.0], "spike_multiplicities": [2]})
    csd = nest.Create("correlospinmatrix_detector", {"N_channels": 2, "delta_tau": 0.5, "tau_max": 3.0})
    nest.Connect(g, csd)
    nest.Connect(g1, csd, syn_spec={"receptor_type": 1})
    nest.Simulate(10.0)
    length = 20
    lags = np.arange(-6, 7) * 5
    np.testing.assert_array_equal(csd.get("count_covariance")[0, 0], np.maximum(length - np.abs(lags), 0))


def test_spin_detector_matches_nest(nest):
    # Live NEST 3.10.0: of two down transitions between two updates of the detector
    # the second is lost (sender 2 at 2.0), as NEST's decoder does.
    a = nest.Create("spike_generator", {"spike_times": [1.0, 2.0, 3.0], "spike_multiplicities": [2, 1, 1]})
    b = nest.Create("spike_generator", {"spike_times": [2.0, 3.0, 3.0], "spike_multiplicities": [1, 2, 1]})
    sd = nest.Create("spin_detector")
    nest.Connect(a, sd)
    nest.Connect(b, sd)
    nest.Simulate(10.0)
    ev = sd.get("events")
    assert list(ev["senders"]) == [1, 1, 1, 2, 2]
    assert list(ev["times"]) == [1.0, 2.0, 3.0, 3.0, 3.0]
    assert list(ev["state"]) == [1, 0, 0, 1, 0]


def test_spin_detector_records_binary_states(nest):
    # Each neuron alternates up/down; the recorded states of one sender alternate too
    # and agree with its final state S.
    nest.SetKernelStatus({"resolution": H, "rng_seed": 2})
    pop = nest.Create("ginzburg_neuron", 1, {"tau_m": 2.0})
    sd = nest.Create("spin_detector")
    nest.Connect(pop, sd)
    nest.Simulate(200.0)
    st = np.asarray(sd.get("events")["state"])
    assert st.size > 10
    assert np.all(np.diff(st) != 0)
    assert bool(st[-1]) == pop.get("S")


def test_defaults_match_nest(nest):
    # GetDefaults of NEST 3.10.0 (live), resolution 0.1 ms.
    d = nest.GetDefaults("correlation_detector")
    assert (d["delta_tau"], d["tau_max"], d["Tstart"], d["Tstop"]) == (0.5, 5.0, 0.0, np.finfo(float).max) or (
        d["delta_tau"],
        d["tau_max"],
        d["Tstart"],
    ) == (0.5, 5.0, 0.0)
    assert list(d["n_events"]) == [0, 0] and d["element_type"] == "recorder"
    d = nest.GetDefaults("correlomatrix_detector")
    assert (d["delta_tau"], d["tau_max"], d["N_channels"]) == (0.5, 5.0, 1)
    d = nest.GetDefaults("correlospinmatrix_detector")
    assert (d["delta_tau"], d["tau_max"], d["N_channels"]) == (0.1, 1.0, 1)
    cd = nest.Create("correlation_detector")
    nest.Simulate(1.0)
    assert len(cd.get("histogram")) == 21  # 1 + 2 tau_max / delta_tau


@pytest.mark.parametrize(
    "model,params,match",
    [
        ("correlation_detector", {"delta_tau": 0.25}, "multiple of the resolution"),
        ("correlation_detector", {"tau_max": 1.2}, "multiple of delta_tau"),
        ("correlation_detector", {"n_events": [1, 0]}, r"\[0, 0\]"),
        ("correlation_detector", {"delta_tau": -0.5}, "delta_tau"),
        ("correlomatrix_detector", {"delta_tau": 0.2, "tau_max": 2.0}, "odd multiple"),
        ("correlomatrix_detector", {"N_channels": 0}, "N_channels"),
        ("correlomatrix_detector", {"n_events": [0]}, "read-only"),
        ("correlospinmatrix_detector", {"tau_max": -1.0}, "tau_max"),
        ("correlospinmatrix_detector", {"Tstart": float("nan")}, "Tstart"),
    ],
)
def test_bad_parameters_are_errors_that_change_nothing(nest, model, params, match):
    d = nest.Create(model, {"tau_max": 3.0} if model != "correlomatrix_detector" else {"N_channels": 2})
    g = nest.Create("spike_generator", {"spike_times": [1.0, 2.0], "spike_multiplicities": [2, 1]})
    nest.Connect(g, d)
    nest.Simulate(5.0)
    keys = [k for k in ("delta_tau", "tau_max", "Tstart", "N_channels", "n_events") if k in d.get()]
    before = {k: np.asarray(d.get(k)).tolist() for k in keys}
    with pytest.raises(Exception, match=match):
        d.set(params)
    assert {k: np.asarray(d.get(k)).tolist() for k in keys} == before


def test_bad_connections_are_refused(nest):
    cd = nest.Create("correlation_detector")
    cm = nest.Create("correlomatrix_detector", {"N_channels": 2})
    g = nest.Create("spike_generator")
    b = nest.Create("ginzburg_neuron")
    with pytest.raises(Exception, match="receptor_type 2"):
        nest.Connect(g, cd, syn_spec={"receptor_type": 2})
    with pytest.raises(Exception, match="receptor_type 2"):
        nest.Connect(g, cm, syn_spec={"receptor_type": 2})
    # NEST's signal types: binary neurons cannot feed the spike correlation detectors,
    # and spiking neurons cannot feed the binary ones.
    with pytest.raises(Exception, match="not compatible"):
        nest.Connect(b, cd)
    with pytest.raises(Exception, match="not compatible"):
        nest.Connect(nest.Create("iaf_psc_alpha"), nest.Create("spin_detector"))
    assert nest.num_connections == 0
    nest.Connect(g, cm, syn_spec={"receptor_type": 1})
    assert nest.num_connections == 1
