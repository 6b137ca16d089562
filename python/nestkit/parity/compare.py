"""Compare nestkit RUNs with NEST's reference RUNs under the README's tolerance categories.

Every comparison is recorded as a :class:`Finding` with the fraction of its
allowance it used (``ratio``), so a passing case can still say how close it came
and a failing one can say exactly where it went wrong.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Sequence

import numpy as np

from .stats import SPIKE_KEYS, compare_statistics, is_spike_events

#: Analog recorders must sample at the same times up to this many ms.
ANALOG_TIME_TOL_MS = 1e-9
#: Slack on "within one resolution step" so that e.g. 12.300000000000001 is not a miss.
STEP_SLACK_MS = 1e-9
#: Resolution assumed when a scenario does not set one (NEST's default).
DEFAULT_RESOLUTION_MS = 0.1


@dataclass(frozen=True)
class Tolerance:
    """One category's allowance: ``|x - r| <= atol + rtol*max|r|``; spike times within ``spike_ms``."""

    atol: float
    rtol: float
    spike_ms: float | None  # None: one resolution step


TOLERANCES: Dict[str, Tolerance] = {
    "A": Tolerance(1e-9, 1e-9, 1e-6),
    "B": Tolerance(1e-6, 1e-6, 1e-6),
    "C": Tolerance(1e-3, 1e-3, None),
}


# --------------------------------------------------------------------------- findings


@dataclass
class Finding:
    """One check: where, how much of the allowance was used, and whether it passed."""

    where: str
    ratio: float
    detail: str
    ok: bool
    measured: bool = False  # a tolerance check (preferred over exact ones when reporting the worst)


class Findings:
    """Collects checks; the case passes iff none failed."""

    def __init__(self) -> None:
        self.items: List[Finding] = []

    def measure(self, where: str, deviation: float, allowed: float, detail: str) -> None:
        """A quantitative check: passes iff ``deviation <= allowed``."""
        if deviation == 0:
            ratio = 0.0
        else:
            ratio = deviation / allowed if allowed > 0 else math.inf
        self.items.append(Finding(where, ratio, detail, bool(deviation <= allowed), measured=True))

    def mismatch(self, where: str, detail: str) -> None:
        """A structural difference (ids, counts, shapes): always a failure."""
        self.items.append(Finding(where, math.inf, detail, False))

    def match(self, where: str, detail: str = "equal") -> None:
        """An exact check that passed."""
        self.items.append(Finding(where, 0.0, detail, True))

    @property
    def failures(self) -> List[Finding]:
        return [f for f in self.items if not f.ok]

    def worst(self, among: Sequence[Finding] | None = None) -> Finding | None:
        """The finding with the largest ratio; among equals a tolerance check, then the first."""
        pool = self.items if among is None else list(among)
        if not pool:
            return None
        best = pool[0]
        for finding in pool[1:]:
            if (finding.ratio, finding.measured) > (best.ratio, best.measured):
                best = finding
        return best


# --------------------------------------------------------------------------- case level


@dataclass
class CaseResult:
    """The verdict on one scenario, as printed by the CLI and written by ``--json``."""

    name: str
    status: str  # "PASS", "FAIL" or "UNSUPPORTED"
    category: str = ""
    n_failures: int = 0
    worst: Finding | None = None
    needs: List[str] = field(default_factory=list)
    message: str = ""

    def to_dict(self) -> Dict[str, Any]:
        worst = None
        if self.worst is not None:
            ratio = self.worst.ratio if math.isfinite(self.worst.ratio) else None
            worst = {"where": self.worst.where, "ratio": ratio, "detail": self.worst.detail}
        return {
            "name": self.name,
            "status": self.status,
            "category": self.category,
            "n_failures": self.n_failures,
            "worst": worst,
            "needs": self.needs,
            "message": self.message,
        }


