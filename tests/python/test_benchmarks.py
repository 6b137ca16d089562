"""The benchmarks run (small and short) and give the right answer; figures are
measured by benchmarks/run_*.sh, never by tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(os.environ.get("NESTKIT_PARITY_DIR", REPO.parent / "shared" / "parity")).parent / "bench" / "brunel.py"


def run_brunel(*args: str) -> dict:
    if not BENCH.is_file():
        pytest.fail(f"benchmark script not found at {BENCH}")
    out = subprocess.run(
        [sys.executable, str(BENCH), "--backend", "nestkit", *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_brunel_rate_matches_nest():
    # NEST 3.10 gives 33.4-33.7 Hz on this network (shared/bench/README.md); the
    # first 200 ms already sit in the asynchronous irregular state.
    r = run_brunel("--order", "2500", "--simtime", "200", "--threads", "2")
    assert r["synapses"] == 15_637_550
    assert abs(r["rate_hz"] - 33.5) < 2.5, r


def test_brunel_identical_for_one_and_two_threads():
    a = run_brunel("--order", "500", "--simtime", "100", "--threads", "1")
    b = run_brunel("--order", "500", "--simtime", "100", "--threads", "2")
    assert a["rate_hz"] == b["rate_hz"] and a["synapses"] == b["synapses"]


# NEST 3.10 (PyPI wheel, 2 threads) on the same downscaled microcircuit, seeds 1-5 and
# 55: per-population rates over 500 ms after 200 ms, spikes/s. At N_scaling 0.1 with
# full in-degrees the rates swing with the network's realisation (L5E 9.8-15.3 Hz), so
# the check is NEST's range over these seeds with a 25 % margin either side.
PD14_NEST_RATES = {
    "L23E": [1.90, 3.76, 2.67, 3.63, 2.13, 2.64],
    "L23I": [4.46, 9.16, 6.12, 7.54, 5.62, 6.05],
    "L4E": [3.92, 4.05, 3.93, 4.06, 4.08, 3.96],
    "L4I": [6.11, 7.66, 7.07, 7.46, 6.40, 7.29],
    "L5E": [9.80, 15.33, 13.53, 12.69, 11.01, 11.67],
    "L5I": [9.66, 12.25, 10.98, 11.30, 10.23, 10.70],
    "L6E": [1.00, 1.07, 1.11, 1.03, 1.11, 1.27],
    "L6I": [8.48, 10.11, 9.60, 9.82, 9.06, 9.61],
}


def test_pd14_microcircuit_runs_unchanged_with_nest_rates():
    # INM-6's microcircuit package (PyPI `microcircuit` 1.0) imports `nest`; the benchmark
    # script hands it nestkit.nest and changes nothing else.
    script = REPO / "benchmarks" / "pd14_microcircuit.py"
    out = subprocess.run(
        [
            sys.executable,
            str(script),
            "--backend",
            "nestkit",
            "--scale",
            "0.1",
            "--k-scale",
            "1",
            "--presim",
            "200",
            "--sim",
            "500",
            "--seed",
            "1",
            "--threads",
            "2",
            "--rates",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    # Population sizes and fixed_total_number counts are the package's; NEST makes the same
    # 29,895,814 connections (recorders included) for every seed.
    assert r["neurons"] == 7717 and r["connections"] == 29_895_814, r
    for pop, nest_rates in PD14_NEST_RATES.items():
        lo, hi = 0.75 * min(nest_rates), 1.25 * max(nest_rates)
        assert lo <= r["rates_hz"][pop] <= hi, (pop, r["rates_hz"][pop], nest_rates)
