"""stdp_dopamine_synapse and volume_transmitter against a pure-Python reference of NEST 3.10's rule.

Setup: spike_generator -> parrot_neuron (pre) -(stdp_dopamine_synapse, receptor 1)-> parrot_neuron (post,
driven by its own generator), and a parrot (dopamine) -> volume_transmitter that the synapse model names.

The reference below is written from the rule's equations and NEST's event order, not from its code:

* between events the eligibility trace decays, c(t) = c0 exp(-(t - t0)/tau_c), the dopamine trace decays,
  n(t) = n_d exp(-(t - t_d)/tau_n), and the weight follows dw/dt = c (n - b); each piece between two
  breakpoints is integrated in closed form and the weight clipped to [Wmin, Wmax] after it;
* breakpoints are dopamine spikes (n jumps by multiplicity/tau_n) and postsynaptic spikes seen through
  the dendritic delay d (c jumps by A_plus Kplus, Kplus taken at the last update and decayed);
* a presynaptic spike at t depresses c by A_minus K_minus(t - d) and then advances Kplus;
* the volume transmitter stores dopamine spikes by arrival time in slices of min_delay; at the end of
  every slice whose end is a multiple of deliver_interval * min_delay it brings all synapses up to that
  time (facilitating, no depression) and restarts its list there;
* spikes emitted in one slice are delivered at the start of the next, i.e. after the transmitter's
  update of their own slice: a presynaptic spike may thus reach a synapse already brought past its
  time, and the synapse then integrates backwards to it (NEST does exactly this).
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
import synapse_net as net

EPS = 1e-6
RES = 0.1
RTOL = 1e-9

COMMON = dict(A_plus=0.4, A_minus=0.5, tau_plus=15.0, tau_c=120.0, tau_n=90.0, b=0.004, Wmin=0.0, Wmax=60.0)
W0 = 20.0
TAU_MINUS = 25.0


# --- the reference ---------------------------------------------------------------------------------


class PostArchive:
    """The postsynaptic neuron's spike history as the synapse reads it (NEST's archiving node): spikes
    with the trace K_minus just after each, and per entry how often a synapse has read it. At each new
    spike, leading entries that every incoming plastic synapse has read, and whose successor is older
    than max delay + min delay, are dropped (a later read in a range that reaches back to them, possible
    after a trigger, no longer sees them)."""

    def __init__(self, tau_minus, max_delay, min_delay, n_incoming=1):
        self.tau_minus, self.horizon, self.n_incoming = tau_minus, max_delay + min_delay, n_incoming
        self.entries = []  # [t, K_minus after, reads]
        self.k, self.last = 0.0, None

    def record(self, t):
        while len(self.entries) > 1 and self.entries[0][2] >= self.n_incoming:
            if t - self.entries[1][0] > self.horizon + EPS:
                self.entries.pop(0)
            else:
                break
        self.k = (self.k * math.exp((self.last - t) / self.tau_minus) if self.last is not None else 0.0) + 1.0
        self.last = t
        self.entries.append([t, self.k, 0])

    def between(self, t1, t2):
        """Spike times in (t1, t2] (bounds shifted by eps), marked as read."""
        out = []
        for e in self.entries:
            if t1 + EPS <= e[0] < t2 + EPS:
                e[2] += 1
                out.append(e[0])
        return out

    def k_minus(self, t):
        for ts, k, _ in reversed(self.entries):
            if t - ts > EPS:
                return k * math.exp((ts - t) / self.tau_minus)
        return 0.0


class DopaSynapse:
    def __init__(self, p, weight, delay, c=0.0, n=0.0, kplus=0.0):
        self.p, self.w, self.d = p, weight, delay
        self.c, self.n, self.kplus = c, n, kplus
        self.t_last = 0.0  # time the state refers to
        self.pos = 0  # index in the transmitter's list of the last dopamine spike taken into n

    def _piece(self, c0, n0, length):
        """Weight change over `length` ms from c0, n0 at the piece's start (length < 0: backwards)."""
        p = self.p
        s = 1.0 / p["tau_c"] + 1.0 / p["tau_n"]
        dw = c0 * n0 / s * (1.0 - math.exp(-s * length)) - p["b"] * c0 * p["tau_c"] * (
            1.0 - math.exp(-length / p["tau_c"])
        )
        self.w = min(max(self.w + dw, p["Wmin"]), p["Wmax"])

    def _advance(self, dopa, t0, t1):
        """Weight to t1 from t0 (c known at t0, n at the last dopamine spike taken), through the dopamine
        spikes in (t0, t1]; c decays to t1, n stays at the last dopamine spike."""
        p = self.p
        c_at = lambda t: self.c * math.exp(-(t - t0) / p["tau_c"])  # noqa: E731
        start = t0
        while self.pos + 1 < len(dopa) and dopa[self.pos + 1][0] <= t1 + EPS:
            t_d, mult = dopa[self.pos + 1]
            n_start = self.n * math.exp(-(start - dopa[self.pos][0]) / p["tau_n"])
            self._piece(c_at(start), n_start, t_d - start)
            self.n = self.n * math.exp(-(t_d - dopa[self.pos][0]) / p["tau_n"]) + mult / p["tau_n"]
            self.pos += 1
            start = t_d
        n_start = self.n * math.exp(-(start - dopa[self.pos][0]) / p["tau_n"])
        self._piece(c_at(start), n_start, t1 - start)
        self.c = c_at(t1)

    def _post_pairings(self, dopa, post, t_end, skip_coincident):
        t0 = self.t_last
        for tp in post.between(self.t_last - self.d, t_end - self.d):
            self._advance(dopa, t0, tp + self.d)
            t0 = tp + self.d
            if not skip_coincident or t_end - tp > EPS:
                self.c += self.p["A_plus"] * self.kplus * math.exp(-(t0 - self.t_last) / self.p["tau_plus"])
        return t0

    def spike(self, dopa, post, t):
        t0 = self._post_pairings(dopa, post, t, True)
        self._advance(dopa, t0, t)
        self.c -= self.p["A_minus"] * post.k_minus(t - self.d)
        sent = self.w
        self.kplus = self.kplus * math.exp(-(t - self.t_last) / self.p["tau_plus"]) + 1.0
        self.t_last = t
        return sent

    def trigger(self, dopa, post, t):
        t0 = self._post_pairings(dopa, post, t, False)
        self._advance(dopa, t0, t)
        self.n *= math.exp(-(t - dopa[self.pos][0]) / self.p["tau_n"])
        self.kplus *= math.exp(-(t - self.t_last) / self.p["tau_plus"])
        self.t_last = t
        self.pos = 0