def compare_case(spec: dict, nk_runs: List[dict], ref_runs: List[dict]) -> Findings:
    """All checks for one case: statistics for category D, value comparisons otherwise."""
    category = spec.get("category", "A")
    findings = Findings()
    if not ref_runs:
        findings.mismatch("reference", "reference has no runs")
        return findings
    if category == "D":
        for check in compare_statistics(spec, nk_runs, ref_runs):
            detail = (
                f"nestkit mean {check.mean_nk:.6g} vs reference {check.mean_ref:.6g}, "
                f"|Δ|={abs(check.mean_nk - check.mean_ref):.3g} (bound {check.bound:.3g})"
            )
            if check.detail:
                detail += f"; {check.detail}"
            findings.items.append(Finding(check.name, check.ratio, detail, check.ok, measured=True))
        return findings
    if len(nk_runs) != len(ref_runs):
        findings.mismatch("runs", f"{len(nk_runs)} runs vs {len(ref_runs)} in reference")
        return findings
    for nk_run, ref_run in zip(nk_runs, ref_runs):
        compare_run(spec, nk_run, ref_run, findings)
    return findings


def case_result(spec: dict, findings: Findings) -> CaseResult:
    """Turn the checks of a supported case into PASS/FAIL with the worst deviation."""
    failures = findings.failures
    return CaseResult(
        name=spec["name"],
        status="FAIL" if failures else "PASS",
        category=spec.get("category", ""),
        n_failures=len(failures),
        worst=findings.worst(failures or None),
    )


def format_result_line(result: CaseResult) -> str:
    """One line per case: ``PASS name  worst=...``, ``FAIL name  ...``, ``UNSUPPORTED name  needs: ...``."""
    if result.status == "UNSUPPORTED":
        return f"UNSUPPORTED {result.name}  needs: {', '.join(result.needs) or result.message}"
    if result.message:  # an error while running, or a missing reference
        return f"{result.status} {result.name}  {result.message}"
    worst = result.worst
    if result.status == "PASS":
        if worst is None:
            return f"PASS {result.name}  worst=n/a (nothing compared)"
        return f"PASS {result.name}  worst={_ratio_text(worst.ratio)} ({worst.detail}) at {worst.where}"
    if worst is None:
        return f"FAIL {result.name}  (no failing check recorded)"
    more = f" [+{result.n_failures - 1} more failures]" if result.n_failures > 1 else ""
    return f"FAIL {result.name}  {worst.where}: {worst.detail} [{_ratio_text(worst.ratio)}]{more}"


def _ratio_text(ratio: float) -> str:
    return "mismatch" if math.isinf(ratio) else f"{ratio:.3g}x allowed"


def format_summary(results: Sequence[CaseResult]) -> str:
    """The closing line: ``N passed, M failed, K unsupported``."""
    counts = Counter(r.status for r in results)
    return f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['UNSUPPORTED']} unsupported"


# --------------------------------------------------------------------------- run level


def compare_run(spec: dict, nk_run: dict, ref_run: dict, findings: Findings | None = None) -> Findings:
    """Compare one nestkit RUN with one reference RUN under the scenario's category (A-C)."""
    findings = Findings() if findings is None else findings
    tol = TOLERANCES[spec.get("category", "A")]
    resolution = float((spec.get("kernel") or {}).get("resolution", DEFAULT_RESOLUTION_MS))
    spike_tol = tol.spike_ms if tol.spike_ms is not None else resolution + STEP_SLACK_MS
    for device, ref_events in ref_run.get("events", {}).items():
        where = f"events[{device}]"
        nk_events = nk_run.get("events", {}).get(device)
        if nk_events is None:
            findings.mismatch(where, "device not recorded by nestkit")
        elif is_spike_events(ref_events):
            compare_spikes(findings, where, nk_events, ref_events, spike_tol)
        else:
            compare_analog(findings, where, nk_events, ref_events, tol)
    for node_id, keys in ref_run.get("status", {}).items():
        for key, ref_values in keys.items():
            nk_values = nk_run.get("status", {}).get(node_id, {}).get(key)
            _compare_present(findings, f"status[{node_id}].{key}", nk_values, ref_values, tol)
    for name, ref_table in ref_run.get("connections", {}).items():
        nk_table = nk_run.get("connections", {}).get(name)
        if nk_table is None:
            findings.mismatch(f"connections[{name}]", "missing in nestkit run")
        else:
            compare_connections(findings, f"connections[{name}]", nk_table, ref_table, tol)
    for name, ref_value in (ref_run.get("queries") or {}).items():
        nk_value = (nk_run.get("queries") or {}).get(name)
        _compare_present(findings, f"queries[{name}]", nk_value, ref_value, tol)
    return findings


