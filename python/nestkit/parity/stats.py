"""Category D: statistics over seeds.

Stochastic cases cannot match NEST's random streams, so each side is reduced to
per-seed statistics and only their means are compared, with the bound the README
defines: ``|mean_nk - mean_ref| <= 3*sqrt(var_nk/k + var_ref/k) + 0.02*|mean_ref|``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

import numpy as np

from .scenario import node_sizes, ref_id, ref_indices

#: Bin width of ``psth_10ms`` in ms.
PSTH_BIN_MS = 10.0
#: Fraction of PSTH bins that must pass for the PSTH statistic to pass.
PSTH_PASS_FRACTION = 0.95
#: Keys of spike-recorder events; any float series beyond them makes a recorder analog.
SPIKE_KEYS = frozenset({"senders", "times"})

Values = Dict[str, List[float]]  # statistic name -> one value per element (bins, or a single value)


# --------------------------------------------------------------------------- per-run statistics


def is_spike_events(events: dict) -> bool:
    """Spike-recorder data: only senders/times, plus at most integer-valued extras."""
    return all(key in SPIKE_KEYS or _all_integral(values) for key, values in events.items())


def _all_integral(values: Sequence[Any]) -> bool:
    return all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values)


def total_duration_ms(spec: dict) -> float:
    """Simulated time: the sum of the ``simulate`` calls."""
    return float(sum(spec.get("simulate", [])))


def population_size(spec: dict, recorder: str) -> int:
    """Number of distinct nodes connected into ``recorder`` (silent ones included)."""
    sizes = node_sizes(spec)
    members = set()
    for entry in spec.get("connect", []):
        if ref_id(entry["post"]) == recorder:
            members.update(ref_indices(entry["pre"], sizes))
    return len(members)


def rate_per_sender(times: Sequence[float], n_senders: int, duration_ms: float) -> float:
    """Mean firing rate in spikes/s over ``n_senders`` nodes during ``duration_ms``."""
    if n_senders <= 0 or duration_ms <= 0:
        return math.nan
    return len(times) / (n_senders * duration_ms / 1000.0)


def cv_isi(senders: Sequence[int], times: Sequence[float]) -> float:
    """Mean coefficient of variation of inter-spike intervals over senders with >= 3 spikes."""
    cvs = []
    for sender_times in _times_by_sender(senders, times).values():
        if len(sender_times) < 3:
            continue
        intervals = np.diff(sender_times)
        mean = intervals.mean()
        if mean > 0:
            cvs.append(intervals.std() / mean)
    return float(np.mean(cvs)) if cvs else math.nan


def psth(times: Sequence[float], duration_ms: float, bin_ms: float = PSTH_BIN_MS) -> List[float]:
    """Population spike count per ``bin_ms`` bin over ``[0, duration_ms]``."""
    n_bins = max(1, int(math.ceil(duration_ms / bin_ms - 1e-9)))
    counts, _ = np.histogram(np.asarray(times, dtype=float), bins=np.arange(n_bins + 1) * bin_ms)
    return counts.astype(float).tolist()


def _times_by_sender(senders: Sequence[int], times: Sequence[float]) -> Dict[int, np.ndarray]:
    senders_arr = np.asarray(senders, dtype=np.int64)
    times_arr = np.asarray(times, dtype=float)
    return {int(s): np.sort(times_arr[senders_arr == s]) for s in np.unique(senders_arr)}


def run_statistics(spec: dict, run: dict) -> Values:
    """All statistics the scenario asks for, computed on one RUN.

    Each spike recorder in ``record`` gets ``rate_per_sender``/``cv_isi``/``psth_10ms``,
    each analog recorder ``trace_mean``/``trace_std`` per variable, and each
    ``connections`` entry ``n_connections``.
    """
    wanted = set(spec.get("statistics", []))
    duration = total_duration_ms(spec)
    values: Values = {}
    for device in spec.get("record", []):
        events = run.get("events", {}).get(device, {})
        if is_spike_events(events):
            values.update(_spike_statistics(spec, device, events, wanted, duration))
        else:
            values.update(_trace_statistics(device, events, wanted))
    if "n_connections" in wanted:
        for entry in spec.get("connections", []):
            table = run.get("connections", {}).get(entry["name"], {})
            values[f"n_connections[{entry['name']}]"] = [float(len(table.get("source", [])))]
    return values


def _spike_statistics(spec: dict, device: str, events: dict, wanted: set, duration: float) -> Values:
    senders, times = events.get("senders", []), events.get("times", [])
    values: Values = {}
    if "rate_per_sender" in wanted:
        values[f"rate_per_sender[{device}]"] = [rate_per_sender(times, population_size(spec, device), duration)]
    if "cv_isi" in wanted:
        values[f"cv_isi[{device}]"] = [cv_isi(senders, times)]
    if "psth_10ms" in wanted:
        values[f"psth_10ms[{device}]"] = psth(times, duration)
    return values


def _trace_statistics(device: str, events: dict, wanted: set) -> Values:
    values: Values = {}
    for key in sorted(set(events) - SPIKE_KEYS):
        if events[key] and _all_integral(events[key]):
            continue  # ids (targets, ports, ...) are not traces
        series = np.asarray(events[key], dtype=float)
        if "trace_mean" in wanted:
            values[f"trace_mean[{device}.{key}]"] = [float(series.mean()) if series.size else math.nan]
        if "trace_std" in wanted:
            values[f"trace_std[{device}.{key}]"] = [float(series.std()) if series.size else math.nan]
    return values


# --------------------------------------------------------------------------- comparison


@dataclass
class StatCheck:
    """Outcome of one statistic (for PSTHs: the worst bin, with the fraction of passing bins)."""

    name: str
    ok: bool
    mean_nk: float
    mean_ref: float
    bound: float
    detail: str = ""

    @property
    def ratio(self) -> float:
        """|difference| / allowed bound: below 1 passes; the 'worst deviation' measure."""
        diff = abs(self.mean_nk - self.mean_ref)
        if math.isnan(diff):
            return 0.0 if self.ok else math.inf
        if self.bound > 0:
            return diff / self.bound
        return 0.0 if diff == 0 else math.inf


def mean_test(nk_values: Sequence[float], ref_values: Sequence[float]) -> StatCheck:
    """The README's test on per-seed values; NaNs (statistic undefined for a seed) are dropped."""
    nk = np.asarray([v for v in nk_values if not math.isnan(v)], dtype=float)
    ref = np.asarray([v for v in ref_values if not math.isnan(v)], dtype=float)
    if nk.size == 0 or ref.size == 0:
        ok = nk.size == ref.size
        detail = "" if ok else f"defined for {nk.size} nestkit seeds vs {ref.size} reference seeds"
        return StatCheck("", ok, _mean(nk), _mean(ref), 0.0, detail)
    mean_nk, mean_ref = float(nk.mean()), float(ref.mean())
    bound = 3.0 * math.sqrt(_var(nk) / nk.size + _var(ref) / ref.size) + 0.02 * abs(mean_ref)
    return StatCheck("", abs(mean_nk - mean_ref) <= bound, mean_nk, mean_ref, bound)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _var(values: np.ndarray) -> float:
    return float(values.var(ddof=1)) if values.size > 1 else 0.0


