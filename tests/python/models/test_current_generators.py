"""ac_generator and step_current_generator against the exact membrane response.

A current generator computes one value per step, for the times t = h, 2h, ... (its
first update yields the value for the end of the first step). The value for t acts
on a neuron over [t + delay, t + delay + h), so an iaf_psc_exp with an unreachable
threshold integrates the piecewise-constant current I_n of step n exactly:
    V_{n+1} - E_L = (V_n - E_L) e^{-h/tau_m} + I_n tau_m / C_m (1 - e^{-h/tau_m}).
The generator's window (start, stop] sends the values for t in [start, stop).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest

RESOLUTIONS = [0.1, 0.05, 0.25]
TAU, C = 10.0, 250.0


def reset(res):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": res})


def assert_close(actual, expected):
    actual, expected = np.asarray(actual, float), np.asarray(expected, float)
    assert actual.shape == expected.shape
    tol = 1e-9 + 1e-9 * np.max(np.abs(expected), initial=1.0)
    assert np.max(np.abs(actual - expected), initial=0.0) <= tol, np.max(np.abs(actual - expected))


def driven_neuron(gen, res, delay, receptor=0):
    n = nest.Create("iaf_psc_exp", params={"V_th": 1e9, "tau_m": TAU, "C_m": C})
    nest.Connect(gen, n, syn_spec={"delay": delay, "receptor_type": receptor})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": res})
    nest.Connect(mm, n)
    return n, mm


def integrate(current_at_step, n_steps, h):
    """V - E_L at t = h, 2h, ... for a current that is constant over each step."""
    decay = math.exp(-h / TAU)
    v, out = 0.0, []
    for n in range(n_steps):
        v = v * decay + current_at_step(n) * TAU / C * (1.0 - decay)
        out.append(v)
    return np.array(out)


def recorded_v(mm, h):
    ev = mm.get("events")
    t, v = np.asarray(ev["times"]), np.asarray(ev["V_m"]) + 70.0
    assert len(t) > 10 and np.allclose(t, h * np.arange(1, len(t) + 1))
    return v


# --- step_current_generator ------------------------------------------------------------


def step_current(times, values, h, delay, start=0.0, stop=math.inf):
    """Amplitude acting during step n: values[k] from times[k] + delay on, inside the window."""

    def at(n):
        t = n * h - delay  # the generator's time for the value acting in step n
        if not (max(start, h) - 1e-9 <= t < stop - 1e-9):
            return 0.0
        amp = 0.0
        for tk, vk in zip(times, values):
            if t >= tk - 1e-9:
                amp = vk
        return amp

    return at


def test_step_current_generator_defaults():
    nest.ResetKernel()
    d = nest.GetDefaults("step_current_generator")
    assert d["amplitude_times"] == [] and d["amplitude_values"] == []
    assert d["allow_offgrid_times"] is False
    assert (d["origin"], d["start"], d["stop"]) == (0.0, 0.0, math.inf)
    assert d["recordables"] == ["I"]
    assert d["element_type"] == "stimulator"


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("delay", [1.0, 0.5])
@pytest.mark.parametrize("window", [(0.0, math.inf), (7.5, 42.0)])
def test_step_current_generator_drives_exact_piecewise_solution(res, delay, window):
    reset(res)
    times, values = [5.0, 20.0, 31.5, 45.0], [300.0, -150.0, 520.0, 0.0]
    g = nest.Create(
        "step_current_generator",
        params={"amplitude_times": times, "amplitude_values": values, "start": window[0], "stop": window[1]},
    )
    _, mm = driven_neuron(g, res, delay)
    nest.Simulate(60.0)
    v = recorded_v(mm, res)
    assert_close(v, integrate(step_current(times, values, res, delay, *window), len(v), res))


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_step_current_generator_offgrid_times_move_to_the_end_of_their_step(res):
    reset(res)
    times, values = [4.01, 9.97], [400.0, 100.0]
    g = nest.Create(
        "step_current_generator",
        params={"allow_offgrid_times": True, "amplitude_times": times, "amplitude_values": values},
    )
    _, mm = driven_neuron(g, res, 1.0)
    nest.Simulate(30.0)
    v = recorded_v(mm, res)
    on_grid = [math.ceil(t / res) * res for t in times]
    assert_close(v, integrate(step_current(on_grid, values, res, 1.0), len(v), res))


def test_step_current_generator_keeps_amplitude_when_given_new_times():
    reset(0.1)
    g = nest.Create("step_current_generator", params={"amplitude_times": [5.0], "amplitude_values": [200.0]})
    _, mm = driven_neuron(g, 0.1, 1.0)
    nest.Simulate(20.0)
    g.set({"amplitude_times": [3.0, 30.0], "amplitude_values": [999.0, -80.0]})  # 3.0 is past: skipped
    nest.Simulate(30.0)
    v = recorded_v(mm, 0.1)
    assert_close(v, integrate(step_current([5.0, 30.0], [200.0, -80.0], 0.1, 1.0), len(v), 0.1))


def test_step_current_generator_chunked_is_identical():
    def run(chunks):
        reset(0.1)
        g = nest.Create(
            "step_current_generator",
            params={"amplitude_times": [0.1, 5.0, 5.1, 12.3], "amplitude_values": [10.0, 20.0, -5.0, 7.0]},
        )
        _, mm = driven_neuron(g, 0.1, 0.1)
        for c in chunks:
            nest.Simulate(c)
        return np.asarray(mm.get("events")["V_m"])

    assert np.array_equal(run([30.0]), run([0.1, 4.9, 0.1, 7.3, 17.6]))


INVALID_STEP = [
    ({"amplitude_times": [1.0, 2.0]}, "values missing"),
    ({"amplitude_values": [1.0, 2.0]}, "times missing"),
    ({"amplitude_times": [1.0, 2.0], "amplitude_values": [1.0]}, "sizes differ"),
    ({"amplitude_times": [2.0, 1.0], "amplitude_values": [1.0, 2.0]}, "decreasing"),
    ({"amplitude_times": [1.0, 1.0], "amplitude_values": [1.0, 2.0]}, "repeated"),
    ({"amplitude_times": [0.0], "amplitude_values": [1.0]}, "not positive"),
    ({"amplitude_times": [1.03], "amplitude_values": [1.0]}, "off grid"),
    ({"allow_offgrid_times": True, "amplitude_times": [1.01, 1.02], "amplitude_values": [1.0, 2.0]}, "same step"),
    ({"start": 5.0, "stop": 2.0}, "window"),
]


@pytest.mark.parametrize("params,why", INVALID_STEP)
def test_step_current_generator_rejects_invalid_input(params, why):
    reset(0.1)
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Create("step_current_generator", params=params)
    g = nest.Create("step_current_generator", params={"amplitude_times": [3.0], "amplitude_values": [5.0]})
    before = g.get()
    with pytest.raises(nest.NESTErrors.BadProperty):
        g.set(params)
    assert g.get() == before


def test_step_current_generator_offgrid_flag_locked_once_times_are_set():
    reset(0.1)
    g = nest.Create("step_current_generator")
    g.set({"allow_offgrid_times": True})  # allowed: no times yet
    g.set({"amplitude_times": [1.01], "amplitude_values": [1.0]})
    with pytest.raises(nest.NESTErrors.BadProperty):
        g.set({"allow_offgrid_times": False})
    g.set({"allow_offgrid_times": False, "amplitude_times": [2.0], "amplitude_values": [3.0]})
    assert g.get("allow_offgrid_times") is False


# --- ac_generator -----------------------------------------------------------------------


def ac_current(amp, offset, freq, phase, h, delay, start=0.0, stop=math.inf):
    """I during step n (frequency in Hz, time in ms, phase in degrees)."""
    omega = 2.0 * math.pi * freq / 1000.0
    phi = phase * math.pi / 180.0

    def at(n):
        t = n * h - delay  # the generator's time for the value acting in step n
        if not (max(start, h) - 1e-9 <= t < stop - 1e-9):
            return 0.0
        return offset + amp * math.sin(omega * t + phi)

    return at


def test_ac_generator_defaults():
    nest.ResetKernel()
    d = nest.GetDefaults("ac_generator")
    for k in ("amplitude", "offset", "phase", "frequency", "origin", "start"):
        assert d[k] == 0.0, k
    assert d["stop"] == math.inf
    assert d["recordables"] == ["I"]
    assert d["element_type"] == "stimulator"


@pytest.mark.parametrize("res", RESOLUTIONS)
@pytest.mark.parametrize("delay", [1.0, 0.5])
@pytest.mark.parametrize("window", [(0.0, math.inf), (10.0, 61.5)])
def test_ac_generator_drives_exact_piecewise_solution(res, delay, window):
    reset(res)
    p = dict(amplitude=200.0, offset=100.0, frequency=37.0, phase=45.0)
    g = nest.Create("ac_generator", params=dict(p, start=window[0], stop=window[1]))
    _, mm = driven_neuron(g, res, delay)
    nest.Simulate(100.0)
    v = recorded_v(mm, res)
    current = ac_current(p["amplitude"], p["offset"], p["frequency"], p["phase"], res, delay, *window)
    assert_close(v, integrate(current, len(v), res))


def test_ac_generator_oscillator_state_is_read_only_and_tracks_time():
    reset(0.1)
    g = nest.Create("ac_generator", params={"amplitude": 3.0, "frequency": 50.0, "phase": 30.0})
    with pytest.raises(nest.NESTErrors.BadProperty):
        g.set({"y_0": 1.0})
    nest.Simulate(12.3)
    angle = 2.0 * math.pi * 50.0 / 1000.0 * 12.3 + math.radians(30.0)
    assert g.get("y_0") == pytest.approx(3.0 * math.cos(angle), abs=1e-12)
    assert g.get("y_1") == pytest.approx(3.0 * math.sin(angle), abs=1e-12)


def test_ac_generator_chunked_matches_unchunked():
    # A Simulate that continues the previous run keeps the rotated oscillator (NEST
    # restarts it from cos/sin of the time, ~1e-14 off; docs/divergences.md), so any
    # split gives one call's result bit for bit.
    def run(chunks):
        reset(0.1)
        g = nest.Create("ac_generator", params={"amplitude": 50.0, "frequency": 70.0, "offset": 5.0})
        _, mm = driven_neuron(g, 0.1, 0.1)
        for c in chunks:
            nest.Simulate(c)
        return np.asarray(mm.get("events")["V_m"])

    assert np.array_equal(run([0.3, 4.9, 0.1, 7.3, 17.4]), run([30.0]))


def test_ac_generator_restarts_from_the_time_when_its_signal_changes():
    # Between runs a new amplitude (or frequency, phase) restarts the oscillator from the
    # time, as NEST's pre_run_hook does.
    reset(0.1)
    g = nest.Create("ac_generator", params={"amplitude": 3.0, "frequency": 50.0, "phase": 30.0})
    nest.Simulate(5.0)
    g.set({"amplitude": 7.0})
    nest.Simulate(7.3)
    angle = 2.0 * math.pi * 50.0 / 1000.0 * 12.3 + math.radians(30.0)
    assert g.get("y_1") == pytest.approx(7.0 * math.sin(angle), abs=1e-12)


# --- recording the current ----------------------------------------------------------------


@pytest.mark.parametrize("res", RESOLUTIONS)
def test_generators_record_their_current(res):
    reset(res)
    ac = nest.Create("ac_generator", params={"amplitude": 10.0, "frequency": 100.0, "offset": 1.0, "start": 2.0})
    st = nest.Create(
        "step_current_generator", params={"amplitude_times": [1.0, 4.0], "amplitude_values": [5.0, -3.0], "stop": 8.0}
    )
    mm = nest.Create("multimeter", params={"record_from": ["I"], "interval": res})
    nest.Connect(mm, ac + st)
    nest.Simulate(12.0)
    ev = mm.get("events")
    s, t, i = (np.asarray(ev[k]) for k in ("senders", "times", "I"))
    # The sample at t = (n+1) h shows the value sent in step n, which NEST computes for t:
    # the sine at t, the amplitude of the last change at or before t; 0 outside [start, stop).
    t_ac = t[s == ac.global_id]
    expected = np.where(t_ac >= 2.0 - 1e-9, 1.0 + 10.0 * np.sin(2 * np.pi * 100.0 / 1000.0 * t_ac), 0.0)
    assert_close(i[s == ac.global_id], expected)
    t_st = t[s == st.global_id]
    expected = np.select([t_st >= 8.0 - 1e-9, t_st >= 4.0 - 1e-9, t_st >= 1.0 - 1e-9], [0.0, -3.0, 5.0], 0.0)
    assert_close(i[s == st.global_id], expected)