def reference(
    pre_trains,
    post_trains,
    dopa_arrivals,
    delay,
    min_delay,
    deliver_interval,
    t_stop,
    params,
    w0,
    vt_first=True,
    **init,
):
    """Weights sent at each presynaptic spike ({pair: [(t, w)]}) and the final states, in NEST's event order:
    per min-delay slice, the previous slice's presynaptic spikes reach the synapses, then the nodes update
    in the order of their ids (the transmitter, which may trigger, before or after the postsynaptic
    neurons, which record their spikes)."""
    p = dict(COMMON, **params)
    md = round(min_delay / RES)
    syns = [DopaSynapse(p, w0, delay, **init) for _ in pre_trains]
    posts = [PostArchive(TAU_MINUS, delay, min_delay) for _ in post_trains]
    pre_steps = [sorted(round(t / RES) for t in tr) for tr in pre_trains]
    post_steps = [sorted(round(t / RES) for t in tr) for tr in post_trains]
    arrivals = {}
    for t in dopa_arrivals:
        s = round(t / RES)
        arrivals[s] = arrivals.get(s, 0) + 1
    dopa = [(0.0, 0.0)]
    sent = [[] for _ in pre_trains]

    def transmitter(origin, end):
        nonlocal dopa
        for s in sorted(arrivals):
            if origin < s <= end:
                dopa.append((s * RES, float(arrivals[s])))
        if end % (deliver_interval * md) == 0:
            for j, syn in enumerate(syns):
                syn.trigger(dopa, posts[j], end * RES)
            dopa = [(end * RES, 0.0)]

    def neurons(origin, end):
        for j, archive in enumerate(posts):
            for s in post_steps[j]:
                if origin < s <= end:
                    archive.record(s * RES)

    for k in range(round(t_stop / RES) // md):
        origin, end = k * md, (k + 1) * md
        for j, syn in enumerate(syns):  # spikes of the previous slice
            for s in pre_steps[j]:
                if origin - md < s <= origin:
                    sent[j].append((s * RES, syn.spike(dopa, posts[j], s * RES)))
        for update in (transmitter, neurons) if vt_first else (neurons, transmitter):
            update(origin, end)
    return sent, syns


# --- the network -------------------------------------------------------------------------------------


def run(
    pre_trains,
    post_trains,
    dopa_train,
    delay=1.0,
    dopa_delay=1.0,
    deliver_interval=1,
    params=None,
    w0=W0,
    t_stop=None,
    threads=1,
    chunks=1,
    syn_extra=None,
    vt_first=True,
    module=nest,
):
    """The network above; the volume transmitter gets the lowest node id (vt_first) or the highest."""
    net.reset(module, RES, threads)
    if vt_first:
        vt = module.Create("volume_transmitter", params={"deliver_interval": deliver_interval})
    pre = net.parrots_firing_at(module, pre_trains)
    post = net.parrots_firing_at(module, post_trains)
    post.set({"tau_minus": TAU_MINUS})
    dopa = net.parrots_firing_at(module, [dopa_train])
    if not vt_first:
        vt = module.Create("volume_transmitter", params={"deliver_interval": deliver_interval})
    wr = module.Create("weight_recorder")
    module.CopyModel(
        "stdp_dopamine_synapse", "dopa_test", dict(COMMON, **(params or {}), volume_transmitter=vt, weight_recorder=wr)
    )
    module.Connect(dopa, vt, syn_spec={"delay": dopa_delay})
    syn_spec = dict(syn_extra or {}, synapse_model="dopa_test", weight=w0, delay=delay, receptor_type=1)
    module.Connect(pre, post, "one_to_one", syn_spec)
    if t_stop is None:
        t_stop = 20.0 * math.ceil((max(max(t) for t in pre_trains + post_trains + [dopa_train]) + 30.0) / 20.0)
    net.simulate(module, t_stop, chunks)
    recorded = net.weight_recorder_by_sender(wr)
    states = net.connection_states(module, "dopa_test", ["weight", "c", "n", "Kplus"])
    out = []
    for s, t in zip(pre.tolist(), post.tolist()):
        times, weights = recorded.get(s, (np.empty(0), np.empty(0)))
        out.append({"times": times, "weights": weights, "state": states[(s, t)]})
    min_delay = module.GetKernelStatus("min_delay")
    return out, t_stop, min_delay


def trains(seed, n_pairs=3, t_end=400.0):
    rng = np.random.default_rng(seed)
    pre = [net.random_train(rng, RES, 5.0, t_end, 30) for _ in range(n_pairs)]
    post = [net.random_train(rng, RES, 5.0, t_end, 30) for _ in range(n_pairs)]
    dopa = net.random_train(rng, RES, 5.0, t_end, 25)
    return pre, post, dopa


def check_against_reference(pre, post, dopa, delay, dopa_delay, di, params=None, w0=W0, vt_first=True, **kw):
    got, t_stop, min_delay = run(pre, post, dopa, delay, dopa_delay, di, params, w0, vt_first=vt_first, **kw)
    arrivals = [t + dopa_delay for t in dopa]
    init = {k: v for k, v in (kw.get("syn_extra") or {}).items() if k in ("c", "n")}
    if "Kplus" in (kw.get("syn_extra") or {}):
        init["kplus"] = kw["syn_extra"]["Kplus"]
    sent, syns = reference(pre, post, arrivals, delay, min_delay, di, t_stop, params or {}, w0, vt_first, **init)
    for g, ref_sent, syn in zip(got, sent, syns):
        np.testing.assert_allclose(g["times"], [t for t, _ in ref_sent], rtol=0, atol=1e-9)
        np.testing.assert_allclose(g["weights"], [w for _, w in ref_sent], rtol=RTOL, atol=1e-12)
        st = g["state"]
        for key, val in (("weight", syn.w), ("c", syn.c), ("n", syn.n), ("Kplus", syn.kplus)):
            assert st[key] == pytest.approx(val, rel=RTOL, abs=1e-12), key
    return got


@pytest.mark.parametrize("vt_first", [True, False])
@pytest.mark.parametrize("deliver_interval", [1, 3, 7])
@pytest.mark.parametrize("delay,dopa_delay", [(1.0, 1.0), (2.5, 1.0), (2.0, 3.0)])
def test_matches_reference(deliver_interval, delay, dopa_delay, vt_first):
    pre, post, dopa = trains(seed=int(10 * delay + dopa_delay + 100 * deliver_interval))
    got = check_against_reference(pre, post, dopa, delay, dopa_delay, deliver_interval, vt_first=vt_first)
    # the rule did something: weights moved, and both ways
    steps = np.diff(np.concatenate([[W0], got[0]["weights"]]))
    assert (steps > 1e-6).any() and (steps < -1e-6).any()


def test_min_delay_of_two_ms():
    """All delays 2 ms: slices (and triggers) are 2 ms apart."""
    pre, post, dopa = trains(seed=7, n_pairs=2)
    net.GEN_DELAY, saved = 2.0, net.GEN_DELAY
    try:
        got, t_stop, min_delay = run(pre, post, dopa, delay=2.0, dopa_delay=2.0, deliver_interval=2)
    finally:
        net.GEN_DELAY = saved
    assert min_delay == pytest.approx(2.0)
    sent, syns = reference(pre, post, [t + 2.0 for t in dopa], 2.0, 2.0, 2, t_stop, {}, W0)
    for g, ref_sent, syn in zip(got, sent, syns):
        np.testing.assert_allclose(g["weights"], [w for _, w in ref_sent], rtol=RTOL)
        assert g["state"]["c"] == pytest.approx(syn.c, rel=RTOL, abs=1e-12)


def test_bounds_baseline_and_initial_state():
    """Strong learning that reaches Wmin and Wmax, a dopamine baseline b > 0, and c, n, Kplus set at Connect."""
    pre, post, dopa = trains(seed=3)
    params = dict(A_plus=10.0, A_minus=6.0, b=0.01, Wmin=5.0, Wmax=30.0)
    got = check_against_reference(
        pre, post, dopa, 1.0, 1.0, 2, params, syn_extra={"c": 0.3, "n": 0.01, "Kplus": 0.5}, w0=20.0
    )
    weights = np.concatenate([g["weights"] for g in got])
    assert weights.min() == pytest.approx(5.0) and weights.max() == pytest.approx(30.0)


def test_coincident_dopamine_spikes_add_multiplicity():
    """Two dopamine neurons firing together: one entry of multiplicity 2 in the transmitter."""
    pre, post, dopa = trains(seed=11, n_pairs=1)
    got, t_stop, min_delay = run(pre, post, dopa, syn_extra=None)
    net.reset(nest, RES)
    # same network, dopamine doubled through a second parrot
    vt = nest.Create("volume_transmitter")
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_dopamine_synapse", "dopa_test", dict(COMMON, volume_transmitter=vt, weight_recorder=wr))
    pre_p = net.parrots_firing_at(nest, pre)
    post_p = net.parrots_firing_at(nest, post)
    post_p.set({"tau_minus": TAU_MINUS})
    dopa_p = net.parrots_firing_at(nest, [dopa, dopa])
    nest.Connect(dopa_p, vt)
    nest.Connect(pre_p, post_p, "one_to_one", {"synapse_model": "dopa_test", "weight": W0, "receptor_type": 1})
    nest.Simulate(t_stop)
    doubled = nest.GetConnections(synapse_model="dopa_test").get("n")
    sent, syns = reference(pre, post, [t + 1.0 for t in dopa] * 2, 1.0, 1.0, 1, t_stop, {}, W0)
    assert doubled == pytest.approx(syns[0].n, rel=RTOL)
    assert doubled == pytest.approx(2 * got[0]["state"]["n"], rel=1e-9)


def test_rewind_before_trigger_matches_nest():
    """Presynaptic spikes late in a slice (9.8, 19.9 ms) reach the synapse after the transmitter brought it to
    the slice's end, so the synapse integrates back to them. Ground truth: NEST 3.10 on this exact network
    (run() with module=nest from /work/nest310); the reference reproduces it too."""
    pre, post, dopa = [[9.8, 19.9, 35.0]], [[5.0, 15.0, 30.0]], [4.0, 12.0, 27.5]
    nest310_weights = [20.0, 19.961538244330164, 19.762826176198587]
    nest310_state = {"weight": 19.189546862620023, "c": -1.0476169748664046, "n": 0.020451515877167363}
    for vt_first in (True, False):
        got, t_stop, _ = run(pre, post, dopa, t_stop=60.0, vt_first=vt_first)
        np.testing.assert_allclose(got[0]["weights"], nest310_weights, rtol=1e-13)
        for key, val in nest310_state.items():
            assert got[0]["state"][key] == pytest.approx(val, rel=1e-13)
    sent, syns = reference(pre, post, [t + 1.0 for t in dopa], 1.0, 1.0, 1, t_stop, {}, W0)
    np.testing.assert_allclose([w for _, w in sent[0]], nest310_weights, rtol=RTOL)
    assert syns[0].c == pytest.approx(nest310_state["c"], rel=RTOL)


# --- invariances -------------------------------------------------------------------------------------


def _same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x["times"], y["times"])
        np.testing.assert_array_equal(x["weights"], y["weights"])
        assert x["state"] == y["state"]


