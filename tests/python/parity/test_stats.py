"""Category D statistics and their seed-mean comparison."""

from __future__ import annotations

import copy
import math
import os
from pathlib import Path

import numpy as np
import pytest
from nestkit.parity.compare import case_result, compare_case
from nestkit.parity.scenario import load_json
from nestkit.parity.stats import (
    compare_statistics,
    cv_isi,
    mean_test,
    population_size,
    psth,
    run_statistics,
)

REPO = Path(__file__).resolve().parents[3]
CORPUS = Path(os.environ.get("NESTKIT_PARITY_DIR", REPO.parent / "shared" / "parity"))
needs_corpus = pytest.mark.usefixtures("corpus_dir")

RATE_HZ = 25.0
DURATION_MS = 2000.0


def poisson_spec(n_nodes: int = 40) -> dict:
    """A spike-recorder scenario over ``n_nodes`` parrots (only the structure matters here)."""
    return {
        "name": "synthetic",
        "category": "D",
        "nodes": [
            {"id": "p", "model": "parrot_neuron", "n": n_nodes},
            {"id": "sr", "model": "spike_recorder", "n": 1},
        ],
        "connect": [{"pre": "p", "post": "sr"}],
        "simulate": [DURATION_MS / 2, DURATION_MS / 2],
        "record": ["sr"],
        "statistics": ["rate_per_sender", "cv_isi", "psth_10ms"],
        "seeds": [1, 2, 3, 4, 5],
    }


def poisson_run(seed: int, n_firing: int = 40, rate_hz: float = RATE_HZ, first_id: int = 1) -> dict:
    """Independent Poisson trains of ``rate_hz`` for nodes ``first_id .. first_id + n_firing - 1``."""
    rng = np.random.default_rng(seed)
    senders, times = [], []
    for node in range(first_id, first_id + n_firing):
        count = rng.poisson(rate_hz * DURATION_MS / 1000.0)
        spikes = np.sort(rng.uniform(0.0, DURATION_MS, count))
        senders += [node] * count
        times += spikes.tolist()
    order = np.argsort(times, kind="stable")
    return {
        "seed": seed,
        "events": {"sr": {"senders": [senders[i] for i in order], "times": [times[i] for i in order]}},
        "status": {},
        "connections": {},
    }


def test_rate_per_sender_recovers_known_rate() -> None:
    stats = run_statistics(poisson_spec(), poisson_run(7))
    (rate,) = stats["rate_per_sender[sr]"]
    # 2000 expected spikes: the relative s.d. is ~2.2 %, so 8 % is > 3.5 s.d.
    assert rate == pytest.approx(RATE_HZ, rel=0.08)


def test_rate_counts_silent_nodes_from_the_scenario() -> None:
    """Half the population never fires: the mean over all connected nodes halves."""
    stats = run_statistics(poisson_spec(n_nodes=80), poisson_run(7, n_firing=40))
    (rate,) = stats["rate_per_sender[sr]"]
    assert rate == pytest.approx(RATE_HZ / 2, rel=0.08)


def test_population_size_expands_slices_once_and_uses_layer_shapes() -> None:
    spec = {
        "nodes": [
            {"id": "n", "model": "iaf_psc_alpha", "n": 10},
            {"id": "L", "model": "iaf_psc_alpha", "positions": {"grid": {"shape": [3, 4]}}},
            {"id": "F", "model": "iaf_psc_alpha", "positions": {"free": {"pos": [[0, 0], [1, 1]]}}},
            {"id": "sr", "model": "spike_recorder"},
        ],
        "connect": [
            {"pre": {"id": "n", "slice": [0, 5]}, "post": "sr"},
            {"pre": {"id": "n", "slice": [3, 8]}, "post": "sr"},
            {"pre": "L", "post": "sr"},
            {"pre": "F", "post": "sr"},
            {"pre": "n", "post": "L"},
        ],
    }
    assert population_size(spec, "sr") == 8 + 12 + 2


def test_cv_isi_of_poisson_trains_is_near_one_and_regular_trains_zero() -> None:
    run = poisson_run(11)
    cv = cv_isi(run["events"]["sr"]["senders"], run["events"]["sr"]["times"])
    assert cv == pytest.approx(1.0, abs=0.1)
    regular = np.arange(1.0, 100.0, 5.0)
    assert cv_isi([3] * regular.size, regular.tolist()) == pytest.approx(0.0, abs=1e-12)
    assert math.isnan(cv_isi([1, 1], [1.0, 2.0]))  # fewer than 3 spikes: undefined


