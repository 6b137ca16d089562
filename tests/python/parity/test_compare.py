"""Tolerance comparison (categories A-C, and D through the same entry point)."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import numpy as np
import pytest
from nestkit.parity.compare import (
    TOLERANCES,
    CaseResult,
    Finding,
    case_result,
    compare_case,
    format_result_line,
    format_summary,
)
from nestkit.parity.scenario import load_json

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("NESTKIT_PARITY_DIR", REPO.parent / "shared" / "parity"))
SCENARIOS = sorted((CORPUS / "scenarios").glob("*.json"))

needs_corpus = pytest.mark.usefixtures("corpus_dir")


def load_case(name: str) -> tuple[dict, dict]:
    return load_json(CORPUS / "scenarios" / f"{name}.json"), load_json(CORPUS / "reference" / f"{name}.json")


def judge(spec: dict, nk_runs: list, ref_runs: list) -> CaseResult:
    return case_result(spec, compare_case(spec, nk_runs, ref_runs))


@needs_corpus
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_reference_matches_itself(path: Path) -> None:
    spec, ref = load_case(path.stem)
    result = judge(spec, copy.deepcopy(ref["runs"]), ref["runs"])
    assert result.status == "PASS", format_result_line(result)


@needs_corpus
def test_analog_perturbation_of_ten_tolerances_fails_and_names_device_and_key() -> None:
    spec, ref = load_case("kernel__delay_chain")
    nk = copy.deepcopy(ref["runs"])
    series = nk[0]["events"]["mm"]["V_m"]
    tol = TOLERANCES[spec["category"]]
    series[500] += 10 * (tol.atol + tol.rtol * np.max(np.abs(ref["runs"][0]["events"]["mm"]["V_m"])))
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert result.n_failures == 1
    assert "events[mm].V_m" in result.worst.where and "index 500" in result.worst.where
    assert 9.0 < result.worst.ratio < 11.0
    line = format_result_line(result)
    assert line.startswith("FAIL kernel__delay_chain  events[mm].V_m index 500")


@needs_corpus
def test_perturbation_within_tolerance_passes() -> None:
    spec, ref = load_case("kernel__delay_chain")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["events"]["mm"]["V_m"][500] += 0.5 * TOLERANCES["A"].atol
    assert judge(spec, nk, ref["runs"]).status == "PASS"


@needs_corpus
def test_category_b_tolerance_is_looser_than_a() -> None:
    spec, ref = load_case("kernel__delay_chain")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["events"]["mm"]["V_m"][7] += 1e-6  # 1e-6 << atol_B + rtol_B * ~70 mV
    assert judge(spec, nk, ref["runs"]).status == "FAIL"
    assert judge(dict(spec, category="B"), nk, ref["runs"]).status == "PASS"


@needs_corpus
def test_dropping_a_spike_fails_naming_the_sender() -> None:
    spec, ref = load_case("network__explicit_iaf_psc_alpha")
    nk = copy.deepcopy(ref["runs"])
    events = nk[0]["events"]["sr"]
    sender = events["senders"].pop(10)
    events["times"].pop(10)
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert result.worst.where == f"events[sr] sender {sender}"
    assert "spikes vs" in result.worst.detail


@needs_corpus
def test_analog_sample_time_mismatch_fails() -> None:
    spec, ref = load_case("kernel__delay_chain")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["events"]["mm"]["times"][3] += 1e-6
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert "events[mm].times" in result.worst.where


@needs_corpus
def test_spike_shift_of_2e6_ms_fails_in_a_but_passes_in_c() -> None:
    spec, ref = load_case("network__explicit_iaf_psc_alpha")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["events"]["sr"]["times"][25] += 2e-6
    assert judge(spec, nk, ref["runs"]).status == "FAIL"
    assert judge(dict(spec, category="C"), nk, ref["runs"]).status == "PASS"


@needs_corpus
def test_spike_shift_of_two_steps_fails_in_c() -> None:
    spec, ref = load_case("network__explicit_iaf_psc_alpha")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["events"]["sr"]["times"][25] += 0.2  # two steps of 0.1 ms
    assert judge(dict(spec, category="C"), nk, ref["runs"]).status == "FAIL"


@needs_corpus
def test_status_perturbation_fails() -> None:
    spec, ref = load_case("network__explicit_iaf_psc_alpha")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["status"]["n"]["V_m"][42] += 1e-3
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert result.worst.where == "status[n].V_m index 42"


@needs_corpus
def test_connections_in_shuffled_order_pass() -> None:
    spec, ref = load_case("spatial__masks_free")
    nk = copy.deepcopy(ref["runs"])
    table = nk[0]["connections"]["circ"]
    order = np.random.default_rng(3).permutation(len(table["source"]))
    assert not np.array_equal(order, np.arange(order.size))
    for key in table:
        table[key] = [table[key][i] for i in order]
    assert judge(spec, nk, ref["runs"]).status == "PASS"

    table["weight"][int(order[0])] += 1e-3  # the comparison still looks at values
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert "connections[circ].weight" in result.worst.where


@needs_corpus
def test_missing_connection_fails() -> None:
    spec, ref = load_case("spatial__masks_free")
    nk = copy.deepcopy(ref["runs"])
    for values in nk[0]["connections"]["rect"].values():
        values.pop(0)
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert result.worst.where == "connections[rect]"
    assert "only in reference" in result.worst.detail


@needs_corpus
def test_query_node_ids_must_match_exactly() -> None:
    spec, ref = load_case("spatial__grid_queries")
    nk = copy.deepcopy(ref["runs"])
    nk[0]["queries"]["nearest"][1] += 1
    result = judge(spec, nk, ref["runs"])
    assert result.status == "FAIL"
    assert result.worst.where.startswith("queries[nearest]")


@needs_corpus
def test_missing_device_fails() -> None:
    spec, ref = load_case("parrot_neuron__relay")
    nk = copy.deepcopy(ref["runs"])
    del nk[0]["events"]["sr"]
    assert judge(spec, nk, ref["runs"]).status == "FAIL"


def test_summary_and_result_lines() -> None:
    worst = Finding("events[mm].V_m index 3", 0.25, "max|Δ|=1e-10", True)
    results = [
        CaseResult("a", "PASS", "A", worst=worst),
        CaseResult("b", "FAIL", "A", n_failures=3, worst=Finding("events[sr] sender 4", float("inf"), "2 vs 3", False)),
        CaseResult("c", "UNSUPPORTED", "C", needs=["aeif_cond_alpha", "spatial"]),
        CaseResult("d", "FAIL", "A", message="error: ValueError: boom"),
        CaseResult("e", "PASS", "A"),
    ]
    lines = [format_result_line(r) for r in results]
    assert lines[0] == "PASS a  worst=0.25x allowed (max|Δ|=1e-10) at events[mm].V_m index 3"
    assert lines[1] == "FAIL b  events[sr] sender 4: 2 vs 3 [mismatch] [+2 more failures]"
    assert lines[2] == "UNSUPPORTED c  needs: aeif_cond_alpha, spatial"
    assert lines[3] == "FAIL d  error: ValueError: boom"
    assert lines[4].startswith("PASS e  worst=n/a")
    assert format_summary(results) == "2 passed, 2 failed, 1 unsupported"
    assert format_summary([]) == "0 passed, 0 failed, 0 unsupported"
