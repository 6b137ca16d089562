"""Property-based fuzzing of the PyNEST facade (issue 18).

Random sequences of Create / Connect / set / SetDefaults / SetKernelStatus / Simulate /
GetConnections().set with random, often invalid, models, keys and values (NaN, inf,
negative, huge, wrong types, lists of the wrong length, quantities of the wrong
dimension). Invariant: each call succeeds or raises a ``nestkit.NESTError`` (TypeError /
ValueError only where PyNEST itself raises those) with a non-empty message, and a
failed call leaves the kernel state exactly as it was.

Bounded for CI (derandomized); NESTKIT_FUZZ_EXAMPLES=<n> runs more locally.
"""

import math
import os

import nestkit
import nestkit.nest as nest
import nestkit.units as u
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("NESTKIT_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NODE_MODELS = [
    "iaf_psc_alpha",
    "iaf_psc_exp",
    "iaf_cond_exp",
    "aeif_cond_alpha",
    "parrot_neuron",
    "poisson_generator",
    "dc_generator",
    "spike_generator",
    "spike_recorder",
    "multimeter",
    "iaf_psc_alpah",  # misspelt
    "",
]
SYN_MODELS = ["static_synapse", "stdp_synapse", "tsodyks_synapse", "bogus_synapse"]
KEYS = [
    "V_m",
    "V_th",
    "C_m",
    "tau_m",
    "I_e",
    "t_ref",
    "E_L",
    "rate",
    "amplitude",
    "start",
    "stop",
    "origin",
    "spike_times",
    "record_from",
    "interval",
    "n_events",
    "weight",
    "delay",
    "tau_plus",
    "U",
    "bogus",
]
RULES = ["all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree", "pairwise_bernoulli", "bogus_rule"]

VALUES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e300, -1e300, 0.05, 0.1, 1.0, 2.5, 15.0, 300.0]),
    st.integers(min_value=-3, max_value=10),
    st.sampled_from(["abc", "", None, True, False, [], [1.0, 2.0, 3.0], [0.1, 0.2], ["V_m"], ["bogus"], {"a": 1}]),
    st.sampled_from([2.0 * u.mV, 3.0 * u.ms, 10.0 * u.pA, 1.0 * u.nS, 5.0 * u.Hz, 1.0 * u.mm]),
)
PARAMS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=2)

OPS = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(NODE_MODELS), st.integers(-1, 3), PARAMS),
    st.tuples(
        st.just("connect"),
        st.integers(0, 5),
        st.integers(0, 5),
        st.sampled_from(RULES),
        st.one_of(st.none(), st.integers(-1, 4), VALUES),
        st.sampled_from(SYN_MODELS),
        PARAMS,
    ),
    st.tuples(st.just("set"), st.integers(0, 5), PARAMS),
    st.tuples(st.just("defaults"), st.sampled_from(NODE_MODELS + SYN_MODELS), PARAMS),
    st.tuples(
        st.just("kernel"),
        st.sampled_from(["resolution", "rng_seed", "local_num_threads", "biological_time", "min_delay", "bogus"]),
        VALUES,
    ),
    st.tuples(st.just("simulate"), st.sampled_from([0.0, 0.1, 1.0, 5.0, 0.05, 0.123, -1.0, math.nan, math.inf, "x"])),
    st.tuples(st.just("conn_set"), PARAMS),
)

ALLOWED = (nestkit.NESTError, TypeError, ValueError)


def _norm(v):
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_norm(x) for x in v]
    if hasattr(v, "tolist"):
        return _norm(v.tolist())
    return v


def snapshot():
    ks = nest.GetKernelStatus()
    n = ks["network_size"]
    nodes = [nest.NodeCollection([i]).get() for i in range(1, n + 1)]
    conns = nest.GetConnections()
    table = conns.get() if len(conns) else []
    return _norm(
        {
            "network_size": n,
            "num_connections": ks["num_connections"],
            "biological_time": ks["biological_time"],
            "resolution": ks["resolution"],
            "nodes": nodes,
            "connections": table,
            "defaults": {m: nest.GetDefaults(m) for m in ("iaf_psc_alpha", "static_synapse", "stdp_synapse")},
        }
    )


def _nodes(k):
    n = nest.network_size
    if n == 0:
        return nest.NodeCollection([])
    k = k % n + 1
    return nest.NodeCollection(list(range(1, k + 1)))


def apply(op):
    kind = op[0]
    if kind == "create":
        _, model, n, params = op
        nest.Create(model, n, params=params or None)
    elif kind == "connect":
        _, a, b, rule, arg, syn, params = op
        conn = {"rule": rule}
        if rule in ("fixed_indegree", "fixed_outdegree"):
            conn["indegree" if rule == "fixed_indegree" else "outdegree"] = arg
        elif rule == "pairwise_bernoulli":
            conn["p"] = arg
        nest.Connect(_nodes(a), _nodes(b), conn, {"synapse_model": syn, **params})
    elif kind == "set":
        _nodes(op[1]).set(op[2])
    elif kind == "defaults":
        nest.SetDefaults(op[1], op[2])
    elif kind == "kernel":
        nest.SetKernelStatus({op[1]: op[2]})
    elif kind == "simulate":
        nest.Simulate(op[1])
    elif kind == "conn_set":
        conns = nest.GetConnections()
        if len(conns):
            conns.set(op[1])


STATS = {"calls": 0, "errors": 0}


@FUZZ
@given(st.lists(OPS, min_size=1, max_size=8))
def test_api_sequences_fail_cleanly(ops):
    nest.ResetKernel()
    for op in ops:
        before = snapshot()
        STATS["calls"] += 1
        try:
            apply(op)
        except ALLOWED as err:
            STATS["errors"] += 1
            STATS.setdefault(type(err).__name__, 0)
            STATS[type(err).__name__] += 1
            assert str(err).strip(), f"{op}: {type(err).__name__} without a message"
            after = snapshot()
            assert after == before, f"{op} raised {err!r} but changed the kernel state"
        if nest.network_size > 40 or nest.num_connections > 400:
            break


def test_fuzzer_exercises_both_outcomes():
    """Runs after the fuzz test: both successes and errors were seen."""
    assert STATS["calls"] > 0 and 0 < STATS["errors"] < STATS["calls"], STATS


# Regression tests for failures the fuzzer found.


def test_create_negative_count_is_badproperty():
    """Found by the fuzzer: Create(model, -1) leaked nanobind's 'incompatible function arguments'."""
    nest.ResetKernel()
    for n in (-1, 0):
        try:
            nest.Create("iaf_psc_alpha", n)
        except nestkit.BadProperty as err:
            assert "number of nodes" in str(err)
        else:
            raise AssertionError(f"Create with n={n} succeeded")
    assert nest.network_size == 0


def test_random_set_is_reproducible_after_reset_kernel():
    """Found while writing these tests: ResetKernel did not reset the counter that salts
    nodes.set(param=<random Parameter>), so the same script drew different values."""
    drawn = []
    for _ in range(2):
        nest.ResetKernel()
        nest.rng_seed = 12
        pop = nest.Create("iaf_psc_alpha", 3)
        pop.set(V_m=nest.random.uniform(-70.0, -55.0))
        drawn.append(pop.V_m)
    assert drawn[0] == drawn[1]