def compare_statistics(spec: dict, nk_runs: List[dict], ref_runs: List[dict]) -> List[StatCheck]:
    """Compare every statistic between the nestkit runs and the reference runs."""
    nk_stats = [run_statistics(spec, run) for run in nk_runs]
    ref_stats = [run_statistics(spec, run) for run in ref_runs]
    names = sorted({name for stats in ref_stats for name in stats} | {name for stats in nk_stats for name in stats})
    return [_compare_one(name, [s.get(name) for s in nk_stats], [s.get(name) for s in ref_stats]) for name in names]


def _compare_one(name: str, nk: List[Any], ref: List[Any]) -> StatCheck:
    if any(v is None for v in nk) or any(v is None for v in ref):
        return StatCheck(name, False, math.nan, math.nan, 0.0, "statistic missing on one side")
    n_elements = {len(v) for v in nk + ref}
    if len(n_elements) != 1:
        return StatCheck(name, False, math.nan, math.nan, 0.0, f"element counts differ: {sorted(n_elements)}")
    checks = [mean_test([v[i] for v in nk], [v[i] for v in ref]) for i in range(n_elements.pop())]
    worst_index = max(range(len(checks)), key=lambda i: checks[i].ratio)
    worst = checks[worst_index]
    worst.name = name
    if len(checks) == 1:
        return worst
    passed = sum(c.ok for c in checks) / len(checks)
    worst.ok = passed >= PSTH_PASS_FRACTION
    worst.detail = f"{passed:.0%} of {len(checks)} bins pass; worst bin {worst_index}"
    if worst.detail and not worst.ok:
        worst.detail += f" (need {PSTH_PASS_FRACTION:.0%})"
    return worst