def test_chunked_simulate_is_identical():
    pre, post, dopa = trains(seed=5)
    whole, t_stop, _ = run(pre, post, dopa, deliver_interval=3)
    for chunks in (4, 16):
        parts, _, _ = run(pre, post, dopa, deliver_interval=3, t_stop=t_stop, chunks=chunks)
        _same(whole, parts)
    # uneven pieces that end inside min-delay slices
    net.reset(nest, RES)
    uneven = []
    for pieces in ([0.3, 1.7, 13.1, 0.1, 44.8], [0.1] * 7):
        got, _, _ = run(pre, post, dopa, deliver_interval=3, t_stop=t_stop, chunks=1, module=_Chunker(pieces))
        uneven.append(got)
    for got in uneven:
        _same(whole, got)


class _Chunker:
    """The facade, with Simulate(t) run as the given pieces first and the rest in one go."""

    def __init__(self, pieces):
        self._pieces = pieces

    def __getattr__(self, name):
        return getattr(nest, name)

    def Simulate(self, t):  # noqa: N802
        done = 0.0
        for piece in self._pieces:
            nest.Simulate(piece)
            done += piece
        nest.Simulate(round(t - done, 10))


def test_two_threads_identical():
    pre, post, dopa = trains(seed=9, n_pairs=6)
    one, t_stop, _ = run(pre, post, dopa, deliver_interval=2, threads=1)
    two, _, _ = run(pre, post, dopa, deliver_interval=2, threads=2, t_stop=t_stop)
    _same(one, two)