def _compare_present(findings: Findings, where: str, actual: Any, expected: Any, tol: Tolerance) -> None:
    if actual is None:
        findings.mismatch(where, "missing in nestkit run")
    else:
        compare_values(findings, where, actual, expected, tol)


# --------------------------------------------------------------------------- spikes


def compare_spikes(findings: Findings, where: str, actual: dict, expected: dict, spike_tol: float) -> None:
    """Sender by sender: the same number of spikes, sorted times within ``spike_tol`` ms."""
    nk = _group_by_sender(actual)
    ref = _group_by_sender(expected)
    senders = sorted(set(nk) | set(ref))
    if not senders:
        findings.match(where, "no spikes on either side")
    empty = np.empty(0)
    for sender in senders:
        a, r = nk.get(sender, empty), ref.get(sender, empty)
        here = f"{where} sender {sender}"
        if a.size != r.size:
            findings.mismatch(
                here, f"{a.size} spikes vs {r.size} in reference; {_first_spike_difference(a, r, spike_tol)}"
            )
        elif a.size:
            dev = np.abs(a - r)
            i = int(np.argmax(dev))
            detail = f"|Δt|={dev[i]:.3g} ms, allowed {spike_tol:.3g} ms"
            findings.measure(f"{here} spike {i} (t={r[i]:.10g} ms)", float(dev[i]), spike_tol, detail)
    for key in sorted(set(expected) - SPIKE_KEYS):
        _compare_int_key_per_sender(findings, f"{where}.{key}", actual, expected, key)


def _group_by_sender(events: dict) -> Dict[int, np.ndarray]:
    senders = np.asarray(events.get("senders", []), dtype=np.int64)
    times = np.asarray(events.get("times", []), dtype=float)
    return {int(s): np.sort(times[senders == s]) for s in np.unique(senders)}


def _first_spike_difference(a: np.ndarray, r: np.ndarray, tol: float) -> str:
    for i in range(min(a.size, r.size)):
        if abs(a[i] - r[i]) > tol:
            return f"first difference at spike {i}: t={a[i]:.10g} vs reference t={r[i]:.10g} ms"
    if a.size > r.size:
        return f"extra spike at t={a[r.size]:.10g} ms"
    return f"missing spike at t={r[a.size]:.10g} ms"


def _compare_int_key_per_sender(findings: Findings, where: str, actual: dict, expected: dict, key: str) -> None:
    """Integer extras of spike events (e.g. ports) must match as a multiset per sender."""
    if key not in actual:
        findings.mismatch(where, "missing in nestkit events")
        return

    def per_sender(events: dict) -> Dict[int, List[int]]:
        grouped: Dict[int, List[int]] = {}
        for sender, value in zip(events.get("senders", []), events[key]):
            grouped.setdefault(int(sender), []).append(int(value))
        return {s: sorted(v) for s, v in grouped.items()}

    if per_sender(actual) == per_sender(expected):
        findings.match(where)
    else:
        findings.mismatch(where, "values per sender differ")


# --------------------------------------------------------------------------- analog