def test_psth_bins_cover_the_summed_duration() -> None:
    run = poisson_run(5)
    counts = run_statistics(poisson_spec(), run)["psth_10ms[sr]"]
    assert len(counts) == int(DURATION_MS / 10)
    assert sum(counts) == len(run["events"]["sr"]["times"])
    assert psth([0.5, 9.9, 10.0, 25.0], 30.0) == [2.0, 1.0, 1.0]


def test_mean_test_bound() -> None:
    assert mean_test([1.0, 1.0, 1.0], [1.0, 1.0, 1.0]).ok
    # zero variance: only the 2 % relative term remains
    assert mean_test([101.9] * 5, [100.0] * 5).ok
    assert not mean_test([102.1] * 5, [100.0] * 5).ok
    # with spread the 3-sigma term widens the bound
    check = mean_test([10.0, 12.0, 14.0], [11.0, 12.0, 13.0])
    expected = 3 * math.sqrt(4.0 / 3 + 1.0 / 3) + 0.02 * 12.0
    assert check.bound == pytest.approx(expected)
    assert check.ok


def test_synthetic_sets_same_rate_pass_doubled_rate_fails() -> None:
    spec = poisson_spec()
    ref = [poisson_run(seed) for seed in range(5)]
    same = [poisson_run(100 + seed) for seed in range(5)]
    doubled = [poisson_run(200 + seed, rate_hz=2 * RATE_HZ) for seed in range(5)]
    assert all(c.ok for c in compare_statistics(spec, same, ref) if c.name.startswith("rate"))
    failed = {c.name for c in compare_statistics(spec, doubled, ref) if not c.ok}
    assert "rate_per_sender[sr]" in failed


@needs_corpus
def test_reference_set_against_itself_passes_and_doubled_rates_fail() -> None:
    spec = load_json(CORPUS / "scenarios" / "poisson_generator__stats.json")
    ref = load_json(CORPUS / "reference" / "poisson_generator__stats.json")["runs"]
    assert case_result(spec, compare_case(spec, copy.deepcopy(ref), ref)).status == "PASS"

    doubled = copy.deepcopy(ref)
    for run in doubled:  # every spike gets a twin 0.05 ms later: twice the rate
        events = run["events"]["sr"]
        events["senders"] = events["senders"] * 2
        events["times"] = events["times"] + [t + 0.05 for t in events["times"]]
    result = case_result(spec, compare_case(spec, doubled, ref))
    assert result.status == "FAIL"
    failed = {f.where for f in compare_case(spec, doubled, ref).failures}
    assert "rate_per_sender[sr]" in failed
    assert "psth_10ms[sr]" in failed


@needs_corpus
def test_trace_and_connection_count_statistics_on_references() -> None:
    spec = load_json(CORPUS / "scenarios" / "noise_generator__stats.json")
    ref = load_json(CORPUS / "reference" / "noise_generator__stats.json")["runs"]
    stats = run_statistics(spec, ref[0])
    assert set(stats) == {"trace_mean[mm.V_m]", "trace_std[mm.V_m]"}
    shifted = copy.deepcopy(ref)
    for run in shifted:
        run["events"]["mm"]["V_m"] = [v + 5.0 for v in run["events"]["mm"]["V_m"]]
    failed = {f.where for f in compare_case(spec, shifted, ref).failures}
    assert failed == {"trace_mean[mm.V_m]"}

    spec = load_json(CORPUS / "scenarios" / "spatial__probabilistic.json")
    ref = load_json(CORPUS / "reference" / "spatial__probabilistic.json")["runs"]
    counts = run_statistics(spec, ref[0])
    assert counts["n_connections[indeg]"] == [float(len(ref[0]["connections"]["indeg"]["source"]))]
    halved = copy.deepcopy(ref)
    for run in halved:
        table = run["connections"]["gauss"]
        for key in table:
            table[key] = table[key][::2]
    failed = {f.where for f in compare_case(spec, halved, ref).failures}
    assert failed == {"n_connections[gauss]"}