def test_all_to_all_two_threads_identical():
    """Many synapses per source across both threads' targets, two transmitters for two models."""

    def build(threads):
        net.reset(nest, RES, threads)
        vts = nest.Create("volume_transmitter", 2, params={"deliver_interval": 2})
        nest.CopyModel("stdp_dopamine_synapse", "da", dict(COMMON, volume_transmitter=vts[0]))
        nest.CopyModel("stdp_dopamine_synapse", "db", dict(COMMON, tau_n=50.0, volume_transmitter=vts[1]))
        rng = np.random.default_rng(21)
        pre = net.parrots_firing_at(nest, [net.random_train(rng, RES, 5.0, 200.0, 20) for _ in range(4)])
        post = net.parrots_firing_at(nest, [net.random_train(rng, RES, 5.0, 200.0, 20) for _ in range(7)])
        dopa = net.parrots_firing_at(nest, [net.random_train(rng, RES, 5.0, 200.0, 15) for _ in range(2)])
        nest.Connect(dopa[0], vts[0])
        nest.Connect(dopa[1], vts[1])
        nest.Connect(pre[:2], post, syn_spec={"synapse_model": "da", "weight": W0, "receptor_type": 1})
        nest.Connect(pre[2:], post, syn_spec={"synapse_model": "db", "weight": W0, "receptor_type": 1, "delay": 1.5})
        nest.Simulate(240.0)
        conns = nest.GetConnections()
        return conns.get(["source", "target", "weight", "c", "n", "Kplus"])

    assert build(1) == build(2)


