"""Run one PyNEST example unchanged and write summary statistics of what it built and recorded.

``python example_probe.py --module nest|nestkit.nest --out STATS.json [--simulate-cap MS] [--seeds N,N,...] SCRIPT``

The gallery's statistical check (tests/python/test_gallery.py) runs every example of that
class on both sides, under NEST 3.10's interpreter and under nestkit's, and compares the two
STATS files with :mod:`.example_stats`.  Like :mod:`.live_worker` this file is run by path
and imports only the standard library and numpy, so NEST's environment needs no nestkit.

The script itself is not edited.  The probe wraps a few of the module's functions before
the script runs:

- ``Connect`` (and ``TripartiteConnect``): each call's rule and the number of connections
  it made (``num_connections`` before and after), and the synapse models used;
- ``Simulate``/``Run``: with ``--simulate-cap MS`` each call simulates at most MS ms, the
  same on both sides (the documented way of keeping long examples short in CI);
- ``ResetKernel``: the state is summarised before every reset, so examples that build
  several networks one after another (trials, bisections) give one *section* each;
- with ``--seeds N1,N2,...``: the script runs once per seed in the same process; ``rng_seed``
  is set to the run's seed after import and after every reset, and a seed the script sets
  itself (``SetKernelStatus`` or ``nest.rng_seed = ...``) is replaced by a value derived from
  it and the run's seed, so that the runs are independent samples on both sides.

A section holds the simulated time, the node count per model, every recorder's model,
event count and statistics (spike recorders: events and distinct senders; other recorders:
mean, standard deviation, minimum and maximum of every float-valued event column), the
connection log, and per synapse model the number of connections and, for up to
``MAX_WEIGHTS`` connections, the mean and standard deviation of their weights.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import runpy
import sys
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

HERE = Path(__file__).resolve().parent
#: Rules whose connection count follows from the arguments alone.
DETERMINISTIC_RULES = frozenset({"all_to_all", "one_to_one", "fixed_indegree", "fixed_outdegree", "fixed_total_number"})
#: Weights are summarised only where reading them stays cheap.
MAX_WEIGHTS = 200_000
#: Synapse models without a weight (NEST 3.10 reports an uninitialised number for theirs).
WEIGHTLESS_SYNAPSES = frozenset({"diffusion_connection"})
#: Status entries of correlation detectors that accumulate counts.
HISTOGRAM_KEYS = ("histogram", "count_histogram", "count_covariance", "covariance")
#: Event columns that identify rather than measure (never summarised as values).
ID_COLUMNS = frozenset({"senders", "targets", "receptors", "ports", "port", "rports", "sender", "target"})


class Probe:
    """The wrapped module's bookkeeping: the connection log and the finished sections."""

    def __init__(self, nest: Any, simulate_cap: float | None, seed: int | None) -> None:
        self.nest = nest
        self.cap = simulate_cap
        self.seed = seed
        self.connects: List[dict] = []
        self.synapse_models: List[str] = []
        self.sections: List[dict] = []
        self.capped_calls = 0

    # ------------------------------------------------------------------ wrappers

    def install(self) -> None:
        nest = self.nest
        originals = {
            name: getattr(nest, name) for name in ("Connect", "Simulate", "Run", "ResetKernel", "SetKernelStatus")
        }
        tripartite = getattr(nest, "TripartiteConnect", None)

        def connect(pre, post, conn_spec=None, syn_spec=None, *args, **kwargs):
            before = self._num_connections()
            result = originals["Connect"](pre, post, conn_spec, syn_spec, *args, **kwargs)
            self._log_connect(_rule_of(conn_spec), syn_spec, before)
            return result

        def tripartite_connect(pre, post, third, conn_spec, third_factor_conn_spec, syn_specs=None, *args, **kwargs):
            before = self._num_connections()
            result = tripartite(pre, post, third, conn_spec, third_factor_conn_spec, syn_specs, *args, **kwargs)
            rule = "tripartite:" + _rule_of(conn_spec) + "+" + _rule_of(third_factor_conn_spec)
            self._log_connect(rule, None, before, random=True)
            return result

        def simulate(t, *args, **kwargs):
            return originals["Simulate"](self._capped(t), *args, **kwargs)

        def run(t, *args, **kwargs):
            return originals["Run"](self._capped(t), *args, **kwargs)

        def reset_kernel(*args, **kwargs):
            self.finish_section()
            result = originals["ResetKernel"](*args, **kwargs)
            self._apply_seed(originals["SetKernelStatus"])
            return result

        def set_kernel_status(params, *args, **kwargs):
            if self.seed is not None and isinstance(params, dict) and "rng_seed" in params:
                params = {**params, "rng_seed": _derived_seed(int(params["rng_seed"]), self.seed)}
            return originals["SetKernelStatus"](params, *args, **kwargs)

        # Through __dict__: NEST's module object refuses plain attribute assignment.
        wrappers = {"Connect": connect, "Simulate": simulate, "Run": run}
        wrappers.update(ResetKernel=reset_kernel, SetKernelStatus=set_kernel_status)
        if tripartite is not None:
            wrappers["TripartiteConnect"] = tripartite_connect
        nest.__dict__.update(wrappers)
        self._hook_seed_attribute(originals["SetKernelStatus"])
        self._apply_seed(originals["SetKernelStatus"])

    def _hook_seed_attribute(self, set_kernel_status) -> None:
        """``nest.rng_seed = s`` in a script becomes a seed derived from s and the probe's seed."""
        probe = self
        module_class = type(self.nest)  # both modules are ModuleType subclasses with kernel attributes
        original = module_class.__setattr__

        def setattr_seeded(module, name, value):
            if name == "rng_seed" and probe.seed is not None:
                set_kernel_status({"rng_seed": _derived_seed(int(value), probe.seed)})
            else:
                original(module, name, value)

        module_class.__setattr__ = setattr_seeded

    def _apply_seed(self, set_kernel_status) -> None:
        if self.seed is not None:
            set_kernel_status({"rng_seed": self.seed})

    def _capped(self, t: float) -> float:
        if self.cap is not None and float(t) > self.cap:
            self.capped_calls += 1
            return self.cap
        return t

    def _num_connections(self) -> int:
        return int(self.nest.GetKernelStatus("num_connections"))

    def _log_connect(self, rule: str, syn_spec: Any, before: int, random: bool = False) -> None:
        made = self._num_connections() - before
        if isinstance(syn_spec, str):  # a syn_spec may be just the synapse model's name
            model = syn_spec
        else:
            model = syn_spec.get("synapse_model", "static_synapse") if isinstance(syn_spec, dict) else "static_synapse"
        if isinstance(model, str) and model not in self.synapse_models:
            self.synapse_models.append(model)
        deterministic = not random and rule in DETERMINISTIC_RULES
        self.connects.append({"rule": rule, "n": made, "deterministic": deterministic})

    # ------------------------------------------------------------------ summaries

    def finish_section(self) -> None:
        """Summarise the current network, unless nothing was built since the last reset."""
        nest = self.nest
        nodes = nest.GetNodes()
        if len(nodes) == 0 and not self.connects:
            return
        self.sections.append(
            {
                "time": float(nest.GetKernelStatus("biological_time")),
                "nodes": _model_counts(nodes),
                "recorders": self._recorders(),
                "connects": self.connects,
                "synapses": self._synapses(),
            }
        )
        self.connects = []
        self.synapse_models = []

    def _recorders(self) -> List[dict]:
        recorders = self.nest.GetNodes({"element_type": "recorder"})
        out = []
        for i in range(len(recorders)):
            node = recorders[i]
            model = str(node.get("model"))
            status = node.get()
            # Correlation detectors keep histograms in their status (and n_events per channel).
            n_events = int(sum(_as_list(status["n_events"]))) if "n_events" in status else -1
            entry = {"model": model, "n_events": n_events, "histograms": _histogram_sums(status)}
            if str(status.get("record_to")) == "memory":
                entry.update(_event_statistics(model, node.get("events")))
            out.append(entry)
        return out

    def _synapses(self) -> Dict[str, dict]:
        out = {}
        for model in self.synapse_models:
            # The count from the model's defaults: listing millions of connections only to count
            # them took seconds per section on NEST (GetConnections builds the whole collection).
            try:
                n = int(self.nest.GetDefaults(model, "num_connections"))
            except Exception:  # noqa: BLE001 - a model name the script passed in another form
                continue
            entry: Dict[str, Any] = {"n": n}
            if 0 < n <= MAX_WEIGHTS and model not in WEIGHTLESS_SYNAPSES:
                conns = self.nest.GetConnections(synapse_model=model)
                weights = np.asarray(_as_list(conns.get("weight")), dtype=float)
                entry["weight_mean"] = float(weights.mean())
                entry["weight_std"] = float(weights.std())
            out[model] = entry
        return out