def compare_analog(findings: Findings, where: str, actual: dict, expected: dict, tol: Tolerance) -> None:
    """Same senders in the same order, same sample times, then every series within tolerance."""
    missing = [key for key in expected if key not in actual]
    if missing:
        findings.mismatch(where, f"keys missing in nestkit events: {', '.join(sorted(missing))}")
        return
    senders = np.asarray(expected["senders"])
    times = np.asarray(expected.get("times", []), dtype=float)
    if not _same_ids(findings, f"{where}.senders", actual["senders"], expected["senders"]):
        return

    def locate(index: int) -> str:
        if index < times.size:
            return f"index {index} (sender {senders[index]}, t={times[index]:.10g} ms)"
        return f"index {index}"

    if "times" in expected:
        nk_times = np.asarray(actual["times"], dtype=float)
        if nk_times.shape != times.shape:
            findings.mismatch(f"{where}.times", f"{nk_times.size} samples vs {times.size} in reference")
            return
        _compare_series(findings, f"{where}.times", nk_times, times, Tolerance(ANALOG_TIME_TOL_MS, 0.0, None), locate)
    for key in sorted(set(expected) - SPIKE_KEYS):
        compare_values(findings, f"{where}.{key}", actual[key], expected[key], tol, locate)


def _same_ids(findings: Findings, where: str, actual: Sequence[Any], expected: Sequence[Any]) -> bool:
    a = np.asarray(actual, dtype=np.int64)
    r = np.asarray(expected, dtype=np.int64)
    if a.shape != r.shape:
        findings.mismatch(where, f"{a.size} entries vs {r.size} in reference")
        return False
    differ = np.flatnonzero(a != r)
    if differ.size:
        i = int(differ[0])
        findings.mismatch(where, f"first difference at index {i}: {a[i]} vs reference {r[i]} ({differ.size} differ)")
        return False
    findings.match(where)
    return True


# --------------------------------------------------------------------------- generic values


def compare_values(
    findings: Findings,
    where: str,
    actual: Any,
    expected: Any,
    tol: Tolerance,
    locate: Callable[[int], str] | None = None,
) -> None:
    """Integers exactly, floats within tolerance, anything else structurally/by equality."""
    exp = _numeric_array(expected)
    act = _numeric_array(actual)
    if exp is None or act is None:
        _compare_structure(findings, where, actual, expected, tol)
        return
    if act.shape != exp.shape:
        findings.mismatch(where, f"shape {act.shape} vs reference {exp.shape}")
        return
    if exp.dtype.kind in "iub" and act.dtype.kind in "iub":
        _compare_exact(findings, where, act, exp, locate)
    else:
        _compare_series(findings, where, act.astype(float), exp.astype(float), tol, locate)


def _numeric_array(value: Any) -> np.ndarray | None:
    """``value`` as a numeric ndarray, or None for strings, dicts and ragged lists."""
    if isinstance(value, (dict, str)):
        return None
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        return None
    if array.size == 0:
        return array.astype(float)
    return array if array.dtype.kind in "iubf" else None


def _compare_structure(findings: Findings, where: str, actual: Any, expected: Any, tol: Tolerance) -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            _compare_present(findings, f"{where}.{key}", actual.get(key), value, tol)
    elif isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(actual) != len(expected):
            findings.mismatch(where, f"{len(actual)} entries vs {len(expected)} in reference")
            return
        for i, (a, e) in enumerate(zip(actual, expected)):
            compare_values(findings, f"{where}[{i}]", a, e, tol)
    elif actual == expected:
        findings.match(where)
    else:
        findings.mismatch(where, f"{actual!r} vs reference {expected!r}")


def _default_locate(shape: tuple) -> Callable[[int], str]:
    def locate(flat: int) -> str:
        index = np.unravel_index(flat, shape) if len(shape) > 1 else flat
        return f"index {tuple(int(i) for i in index) if len(shape) > 1 else index}"

    return locate


def _compare_exact(
    findings: Findings, where: str, act: np.ndarray, exp: np.ndarray, locate: Callable[[int], str] | None
) -> None:
    locate = locate or _default_locate(exp.shape)
    differ = np.flatnonzero(act.ravel() != exp.ravel())
    if differ.size:
        i = int(differ[0])
        findings.mismatch(
            f"{where} {locate(i)}", f"{act.ravel()[i]} vs reference {exp.ravel()[i]} ({differ.size} differ)"
        )
    else:
        findings.match(where)


