"""Compare the summary statistics of one PyNEST example run on NEST and on nestkit.

:mod:`.example_probe` writes, for each side, what an example built and recorded in each of K
runs (one per ``rng_seed``); this module decides whether the two sides agree.  Random streams
differ between NEST and nestkit, so the runs agree only in distribution.  Every quantity is of
one of four kinds:

- **exact** (compared run by run): the number of sections (kernel resets), the simulated time,
  the nodes per model, the recorders' models, the sequence of connection rules, the connections
  made by deterministic rules, the samples taken by multimeters and voltmeters;
- **count** (means over the runs): numbers of random events (spikes and other events, senders
  that fired, connections made by random rules, correlation histograms' totals).  The means may
  differ by ``Z`` standard errors of their difference, each side's variance taken as at least
  its mean (Poisson: with few runs or few events the runs' own scatter can be zero by chance),
  plus ``rel`` of the larger mean;
- **value** (means over the runs): the mean and standard deviation of every recorded variable
  and of the weights per synapse model.  The means may differ by ``Z`` standard errors plus
  ``value_rel`` of the variable's spread (its largest standard deviation within a run); with a
  single run per side values are not compared;
- **seed-independent**: a value that is the same in every run on both sides does not depend on
  the seed, and must agree within ``SEED_INDEPENDENT_RTOL`` (category C's 1e-3 relative).

The tolerance class of an example (the gallery table names it) sets ``rel`` and ``value_rel``:
``independent`` (single neurons, generators and units without recurrent coupling), ``network``
(recurrent networks, whose rates fluctuate together) and ``structure`` (connectivity only:
exact and count kinds, recorded values not compared).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List

#: Standard deviations allowed by count and value checks.
Z = 4.0
#: Absolute slack for floating-point quantities that must agree exactly.
EXACT_ATOL = 1e-9
#: Relative tolerance of statistics that take the same value in every run on both sides.
SEED_INDEPENDENT_RTOL = 1e-3


@dataclass(frozen=True)
class ToleranceClass:
    """Margins of one class: ``rel`` of the larger magnitude, ``value_rel`` of a column's spread."""

    rel: float
    value_rel: float
    compare_values: bool = True


CLASSES: Dict[str, ToleranceClass] = {
    "independent": ToleranceClass(rel=0.05, value_rel=0.10),
    "network": ToleranceClass(rel=0.15, value_rel=0.25),
    "structure": ToleranceClass(rel=0.0, value_rel=0.0, compare_values=False),
}

#: Recorders that take samples on a fixed grid: their event count is exact.
SAMPLING_RECORDERS = frozenset({"multimeter", "voltmeter"})


@dataclass
class Check:
    """One compared quantity; ``bound`` is the allowed |nestkit - NEST|."""

    name: str
    kind: str  # exact, count, value
    nest: Any
    nestkit: Any
    bound: float = 0.0
    ok: bool = True

    def __str__(self) -> str:
        verdict = "ok  " if self.ok else "FAIL"
        if isinstance(self.nest, (int, float)) and isinstance(self.nestkit, (int, float)):
            return f"{verdict} {self.name} [{self.kind}] NEST {self.nest:.6g} nestkit {self.nestkit:.6g} bound {self.bound:.3g}"
        return f"{verdict} {self.name} [{self.kind}] NEST {self.nest!r} nestkit {self.nestkit!r}"


def compare(nest: dict, nestkit: dict, tolerance: str) -> List[Check]:
    """Every check of nestkit's runs against NEST's for the given class name.

    Exact quantities are compared run by run; count and value quantities are collected per run
    and their means over the runs compared (:func:`_mean_test`).
    """
    cls = CLASSES[tolerance]
    checks: List[Check] = [_exact("runs", len(nest["runs"]), len(nestkit["runs"]))]
    ref_samples: Dict[str, Sample] = {}
    nk_samples: Dict[str, Sample] = {}
    for r, (ref_run, nk_run) in enumerate(zip(nest["runs"], nestkit["runs"])):
        ref_sections, nk_sections = ref_run["sections"], nk_run["sections"]
        checks.append(_exact(f"r{r}.sections", len(ref_sections), len(nk_sections)))
        checks.append(_exact(f"r{r}.capped Simulate calls", ref_run["capped_calls"], nk_run["capped_calls"]))
        for i, (ref, nk) in enumerate(zip(ref_sections, nk_sections)):
            checks.extend(_exact_section(f"r{r}.s{i}", ref, nk))
            _collect(f"s{i}", ref, cls, ref_samples)
            _collect(f"s{i}", nk, cls, nk_samples)
    for name in sorted(ref_samples.keys() | nk_samples.keys()):
        if name not in ref_samples or name not in nk_samples:
            checks.append(Check(name, "value", name in ref_samples, name in nk_samples, 0.0, False))
            continue
        checks.append(_mean_test(name, ref_samples[name], nk_samples[name], cls))
    return checks


@dataclass
class Sample:
    """A statistic's values over the runs, with its kind and its within-run spread."""

    kind: str  # count or value
    values: List[float]
    spreads: List[float]


