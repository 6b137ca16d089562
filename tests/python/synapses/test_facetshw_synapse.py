"""stdp_facetshw_synapse_hom against a pure-Python reference of its discretised rule (NEST 3.10).

Setup: parrots (pre) -(stdp_facetshw_synapse_hom, receptor 1)-> parrots (post, driven by their own
generators); a weight_recorder gives the weight sent with each presynaptic spike.

The rule, as the reference below implements it from the model's description:

* a synapse gets its id at its first presynaptic spike, from the model's counter no_synapses (in the
  order in which spikes are delivered: by min-delay slice, then by sender, then by time); its first readout is at
  (id // synapses_per_driver) * driver_readout_time, and the readout cycle becomes
  int((no_synapses - 1) / synapses_per_driver + 1) * driver_readout_time;
* at a presynaptic spike t later than the synapse's next readout time, the weight is rounded to a
  look-up table entry (w / weight_per_lut_entry), the two evaluation bits compare the charges with the
  thresholds, ((a_thresh_tl + cb[2] a_causal + cb[1] a_acausal) / (1 + cb[2] + cb[1]) >
  (a_thresh_th + cb[0] a_causal + cb[3] a_acausal) / (1 + cb[0] + cb[3])) with cb = configbit_0 / _1,
  and select look-up table 0 (bit 0 only), 1 (bit 1 only) or 2 (both), whose reset bits clear
  a_causal / a_acausal; then the next readout time advances by whole cycles past t, and the weight
  becomes entry * weight_per_lut_entry;
* then, if postsynaptic spikes arrived (through the delay d) since the last presynaptic spike,
  a_causal += exp(-(t_first_post + d - t_last_pre) / tau_plus) for the first of them and
  a_acausal += exp(-(t - t_last_post - d) / tau_minus_stdp) for the last; the spike carries the weight.
"""

import math

import nestkit.nest as nest
import numpy as np
import pytest
import synapse_net as net

EPS = 1e-6
RES = 0.1
LUT0 = [2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 15]
LUT1 = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 11, 12, 13]
LUT2 = list(range(16))

# Readouts every few ms and thresholds the charges cross, so that all three tables get used.
COMMON = dict(
    tau_plus=20.0,
    tau_minus_stdp=20.0,
    Wmax=30.0,
    synapses_per_driver=2,
    driver_readout_time=4.0,
    configbit_0=[0, 0, 1, 0],
    configbit_1=[0, 1, 0, 0],
)
PER_SYNAPSE = dict(a_thresh_th=1.0, a_thresh_tl=1.2)


class Model:
    """The common properties, changed by the synapses (the id counter)."""

    def __init__(self, **kw):
        p = dict(
            tau_plus=20.0,
            tau_minus_stdp=20.0,
            Wmax=100.0,
            no_synapses=0,
            synapses_per_driver=50,
            driver_readout_time=15.0,
            lookuptable_0=LUT0,
            lookuptable_1=LUT1,
            lookuptable_2=LUT2,
            configbit_0=[0, 0, 1, 0],
            configbit_1=[0, 1, 0, 0],
            reset_pattern=[1] * 6,
        )
        p.update(kw)
        self.__dict__.update(p)
        self.step = self.Wmax / 15.0
        self.cycle = self._cycle()

    def _cycle(self):
        return int((self.no_synapses - 1.0) / self.synapses_per_driver + 1.0) * self.driver_readout_time

    def new_id(self):
        i = self.no_synapses
        self.no_synapses += 1
        self.cycle = self._cycle()
        return i