def _rule_of(conn_spec: Any) -> str:
    if conn_spec is None:
        return "all_to_all"
    if isinstance(conn_spec, str):
        return conn_spec
    if isinstance(conn_spec, dict):
        return str(conn_spec.get("rule", "all_to_all"))
    return type(conn_spec).__name__  # CSA sets and other objects


def _derived_seed(script_seed: int, seed: int) -> int:
    return (script_seed * 1_000_003 + seed) % (2**31 - 1) + 1


def _as_list(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return list(value)
    if hasattr(value, "tolist"):
        result = value.tolist()
        return result if isinstance(result, list) else [result]
    return [value]


def _model_counts(nodes: Any) -> Dict[str, int]:
    models = _as_list(nodes.get("model")) if len(nodes) else []
    counts: Dict[str, int] = {}
    for model in models:
        counts[str(model)] = counts.get(str(model), 0) + 1
    return dict(sorted(counts.items()))


def _event_statistics(model: str, events: dict) -> dict:
    senders = np.asarray(_as_list(events.get("senders", [])))
    stats: Dict[str, Any] = {"n_senders": int(np.unique(senders).size)}
    if model == "spike_recorder":
        return stats
    columns = {}
    for key, values in events.items():
        if key in ID_COLUMNS or key == "times":
            continue
        array = np.asarray(_as_list(values), dtype=float) if len(_as_list(values)) else np.zeros(0)
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            continue
        columns[key] = {
            "mean": float(finite.mean()),
            "std": float(finite.std()),
            "min": float(finite.min()),
            "max": float(finite.max()),
            "n": int(array.size),
            "n_nonfinite": int(array.size - finite.size),
        }
    stats["columns"] = columns
    return stats


def _histogram_sums(status: dict) -> Dict[str, float]:
    """Total of each histogram-like entry of a correlation detector's status."""
    sums = {}
    for key in HISTOGRAM_KEYS:
        if key in status:
            sums[key] = float(np.sum(np.asarray(_as_list(status[key]), dtype=float)))
    return sums


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", required=True, help="PyNEST-like module (nest, nestkit.nest)")
    parser.add_argument("--out", type=Path, required=True, help="where the statistics go (JSON)")
    parser.add_argument("--simulate-cap", type=float, default=None, help="longest Simulate/Run call in ms")
    parser.add_argument("--seeds", default="", help="comma-separated rng_seeds, one run each (default: one run)")
    parser.add_argument("script", type=Path)
    args = parser.parse_args(argv)
    if sys.path and Path(sys.path[0] or ".").resolve() == HERE:
        sys.path.pop(0)  # run by path: this directory's modules must not shadow anything
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(HERE))
    from live_worker import import_simulator  # noqa: E402 - by path, as the live mode does

    sys.path.remove(str(HERE))
    nest = import_simulator(args.module)
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()] or [None]
    probe = Probe(nest, args.simulate_cap, seeds[0])
    probe.install()
    out = args.out.resolve()
    script = args.script.resolve()
    os.chdir(script.parent)
    sys.path.insert(0, str(script.parent))
    runs = []
    for i, seed in enumerate(seeds):
        if i > 0:
            probe.seed = seed
            nest.ResetKernel()  # the wrapper seeds the new kernel (the section it closes is a copy)
        probe.sections, probe.connects, probe.synapse_models, probe.capped_calls = [], [], [], 0
        sys.argv = [str(script)]
        try:
            runpy.run_path(str(script), run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise
        probe.finish_section()
        runs.append({"seed": seed, "capped_calls": probe.capped_calls, "sections": probe.sections})
        probe.sections = []
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
    out.write_text(json.dumps(_json_safe({"module": args.module, "runs": runs})), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