def _exact_section(prefix: str, ref: dict, nk: dict) -> List[Check]:
    checks = [
        _exact(f"{prefix}.time", ref["time"], nk["time"]),
        _exact(f"{prefix}.nodes", ref["nodes"], nk["nodes"]),
        _exact(f"{prefix}.recorders", [r["model"] for r in ref["recorders"]], [r["model"] for r in nk["recorders"]]),
        _exact(f"{prefix}.connect rules", [c["rule"] for c in ref["connects"]], [c["rule"] for c in nk["connects"]]),
    ]
    for j, (rc, kc) in enumerate(zip(ref["connects"], nk["connects"])):
        if rc["deterministic"]:
            checks.append(_exact(f"{prefix}.connect[{j}] {rc['rule']}", rc["n"], kc["n"]))
    for j, (rr, kr) in enumerate(zip(ref["recorders"], nk["recorders"])):
        if rr["model"] in SAMPLING_RECORDERS:
            checks.append(_exact(f"{prefix}.{rr['model']}[{j}].n_events", rr["n_events"], kr["n_events"]))
            checks.append(
                _exact(
                    f"{prefix}.{rr['model']}[{j}].columns", sorted(rr.get("columns", {})), sorted(kr.get("columns", {}))
                )
            )
    return checks


def _collect(prefix: str, section: dict, cls: ToleranceClass, samples: Dict[str, Sample]) -> None:
    """Adds one run's count and value statistics of a section to ``samples``."""

    def add(name: str, kind: str, value: float, spread: float = 0.0) -> None:
        sample = samples.setdefault(name, Sample(kind, [], []))
        sample.values.append(float(value))
        sample.spreads.append(float(spread))

    for j, connect in enumerate(section["connects"]):
        if not connect["deterministic"]:
            add(f"{prefix}.connect[{j}] {connect['rule']}", "count", connect["n"])
    for j, rec in enumerate(section["recorders"]):
        name = f"{prefix}.{rec['model']}[{j}]"
        for key, total in rec.get("histograms", {}).items():
            add(f"{name}.{key} total", "count", total)
        if rec["model"] not in SAMPLING_RECORDERS and rec["n_events"] >= 0:
            add(f"{name}.n_events", "count", rec["n_events"])
            if "n_senders" in rec:
                add(f"{name}.n_senders", "count", rec["n_senders"])
        if cls.compare_values:
            for key, col in rec.get("columns", {}).items():
                add(f"{name}.{key}.mean", "value", col["mean"], col["std"])
                add(f"{name}.{key}.std", "value", col["std"], col["std"])
    if cls.compare_values:
        for model, syn in section["synapses"].items():
            if "weight_mean" in syn:
                add(f"{prefix}.{model}.weight.mean", "value", syn["weight_mean"], syn["weight_std"])
                add(f"{prefix}.{model}.weight.std", "value", syn["weight_std"], syn["weight_std"])


def _mean_test(name: str, ref: Sample, nk: Sample, cls: ToleranceClass) -> Check:
    """Means over the runs within ``Z`` standard errors plus the class's margin.

    Counts use at least the Poisson variance (their mean): with few runs, or few events, the
    runs' own scatter can be zero or tiny by chance. With one run per side values are not
    compared (their standard error is unknown).
    """
    k_ref, k_nk = len(ref.values), len(nk.values)
    m_ref, m_nk = sum(ref.values) / k_ref, sum(nk.values) / k_nk
    if ref.kind == "count":
        v_ref, v_nk = max(_var(ref.values), m_ref), max(_var(nk.values), m_nk)
        margin = cls.rel * max(abs(m_ref), abs(m_nk))
    elif min(k_ref, k_nk) < 2:
        return Check(name, "value", m_ref, m_nk, math.inf, True)
    elif _var(ref.values) == 0.0 and _var(nk.values) == 0.0:
        # The same in every run on both sides: it does not depend on the seed, so it must agree
        # as a deterministic result does (category C's 1e-3, the loosest deterministic one).
        return _bounded(name, "seed-independent", m_ref, m_nk, SEED_INDEPENDENT_RTOL * max(1.0, abs(m_ref)))
    else:
        v_ref, v_nk = _var(ref.values), _var(nk.values)
        margin = cls.value_rel * max(max(ref.spreads), max(nk.spreads))
    standard_error = math.sqrt(v_ref / k_ref + v_nk / k_nk)
    return _bounded(name, ref.kind, m_ref, m_nk, Z * standard_error + margin + EXACT_ATOL * max(1.0, abs(m_ref)))


def _var(values: List[float]) -> float:
    """Sample variance (0 for a single value)."""
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _exact(name: str, ref: Any, nk: Any) -> Check:
    if isinstance(ref, float) or isinstance(nk, float):
        return _bounded(name, "exact", ref, nk, EXACT_ATOL * max(1.0, abs(ref)))
    return Check(name, "exact", ref, nk, 0.0, ref == nk)


def _bounded(name: str, kind: str, ref: float, nk: float, bound: float) -> Check:
    return Check(name, kind, ref, nk, bound, abs(nk - ref) <= bound)


def failures(checks: List[Check]) -> List[Check]:
    return [c for c in checks if not c.ok]
