"""The gallery (docs/gallery.md) is a map of NEST 3.10's PyNEST example scripts to what they do
on nestkit; this test makes every claim of its table true in CI:

- `live, category X`: the script, unchanged, runs on NEST 3.10 and on nestkit side by side
  (``python -m nestkit.parity live``) and every recorder's events agree within category X
  (`..., weight_recorder events per step`: a weight_recorder's events compared in (time, sender,
  target) order and without `ports`, as docs/divergences.md says for eprop_synapse; `..., events in
  time order`: every recorder's events compared in (time, sender) order, for scripts on several
  virtual processes, whose events NEST reports VP after VP);
- `statistics (CLASS, K seeds)`: the script, unchanged, runs on NEST 3.10 and on nestkit under
  nestkit.parity.example_probe, once for each rng_seed 1..K and with every Simulate/Run call
  capped at GALLERY_SIMULATE_CAP_MS on both sides (or at the shorter N ms that the row's "on
  nestkit" column names, "shortened to N ms": large networks whose NEST run would take
  minutes); what it built and recorded must agree in distribution within the tolerance CLASS
  of nestkit.parity.example_stats (its input is random, so NEST and nestkit agree in
  distribution only, see docs/randomness.md);
- `runs only: REASON`: the script, unchanged, runs to its end on nestkit (with its Simulate
  calls shortened where the row says so); REASON says why it is not compared with NEST;
- the table lists every top-level script of NEST's pynest/examples, so the map is complete.

A row whose "on nestkit" column names assignments such as `n_iter = 2` runs, in every check, a
copy of the example's folder in which each named top-level assignment is changed so (its training
iterations cut: the e-prop examples train for minutes), from that folder; STAND_INS makes the
local data that an example would download.

NEST's examples come with NEST's wheel, in the NEST 3.10 environment of scripts/nest_env.sh
($NEST_PYTHON, which scripts/test.sh exports; default .nest310/bin/python).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from nestkit.parity.example_stats import compare, failures

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "docs" / "gallery.md"
ROW = re.compile(
    r"^\| \[`([A-Za-z0-9_./-]+)`\]\([^)]*\) \| [^|]+ \| ([^|]+) \| "
    r"(live, category ([ABC])(?:, weight_recorder events per step)?(?:, events in time order)?|statistics \(((?:independent|network|structure), [1-9]) seeds?\)|runs only: [^|]+|-) \|$",
    re.M,
)
PROBE = ROOT / "python" / "nestkit" / "parity" / "example_probe.py"
#: Longest Simulate/Run call of the statistical comparison, on both sides (ms), unless the row
#: names a shorter one.
GALLERY_SIMULATE_CAP_MS = 1000.0
SHORTENED = re.compile(r"shortened to (\d+) ms")
#: An assignment the tests make in their copy of the example (`name = integer`).
ASSIGNMENT = re.compile(r"`([A-Za-z_]\w*) = (\d+)`")
# Runs a PyNEST script unchanged with `nest` resolved to nestkit.nest (as the live mode's worker
# does), from its own folder, with its folder importable (scripts in subfolders import siblings).
RUNNER = (
    "import os, runpy, sys; import matplotlib; matplotlib.use('Agg');"
    "from nestkit.parity.live_worker import import_simulator; import_simulator('nestkit.nest');"
    "path = os.path.abspath(sys.argv[1]); os.chdir(os.path.dirname(path)); sys.path.insert(0, os.path.dirname(path));"
    "sys.argv = [path]; runpy.run_path(path, run_name='__main__')"
)


def gallery_rows() -> list[tuple[str, str, str, str]]:
    """(name, on nestkit, check, category or tolerance class) per row."""
    return [
        (m.group(1), m.group(2).strip(), m.group(3).strip(), m.group(4) or m.group(5) or "")
        for m in ROW.finditer(GALLERY.read_text())
    ]


def simulate_cap(on_nestkit: str) -> float:
    """The row's Simulate cap: the one its "on nestkit" column names, else the default."""
    m = SHORTENED.search(on_nestkit)
    return float(m.group(1)) if m else GALLERY_SIMULATE_CAP_MS


@pytest.fixture(scope="module")
def nest_examples(nest_package) -> Path:
    examples = nest_package / "doc" / "examples" / "pynest"
    if not examples.is_dir():
        pytest.fail(f"NEST's examples not found at {examples}")
    return examples


