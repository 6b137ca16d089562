"""nest.connection_rules: NEST 3.10's list, plus "conngen", and every listed rule connects.

NEST 3.10 built without libneurosim gives (live, nest.connection_rules)
NEST_310_RULES; built with it, "conngen" is added in sorted order. nestkit provides
"conngen" through the csa package, so it lists it whenever csa imports.
"""

import csa
import pytest

NEST_310_RULES = [
    "all_to_all",
    "fixed_indegree",
    "fixed_outdegree",
    "fixed_total_number",
    "one_to_one",
    "pairwise_bernoulli",
    "pairwise_poisson",
    "symmetric_pairwise_bernoulli",
]

RULE_PARAMS = {
    "fixed_indegree": {"indegree": 2},
    "fixed_outdegree": {"outdegree": 2},
    "fixed_total_number": {"N": 5},
    "pairwise_bernoulli": {"p": 0.5},
    "pairwise_poisson": {"pairwise_avg_num_conns": 1.5},
    "symmetric_pairwise_bernoulli": {"p": 0.5, "allow_autapses": False, "make_symmetric": True},
    "conngen": {"cg": csa.cset(csa.full, 3.0, 1.5), "params_map": {"weight": 0, "delay": 1}},
}


def test_rules_are_nest_s_with_conngen(nest):
    assert nest.connection_rules == sorted(NEST_310_RULES + ["conngen"])
    assert nest.GetKernelStatus("connection_rules") == nest.connection_rules
    assert list(nest.ConnectionRules()) == nest.connection_rules
    assert nest.build_info["have_libneurosim"] is True


@pytest.mark.parametrize("rule", sorted(NEST_310_RULES + ["conngen"]))
def test_every_listed_rule_connects(nest, rule):
    nest.SetKernelStatus({"rng_seed": 3})
    nodes = nest.Create("iaf_psc_alpha", 4)
    nest.Connect(nodes, nodes, {"rule": rule, **RULE_PARAMS.get(rule, {})})
    assert nest.num_connections > 0


def test_conngen_is_listed_only_with_csa(nest, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "csa", None)
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "csa" else object())
    assert "conngen" not in nest.connection_rules
    assert nest.build_info["have_libneurosim"] is False