# --- the volume_transmitter and the model's properties ----------------------------------------------


def test_defaults(nest):
    d = nest.GetDefaults("stdp_dopamine_synapse")
    expected = dict(A_plus=1.0, A_minus=1.5, tau_plus=20.0, tau_c=1000.0, tau_n=200.0, b=0.0, Wmin=0.0, Wmax=200.0)
    for k, v in expected.items():
        assert d[k] == v
    assert d["c"] == 0.0 and d["n"] == 0.0 and d["Kplus"] == 0.0 and d["weight"] == 1.0
    v = nest.GetDefaults("volume_transmitter")
    assert v["deliver_interval"] == 1 and v["element_type"] == "other"
    vt = nest.Create("volume_transmitter")
    assert vt.get("element_type") == "other"
    vt.set(deliver_interval=4)
    assert vt.get("deliver_interval") == 4


def test_copied_volume_transmitter_model(nest):
    nest.CopyModel("volume_transmitter", "my_vt", {"deliver_interval": 2})
    vt = nest.Create("my_vt")
    nest.SetDefaults("stdp_dopamine_synapse", {"volume_transmitter": vt})
    n = nest.Create("parrot_neuron", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_dopamine_synapse"})
    assert nest.num_connections == 1
    assert nest.GetDefaults("stdp_dopamine_synapse")["volume_transmitter"] == vt.tolist()[0]


def _unchanged(fn, error, match=None):
    before = nest.num_connections
    with pytest.raises(error, match=match):
        fn()
    assert nest.num_connections == before


def test_errors(nest):
    E = nest.NESTErrors
    n = nest.Create("iaf_psc_alpha", 2)
    sg = nest.Create("spike_generator")
    vt = nest.Create("volume_transmitter")
    model = "stdp_dopamine_synapse"
    # NEST: BadProperty "No volume transmitter has been assigned to the dopamine synapse."
    _unchanged(lambda: nest.Connect(n[0], n[1], syn_spec={"synapse_model": model}), E.BadProperty, "No volume")
    # NEST: BadProperty "Property volume_transmitter must be set to a node of type volume_transmitter"
    _unchanged(lambda: nest.SetDefaults(model, {"volume_transmitter": n[0]}), E.BadProperty, "volume_transmitter")
    _unchanged(lambda: nest.SetDefaults(model, {"volume_transmitter": n}), E.BadProperty, "single")
    # only the dopamine synapse has the property (NEST: unaccessed key)
    _unchanged(
        lambda: nest.SetDefaults("static_synapse", {"volume_transmitter": vt}), E.UnknownParameter, "volume_transmitter"
    )
    nest.SetDefaults(model, {"volume_transmitter": vt})
    syn = {"synapse_model": model}
    # NEST: BadProperty "Kplus must be non-negative."
    _unchanged(lambda: nest.Connect(n[0], n[1], syn_spec=dict(syn, Kplus=-1.0)), E.BadProperty, "Kplus")
    # NEST (NotImplemented): common properties and the transmitter are set with SetDefaults/CopyModel only
    _unchanged(lambda: nest.Connect(n[0], n[1], syn_spec=dict(syn, A_plus=2.0)), E.BadProperty, "A_plus")
    _unchanged(
        lambda: nest.Connect(n[0], n[1], syn_spec=dict(syn, volume_transmitter=vt)), E.BadProperty, "SetDefaults"
    )
    # NEST: IllegalConnection "We do not allow connection of a device to a global receiver at the moment."
    _unchanged(lambda: nest.Connect(sg, vt), E.IllegalConnection, "global receiver")
    _unchanged(lambda: nest.Connect(n[0], vt, syn_spec={"receptor_type": 1}), E.UnknownReceptorType)
    _unchanged(lambda: nest.Connect(vt, n[0]), E.IllegalConnection)
    # NEST: IllegalConnection "The target node or synapse model does not support spike input." (devices)
    _unchanged(lambda: nest.Connect(sg, n[0], syn_spec=syn), E.IllegalConnection, "spike input")
    # deliver_interval is a positive integer (NEST accepts 0 and then divides by zero in Simulate)
    with pytest.raises(E.BadProperty, match="deliver_interval"):
        vt.set(deliver_interval=0)
    with pytest.raises(E.TypeMismatch):
        vt.set(deliver_interval=2.5)
    assert vt.get("deliver_interval") == 1
    nest.Connect(n[0], vt)
    nest.Connect(n[0], n[1], syn_spec=dict(syn, c=0.5, n=0.1, Kplus=0.2))
    assert nest.num_connections == 2
    conn = nest.GetConnections(synapse_model=model)
    with pytest.raises(E.BadProperty, match="Kplus"):
        conn.set(Kplus=-1.0)
    # NEST leaves a common property's key unused on a connection: UnaccessedDictionaryEntry.
    with pytest.raises(E.UnaccessedDictionaryEntry, match="common"):
        conn.set(A_plus=3.0)
    assert conn.get("Kplus") == pytest.approx(0.2)


def test_wmin_above_wmax_is_accepted_as_in_nest():
    """NEST 3.10 does not check Wmin <= Wmax; the weight is clipped to Wmin, then to Wmax, so it ends at Wmax
    after the first update. nestkit does the same (and the reference clips in the same order)."""
    pre, post, dopa = trains(seed=13, n_pairs=1)
    got = check_against_reference(pre, post, dopa, 1.0, 1.0, 1, dict(Wmin=40.0, Wmax=10.0), w0=20.0)
    assert np.all(got[0]["weights"] == 10.0)