class Synapse:
    def __init__(self, model, weight, delay, post_times, a_thresh_th=21.835, a_thresh_tl=21.835):
        self.m, self.w, self.d, self.post = model, weight, delay, sorted(post_times)
        self.a_causal = self.a_acausal = 0.0
        self.th, self.tl = a_thresh_th, a_thresh_tl
        self.id = None
        self.next_readout = 0.0
        self.t_last = 0.0

    def _bit(self, cb):
        lhs = (self.tl + cb[2] * self.a_causal + cb[1] * self.a_acausal) / (1 + cb[2] + cb[1])
        rhs = (self.th + cb[0] * self.a_causal + cb[3] * self.a_acausal) / (1 + cb[0] + cb[3])
        return lhs > rhs

    def spike(self, t):
        m = self.m
        if self.id is None:
            self.id = m.new_id()
            self.next_readout = (self.id // m.synapses_per_driver) * m.driver_readout_time
        if t > self.next_readout:
            entry = int(math.floor(self.w / m.step + 0.5))
            b0, b1 = self._bit(m.configbit_0), self._bit(m.configbit_1)
            if b0 or b1:
                table = 2 if (b0 and b1) else (0 if b0 else 1)
                entry = [m.lookuptable_0, m.lookuptable_1, m.lookuptable_2][table][entry]
                if m.reset_pattern[2 * table]:
                    self.a_causal = 0.0
                if m.reset_pattern[2 * table + 1]:
                    self.a_acausal = 0.0
            while t > self.next_readout:
                self.next_readout += m.cycle
            self.w = entry * m.step
        seen = [tp for tp in self.post if self.t_last - self.d + EPS <= tp < t - self.d + EPS]
        if seen:
            self.a_causal += math.exp(-(seen[0] + self.d - self.t_last) / m.tau_plus)
            self.a_acausal += math.exp(-(t - seen[-1] - self.d) / m.tau_minus_stdp)
        self.t_last = t
        return self.w


def reference(pre_trains, post_trains, delay, w0, common=COMMON, per_synapse=PER_SYNAPSE, t_stop=None, min_delay=1.0):
    """One synapse per (pre, post) pair. NEST delivers the spikes of one min-delay slice at the start of the
    next, in the order they were emitted: by sender (senders update one after the other), then by time."""
    model = Model(**common)
    syns = [Synapse(model, w0, delay, post, **per_synapse) for post in post_trains]
    md = round(min_delay / RES)
    spikes = sorted(((s - 1) // md, j, s) for j, tr in enumerate(pre_trains) for s in (round(t / RES) for t in tr))
    sent = [[] for _ in pre_trains]
    for _, j, step in spikes:
        if t_stop is None or step * RES + 1e-9 < t_stop:
            sent[j].append((step * RES, syns[j].spike(step * RES)))
    return sent, syns, model


def run(pre_trains, post_trains, delay=1.0, w0=14.0, threads=1, chunks=1, t_stop=None, module=nest):
    net.reset(module, RES, threads)
    wr = module.Create("weight_recorder")
    module.CopyModel("stdp_facetshw_synapse_hom", "fhw", dict(COMMON, weight_recorder=wr))
    pre = net.parrots_firing_at(module, pre_trains)
    post = net.parrots_firing_at(module, post_trains)
    syn = dict(PER_SYNAPSE, synapse_model="fhw", weight=w0, delay=delay, receptor_type=1)
    module.Connect(pre, post, "one_to_one", syn)
    if t_stop is None:
        t_stop = float(math.ceil(max(max(t) for t in pre_trains + post_trains) + delay + 5.0))
    net.simulate(module, t_stop, chunks)
    recorded = net.weight_recorder_by_sender(wr)
    keys = ["weight", "a_causal", "a_acausal", "synapse_id", "next_readout_time", "init_flag"]
    states = net.connection_states(module, "fhw", keys)
    out = []
    for s, t in zip(pre.tolist(), post.tolist()):
        times, weights = recorded.get(s, (np.empty(0), np.empty(0)))
        out.append({"times": times, "weights": weights, "state": states[(s, t)]})
    return out, module.GetDefaults("fhw")


def trains(seed, n_pairs=5, t_end=300.0, n_spikes=40):
    """Presynaptic spikes at distinct times across all senders, and postsynaptic trains."""
    rng = np.random.default_rng(seed)
    steps = rng.choice(np.arange(50, int(t_end / RES)), size=n_pairs * n_spikes, replace=False)
    pre = [net.on_grid(np.sort(steps[j::n_pairs]) * RES, RES) for j in range(n_pairs)]
    post = [net.random_train(rng, RES, 2.0, t_end, n_spikes) for _ in range(n_pairs)]
    return pre, post


@pytest.mark.parametrize("seed,delay", [(1, 1.0), (2, 1.0), (3, 2.5), (4, 1.5)])
def test_matches_reference(seed, delay):
    pre, post = trains(seed, n_pairs=2 + seed)
    got, defaults = run(pre, post, delay)
    sent, syns, model = reference(pre, post, delay, 14.0)
    tables_used = set()
    for g, ref_sent, syn in zip(got, sent, syns):
        np.testing.assert_allclose(g["times"], [t for t, _ in ref_sent], atol=1e-9)
        np.testing.assert_allclose(g["weights"], [w for _, w in ref_sent], rtol=1e-12)
        st = g["state"]
        assert st["weight"] == pytest.approx(syn.w, rel=1e-12)
        assert st["a_causal"] == pytest.approx(syn.a_causal, rel=1e-12, abs=1e-15)
        assert st["a_acausal"] == pytest.approx(syn.a_acausal, rel=1e-12, abs=1e-15)
        assert st["synapse_id"] == syn.id and st["init_flag"] is True
        assert st["next_readout_time"] == pytest.approx(syn.next_readout, rel=1e-12)
        steps = np.round(np.diff(g["weights"]) / (30.0 / 15)).astype(int)
        tables_used |= set(steps.tolist())
    assert defaults["no_synapses"] == model.no_synapses == len(pre)
    assert defaults["readout_cycle_duration"] == pytest.approx(model.cycle)
    # the weights went up and down (look-up tables 0 and 1 both applied)
    assert any(s > 0 for s in tables_used) and any(s < 0 for s in tables_used)


def test_ids_in_order_of_first_spike():
    """Synapses are numbered by their first presynaptic spike, not by creation."""
    pre = [[30.0, 40.0], [10.0, 50.0], [20.0]]
    post = [[5.0], [5.0], [5.0]]
    got, defaults = run(pre, post)
    assert [g["state"]["synapse_id"] for g in got] == [2, 0, 1]
    # synapses_per_driver = 2: ids 0, 1 are read out from 0 ms, id 2 from 4 ms; cycle 2 * 4 ms
    assert defaults["no_synapses"] == 3 and defaults["readout_cycle_duration"] == 8.0


def test_reset_pattern_and_custom_tables():
    """Other tables, configuration bits and no resets: the charges keep growing."""
    pre, post = trains(8, n_pairs=3)
    custom = dict(
        COMMON,
        lookuptable_0=[min(15, i + 3) for i in range(16)],
        lookuptable_1=[max(0, i - 2) for i in range(16)],
        configbit_0=[0, 1, 1, 0],
        configbit_1=[1, 0, 0, 1],
        reset_pattern=[0, 0, 0, 0, 0, 0],
    )
    net.reset(nest, RES)
    wr = nest.Create("weight_recorder")
    nest.CopyModel("stdp_facetshw_synapse_hom", "fhw2", dict(custom, weight_recorder=wr))
    a = net.parrots_firing_at(nest, pre)
    b = net.parrots_firing_at(nest, post)
    nest.Connect(a, b, "one_to_one", dict(PER_SYNAPSE, synapse_model="fhw2", weight=14.0, receptor_type=1))
    nest.Simulate(310.0)
    recorded = net.weight_recorder_by_sender(wr)
    sent, syns, _ = reference(pre, post, 1.0, 14.0, common=custom)
    for s, ref_sent in zip(a.tolist(), sent):
        np.testing.assert_allclose(recorded[s][1], [w for _, w in ref_sent], rtol=1e-12)
    states = nest.GetConnections(synapse_model="fhw2").get(["a_causal"])["a_causal"]
    np.testing.assert_allclose(states, [syn.a_causal for syn in syns], rtol=1e-12)


def test_nest_ground_truth():
    """A small network run with NEST 3.10 (run() with module=nest from /work/nest310, t_stop=90 ms). The first
    spikes of senders 0 (8.8 ms) and 1 (8.7 ms) fall into one min-delay slice: NEST numbers sender 0 first."""
    got, defaults = run(NEST_PRE, NEST_POST, t_stop=90.0)
    for g, w in zip(got, NEST_WEIGHTS):
        np.testing.assert_array_equal(g["weights"], w)
    for g, st in zip(got, NEST_STATES):
        assert g["state"] == pytest.approx(st, rel=1e-13)
    assert defaults["no_synapses"] == 3 and defaults["readout_cycle_duration"] == 8.0
    sent, syns, _ = reference(NEST_PRE, NEST_POST, 1.0, 14.0)
    for ref_sent, syn, w, st in zip(sent, syns, NEST_WEIGHTS, NEST_STATES):
        np.testing.assert_allclose([x for _, x in ref_sent], w, rtol=1e-12)
        assert (syn.id, syn.next_readout) == (st["synapse_id"], st["next_readout_time"])
        assert syn.a_causal == pytest.approx(st["a_causal"], rel=1e-12)


NEST_PRE = [
    [8.8, 15.6, 17.1, 21.1, 28.3, 30.4, 36.4, 38.2, 52.9, 60.1, 64.4, 78.7],
    [8.7, 11.3, 12.7, 24.1, 24.7, 28.8, 40.3, 45.7, 52.1, 66.0, 66.9, 72.8],
    [6.1, 19.3, 29.2, 29.4, 31.2, 31.4, 39.9, 43.1, 49.7, 52.3, 72.4, 76.7],
]
NEST_POST = [
    [2.7, 8.7, 11.1, 16.4, 24.2, 34.3, 44.8, 49.5, 53.3, 55.0, 57.8, 64.9],
    [16.0, 19.3, 29.4, 29.7, 35.6, 39.9, 55.1, 56.3, 61.4, 70.2, 74.9, 76.2],
    [2.8, 5.1, 16.5, 19.1, 20.4, 26.0, 31.8, 38.3, 39.0, 47.6, 54.2, 71.0],
]
NEST_WEIGHTS = [
    [14.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 14.0, 12.0, 12.0, 12.0],
    [14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 14.0, 16.0, 16.0, 16.0, 16.0],
    [14.0, 14.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 10.0, 10.0],
]
NEST_STATES = [
    {
        "weight": 12.0,
        "a_causal": 0.9277434863285529,
        "a_acausal": 0.5272924240430487,
        "synapse_id": 1,
        "next_readout_time": 84.0,
        "init_flag": True,
    },
    {
        "weight": 16.0,
        "a_causal": 0.806541440177327,
        "a_acausal": 0.9231163463866361,
        "synapse_id": 2,
        "next_readout_time": 76.0,
        "init_flag": True,
    },
    {
        "weight": 10.0,
        "a_causal": 0.8650222931107413,
        "a_acausal": 0.980198673306755,
        "synapse_id": 0,
        "next_readout_time": 80.0,
        "init_flag": True,
    },
]


def _same(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x["times"], y["times"])
        np.testing.assert_array_equal(x["weights"], y["weights"])
        assert x["state"] == y["state"]


def test_threads_and_chunks_identical():
    pre, post = trains(5, n_pairs=6)
    one, d1 = run(pre, post)
    two, d2 = run(pre, post, threads=2)
    _same(one, two)
    assert d1["no_synapses"] == d2["no_synapses"] == 6
    chunked, _ = run(pre, post, chunks=7, t_stop=308.0)
    whole, _ = run(pre, post, t_stop=308.0)
    _same(whole, chunked)


def test_all_to_all_threads_identical():
    """Several synapses per sender, spread over both threads: ids follow the delivery order either way."""

    def build(threads):
        net.reset(nest, RES, threads)
        nest.SetDefaults("stdp_facetshw_synapse_hom", dict(COMMON))
        rng = np.random.default_rng(3)
        pre = net.parrots_firing_at(nest, [net.random_train(rng, RES, 5.0, 200.0, 30) for _ in range(3)])
        post = net.parrots_firing_at(nest, [net.random_train(rng, RES, 5.0, 200.0, 30) for _ in range(6)])
        nest.Connect(pre, post, syn_spec=dict(PER_SYNAPSE, synapse_model="stdp_facetshw_synapse_hom", receptor_type=1))
        nest.Simulate(220.0)
        conns = nest.GetConnections(synapse_model="stdp_facetshw_synapse_hom")
        return conns.get(["source", "target", "weight", "synapse_id", "a_causal", "next_readout_time"])

    one = build(1)
    assert sorted(one["synapse_id"]) == list(range(18))
    assert one == build(2)


# --- properties and errors ------------------------------------------------------------------------------


def test_defaults_and_derived_values(nest):
    d = nest.GetDefaults("stdp_facetshw_synapse_hom")
    assert list(d["lookuptable_0"]) == LUT0 and list(d["lookuptable_1"]) == LUT1 and list(d["lookuptable_2"]) == LUT2
    assert list(d["configbit_0"]) == [0, 0, 1, 0] and list(d["configbit_1"]) == [0, 1, 0, 0]
    assert list(d["reset_pattern"]) == [1] * 6
    assert d["weight_per_lut_entry"] == pytest.approx(100.0 / 15) and d["readout_cycle_duration"] == 0.0
    assert d["no_synapses"] == 0 and d["synapses_per_driver"] == 50 and d["driver_readout_time"] == 15.0
    assert d["a_thresh_th"] == 21.835 and d["a_thresh_tl"] == 21.835 and d["init_flag"] is False
    nest.SetDefaults("stdp_facetshw_synapse_hom", {"Wmax": 30.0})
    assert nest.GetDefaults("stdp_facetshw_synapse_hom")["weight_per_lut_entry"] == pytest.approx(2.0)
    nest.SetDefaults("stdp_facetshw_synapse_hom", {"Wmax": 45.0, "weight_per_lut_entry": 1.5})  # given wins
    assert nest.GetDefaults("stdp_facetshw_synapse_hom")["weight_per_lut_entry"] == 1.5
    nest.SetDefaults("stdp_facetshw_synapse_hom", {"no_synapses": 120})
    assert nest.GetDefaults("stdp_facetshw_synapse_hom")["readout_cycle_duration"] == 3 * 15.0
    nest.SetDefaults("stdp_facetshw_synapse_hom", {"lookuptable_2": [15] * 16, "reset_pattern": [0, 1, 0, 1, 0, 1]})
    d = nest.GetDefaults("stdp_facetshw_synapse_hom")
    assert list(d["lookuptable_2"]) == [15] * 16 and list(d["reset_pattern"]) == [0, 1, 0, 1, 0, 1]


def test_connection_properties(nest):
    n = nest.Create("parrot_neuron", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": "stdp_facetshw_synapse_hom", "a_causal": 1.0, "synapse_id": 7})
    c = nest.GetConnections()
    st = c.get()
    assert st["synapse_id"] == 7 and st["a_causal"] == 1.0 and st["init_flag"] is False
    c.set(synapse_id=3, init_flag=True, a_thresh_th=2.0)
    st = c.get()
    assert st["synapse_id"] == 3 and st["init_flag"] is True and st["a_thresh_th"] == 2.0


def _unchanged(fn, error, match=None):
    before = nest.num_connections
    with pytest.raises(error, match=match):
        fn()
    assert nest.num_connections == before


def test_errors(nest):
    E = nest.NESTErrors
    model = "stdp_facetshw_synapse_hom"
    n = nest.Create("parrot_neuron", 2)
    nest.Connect(n[0], n[1], syn_spec={"synapse_model": model})
    before = nest.GetDefaults(model)
    # NEST: BadProperty "Look-up table has not 2^4 entries!", "Look-up table entries must be integers in
    # [0,15]", "Wrong number of configuration bits (!=4).", "Wrong number of reset bits (!=6).";
    # TypeMismatch for non-integer entries
    for bad, error in (
        ({"lookuptable_0": [1, 2, 3]}, E.BadProperty),
        ({"lookuptable_1": [16] * 16}, E.BadProperty),
        ({"lookuptable_2": [-1] + [0] * 15}, E.BadProperty),
        ({"configbit_0": [1, 0, 0]}, E.BadProperty),
        ({"reset_pattern": [1, 0, 0]}, E.BadProperty),
        ({"lookuptable_0": [1.5] * 16}, E.TypeMismatch),
        ({"synapses_per_driver": 0}, E.BadProperty),  # NEST divides by zero
        ({"driver_readout_time": 0.0}, E.BadProperty),  # NEST loops forever at the next readout
    ):
        with pytest.raises(error):
            nest.SetDefaults(model, bad)
    after = nest.GetDefaults(model)
    for k in ("lookuptable_0", "lookuptable_1", "lookuptable_2", "configbit_0", "reset_pattern"):
        assert list(after[k]) == list(before[k])
    syn = {"synapse_model": model}
    # NEST (NotImplemented): common properties only through SetDefaults/CopyModel
    _unchanged(lambda: nest.Connect(n[0], n[1], syn_spec=dict(syn, tau_plus=5.0)), E.BadProperty, "tau_plus")
    _unchanged(lambda: nest.Connect(n[0], n[1], syn_spec=dict(syn, lookuptable_0=LUT2)), E.BadProperty)
    # NEST: IllegalConnection "The target node or synapse model does not support spike input." (devices)
    sg = nest.Create("spike_generator")
    _unchanged(lambda: nest.Connect(sg, n[1], syn_spec=syn), E.IllegalConnection, "spike input")
    # the target keeps no spike history
    _unchanged(lambda: nest.Connect(n[0], nest.Create("spike_recorder"), syn_spec=syn), E.IllegalConnection)