def _compare_series(
    findings: Findings,
    where: str,
    act: np.ndarray,
    exp: np.ndarray,
    tol: Tolerance,
    locate: Callable[[int], str] | None,
) -> None:
    """``max|x - r| <= atol + rtol*max|r|``; NaN matches only NaN."""
    if exp.size == 0:
        findings.match(where, "empty")
        return
    locate = locate or _default_locate(exp.shape)
    a, r = act.ravel(), exp.ravel()
    with np.errstate(invalid="ignore"):
        dev = np.where(a == r, 0.0, np.abs(a - r))
    dev[np.isnan(a) & np.isnan(r)] = 0.0
    dev[np.isnan(dev)] = math.inf
    finite = np.abs(r[np.isfinite(r)])
    allowed = tol.atol + tol.rtol * (float(finite.max()) if finite.size else 0.0)
    i = int(np.argmax(dev))
    detail = f"max|Δ|={dev[i]:.3g}, allowed {allowed:.3g}; nestkit {float(a[i])!r} vs reference {float(r[i])!r}"
    findings.measure(f"{where} {locate(i)}", float(dev[i]), allowed, detail)


# --------------------------------------------------------------------------- connections


def compare_connections(findings: Findings, where: str, actual: dict, expected: dict, tol: Tolerance) -> None:
    """Connections as a set: rows sorted by (source, target, values...) on both sides, then compared."""
    keys = list(expected)
    missing = [key for key in keys if key not in actual]
    if missing:
        findings.mismatch(where, f"keys missing in nestkit connections: {', '.join(missing)}")
        return
    n_ref, n_nk = len(expected.get("source", [])), len(actual.get("source", []))
    if n_ref != n_nk:
        findings.mismatch(where, f"{n_nk} connections vs {n_ref} in reference; {_pair_difference(actual, expected)}")
        return
    if n_ref == 0:
        findings.match(where, "no connections on either side")
        return
    act_cols = _sorted_columns(actual, keys)
    exp_cols = _sorted_columns(expected, keys)
    id_keys = [k for k in keys if k in ("source", "target")]
    for key in id_keys:
        if not _same_ids(findings, f"{where}.{key} (sorted)", act_cols[key], exp_cols[key]):
            return
    sources, targets = exp_cols.get("source", []), exp_cols.get("target", [])

    def locate(i: int) -> str:
        return f"row {i} ({sources[i]}->{targets[i]})" if sources and targets else f"row {i}"

    for key in keys:
        if key not in id_keys:
            compare_values(findings, f"{where}.{key}", act_cols[key], exp_cols[key], tol, locate)


def _sorted_columns(table: dict, keys: List[str]) -> Dict[str, list]:
    rows = sorted(zip(*(table[key] for key in keys)), key=lambda row: tuple(_sortable(v) for v in row))
    return {key: [row[j] for row in rows] for j, key in enumerate(keys)}


def _sortable(value: Any) -> Any:
    return tuple(_sortable(v) for v in value) if isinstance(value, (list, tuple)) else value


def _pair_difference(actual: dict, expected: dict) -> str:
    """Name one (source, target) pair present on only one side, to point at the difference."""
    nk = Counter(zip(actual.get("source", []), actual.get("target", [])))
    ref = Counter(zip(expected.get("source", []), expected.get("target", [])))
    only_ref, only_nk = ref - nk, nk - ref
    if only_ref:
        s, t = min(only_ref)
        return f"e.g. {s}->{t} only in reference ({sum(only_ref.values())} such)"
    if only_nk:
        s, t = min(only_nk)
        return f"e.g. {s}->{t} only in nestkit ({sum(only_nk.values())} such)"
    return "same (source, target) pairs with different multiplicities"