def test_gallery_maps_every_nest_example(nest_examples):
    rows = gallery_rows()
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "an example is listed twice"
    assert len(rows) == GALLERY.read_text().count("](https://nest-simulator.readthedocs.io/en/v3.10/auto_examples/")
    top_level = {p.stem for p in nest_examples.glob("*.py")}
    listed_top = {n for n in names if "/" not in n}
    assert listed_top == top_level, (
        f"not in the gallery: {sorted(top_level - listed_top)}; not NEST examples: {sorted(listed_top - top_level)}"
    )
    folders = {p.name for p in nest_examples.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert {n.split("/")[0] for n in names if "/" in n} == folders
    for n in names:
        assert (nest_examples / f"{n}.py").is_file(), n


def test_live_examples_agree_with_nest(nest_examples, tmp_path):
    nest_python = os.environ.get("NEST_PYTHON", str(ROOT / ".nest310" / "bin" / "python"))
    # Rows run from NEST's folder as they are, or (rows with assignments) from a changed copy,
    # from the copy's folder; grouped so that each live run has one set of options.
    groups: dict[tuple[str, bool, bool, bool], list[tuple[str, Path]]] = {}
    for name, on_nestkit, check, category in gallery_rows():
        if not check.startswith("live"):
            continue
        copied = bool(assignments(on_nestkit)) or name in STAND_INS
        script = nest_examples / f"{name}.py"
        if copied:
            script = _example_copy(nest_examples, tmp_path / "copies" / name.replace("/", "__"), name, on_nestkit)
        flags = ("per step" in check, "time order" in check)
        groups.setdefault((category, copied, *flags), []).append((name, script))
    assert sum(len(v) for v in groups.values()) >= 15
    for (category, copied, per_step, time_order), rows in sorted(groups.items()):
        out = tmp_path / f"live_{category}_{copied}_{per_step}_{time_order}.json"
        options = ["--in-script-folder"] * copied + ["--weight-events-per-step"] * per_step
        options += ["--events-in-time-order"] * time_order
        run = subprocess.run(
            [sys.executable, "-m", "nestkit.parity", "live", "--nest-python", nest_python, "--case-timeout", "200",
             "--category", category, *options, "--json", str(out), "--script", *[str(script) for _, script in rows]],
            capture_output=True, text=True, timeout=900, cwd=tmp_path, env={**os.environ, "MPLBACKEND": "Agg"},
        )  # fmt: skip
        assert out.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
        results = {r["name"]: r["status"] for r in json.loads(out.read_text())["results"]}
        assert results == {script.stem: "PASS" for _, script in rows}, run.stdout[-5000:]


def write_nmnist_stand_in(folder: Path, samples_per_label: int = 3, n_events: int = 3000) -> None:
    """Random N-MNIST recordings in the data set's layout (468j46mzdv-1/{Train,Test}/<label>/*.bin,
    5-byte events: x, y, polarity bit and 23-bit time in us): each label fires 150 pixels of its
    own, so that the network sees input it can tell apart. Fixed seed: NEST and nestkit read the
    same files."""
    rng = np.random.default_rng(0)
    n_pixels = 34 * 34
    hot = [rng.choice(2 * n_pixels, 150, replace=False) for _ in range(10)]
    for split in ("Train", "Test"):
        for label in range(10):
            labelled = folder / "468j46mzdv-1" / split / str(label)
            labelled.mkdir(parents=True)
            for k in range(samples_per_label):
                pixel = rng.choice(hot[label], n_events)
                polarity, y, x = pixel // n_pixels, pixel % n_pixels // 34, pixel % 34
                t = np.sort(rng.integers(0, 336040, n_events))
                columns = [x, y, (polarity << 7) | (t >> 16), (t >> 8) & 0xFF, t & 0xFF]
                (labelled / f"{k:05d}.bin").write_bytes(np.stack(columns, axis=1).astype(np.uint8).tobytes())


#: Local data for the examples that download theirs.
STAND_INS = {"eprop_plasticity/eprop_supervised_classification_neuromorphic_mnist": write_nmnist_stand_in}


def assignments(on_nestkit: str) -> list[tuple[str, str]]:
    """The assignments the row's "on nestkit" column names (`n_iter = 2`, ...)."""
    return ASSIGNMENT.findall(on_nestkit)


def _example_copy(nest_examples: Path, work: Path, name: str, on_nestkit: str = "") -> Path:
    """A copy of the example's folder (or of the lone script) in ``work`` with the row's
    assignments made and stand-in data written; returns the script."""
    if "/" in name:
        shutil.copytree(nest_examples / name.split("/")[0], work, ignore=shutil.ignore_patterns("__pycache__"))
        script = work / f"{name.split('/')[1]}.py"
    else:
        work.mkdir(parents=True)
        script = Path(shutil.copy(nest_examples / f"{name}.py", work))
    text = script.read_text()
    for variable, value in assignments(on_nestkit):
        text, n = re.subn(rf"^{variable} = \d+\b", f"{variable} = {value}", text, flags=re.M)
        assert n == 1, f"{name}: no single top-level `{variable} = <integer>` to change"
    script.write_text(text)
    if name in STAND_INS:
        STAND_INS[name](work)
    return script


def _run_on_nestkit(nest_examples: Path, tmp_path: Path, name: str, on_nestkit: str, cap: float | None) -> str | None:
    """Runs one example on nestkit in a copy of its folder (under the probe when its Simulate
    calls are shortened to ``cap`` ms); returns the error output if it fails."""
    work = tmp_path / name.replace("/", "__")
    script = _example_copy(nest_examples, work, name, on_nestkit)
    if cap is None:
        command = [sys.executable, "-c", RUNNER, str(script)]
    else:
        stats = ["--out", str(work / "stats.json"), "--simulate-cap", str(cap)]
        command = [sys.executable, str(PROBE), "--module", "nestkit.nest", *stats, str(script)]
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=300, cwd=work, env={**os.environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    return None if run.returncode == 0 else f"exit {run.returncode}: {run.stderr[-1500:]}"


def test_runs_only_examples_run_on_nestkit(nest_examples, tmp_path):
    rows = [(name, text) for name, text, check, _ in gallery_rows() if check.startswith("runs only")]
    names = [name for name, _ in rows]
    texts = [text for _, text in rows]
    caps = [simulate_cap(text) if SHORTENED.search(text) else None for _, text in rows]
    # Two at a time: the examples are single-threaded, CI machines have two cores or more.
    with ThreadPoolExecutor(max_workers=2) as pool:
        run = pool.map(lambda n, t, c: _run_on_nestkit(nest_examples, tmp_path, n, t, c), names, texts, caps)
        errors = dict(zip(names, run))
    failed = {n: e for n, e in errors.items() if e is not None}
    assert not failed, failed


def _probe(nest_examples: Path, tmp_path: Path, name: str, seeds: int, cap: float, side: str) -> dict | str:
    """The example's statistics on one side (``nest`` or ``nestkit``), or its error output."""
    work = tmp_path / side / name.replace("/", "__")
    script = _example_copy(nest_examples, work, name)
    if side == "nest":
        python = os.environ.get("NEST_PYTHON", str(ROOT / ".nest310" / "bin" / "python"))
        module, env = "nest", {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    else:
        python, module, env = sys.executable, "nestkit.nest", dict(os.environ)
    out = work / "stats.json"
    run = subprocess.run(
        [python, str(PROBE), "--module", module, "--out", str(out), "--seeds", ",".join(str(k) for k in range(1, seeds + 1)),
         "--simulate-cap", str(cap), str(script)],
        capture_output=True, text=True, timeout=300, cwd=work, env={**env, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    if run.returncode != 0 or not out.is_file():
        return f"{side}: exit {run.returncode}: {run.stderr[-1500:]}"
    return json.loads(out.read_text())


def test_statistics_examples_agree_with_nest(nest_examples, tmp_path):
    rows = [(name, *spec.split(", ")) for name, _, check, spec in gallery_rows() if check.startswith("statistics")]
    on_nestkit = {name: text for name, text, _, _ in gallery_rows()}
    said_shortened = {name for name, text in on_nestkit.items() if "shortened" in text}
    assert all(SHORTENED.search(on_nestkit[name]) for name in said_shortened)
    assert len(rows) >= 20
    jobs = [
        (name, int(seeds), simulate_cap(on_nestkit[name]), side)
        for name, _, seeds in rows
        for side in ("nest", "nestkit")
    ]
    # The costliest runs first (one seed is what the gallery gives an example whose run takes long),
    # so that the two workers do not end on one long run.
    jobs.sort(key=lambda job: job[1] != 1)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([(j[0], j[3]) for j in jobs], pool.map(lambda j: _probe(nest_examples, tmp_path, *j), jobs)))
    problems = {}
    for name, cls, _ in rows:
        ref, nk = results[(name, "nest")], results[(name, "nestkit")]
        if isinstance(ref, str) or isinstance(nk, str):
            problems[name] = [r for r in (ref, nk) if isinstance(r, str)]
            continue
        if any(run["capped_calls"] for run in ref["runs"]) != (name in said_shortened):
            problems[name] = ["the gallery's 'on nestkit' column is wrong about the Simulate cap shortening it"]
        checks = compare(ref, nk, cls)
        assert len(checks) > 5, name  # something was compared
        failed = failures(checks)
        if failed:
            problems[name] = [str(c) for c in failed[:10]]
    assert not problems, json.dumps(problems, indent=1)
