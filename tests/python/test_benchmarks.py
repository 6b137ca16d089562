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
