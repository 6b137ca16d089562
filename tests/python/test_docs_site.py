"""The documentation site builds from the repository without a single warning, and what it
shows is current: the validation page equals a fresh run of the parity corpus, the two Brunel
scripts of the side-by-side page agree, and the model pages link NEST 3.10's documentation.

The Sphinx build (with Doxygen for the C++ reference) and the parity run are started together,
so the module takes about as long as the slower of the two on a 2-core machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CORPUS = Path(os.environ.get("NESTKIT_PARITY_DIR", ROOT.parent / "shared" / "parity"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Starts the site build and the parity run side by side; each test waits for its own."""
    tmp = tmp_path_factory.mktemp("docs")
    if not (CORPUS / "scenarios").is_dir():
        pytest.fail(f"parity corpus not found at {CORPUS}; set NESTKIT_PARITY_DIR")
    out = tmp / "html"
    build = subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp / "doctrees"),
         str(DOCS), str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    results = tmp / "parity.json"
    parity = subprocess.Popen(
        [sys.executable, "-m", "nestkit.parity", "run", "--scenarios", str(CORPUS / "scenarios"),
         "--reference", str(CORPUS / "reference"), "--json", str(results)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp,
    )  # fmt: skip
    yield {"build": build, "out": out, "parity": parity, "results": results}
    for p in (build, parity):
        if p.poll() is None:
            p.kill()
            p.wait()


def _finished(proc, timeout=600):
    log, _ = proc.communicate(timeout=timeout)
    return proc.returncode, log


def test_site_builds_without_warnings(runs):
    rc, log = _finished(runs["build"])
    assert rc == 0, f"sphinx-build -W failed:\n{log[-6000:]}"
    assert "WARNING" not in log and "ERROR" not in log, log[-6000:]
    out = runs["out"]
    pages = [
        "index.html",
        "tutorials/index.html",
        "model-directory.html",
        "models/iaf_current.html",
        "models/synapses.html",
        "synapses.html",
        "connections.html",
        "devices.html",
        "recording-backends.html",
        "units.html",
        "randomness.html",
        "threads-mpi.html",
        "distributed.html",
        "porting.html",
        "brunel-side-by-side.html",
        "divergences.html",
        "validation.html",
        "integrators.html",
        "gallery.html",
        "performance.html",
        "cpp-api.html",
        "cpp/index.html",
        "cpp/classnestkit_1_1Simulator.html",
    ]
    missing = [p for p in pages if not (out / p).is_file()]
    assert not missing, f"pages missing from the site: {missing}"
    # The performance plots are drawn at build time and shown on the page.
    for fig in ("brunel_2500.png", "scaling.png", "side_by_side.png"):
        assert (out / "_images" / fig).stat().st_size > 5000, fig
        assert fig in (out / "performance.html").read_text()
    # The C++ reference carries the headers' comments (the comment filter works).
    sim = (out / "cpp" / "classnestkit_1_1Simulator.html").read_text()
    assert "Discards all nodes, connections, copied models and changed defaults" in sim
    # Every page of the index's sections is reachable from the front page.
    index = (out / "index.html").read_text()
    for caption in ("First steps", "Guides", "Porting and fidelity", "Gallery", "Performance", "C++ API"):
        assert caption in index, caption


def _page_cases(text: str) -> dict[str, tuple[str, str]]:
    cases = {}
    for m in re.finditer(r"^\| ([a-z0-9_]+__[a-z0-9_]+) \| ([A-D]) \| ([A-Z]+) \|", text, re.M):
        cases[m.group(1)] = (m.group(2), m.group(3))
    return cases


def test_validation_page_shows_the_current_results(runs):
    rc, log = _finished(runs["parity"])
    assert runs["results"].is_file(), f"the parity run wrote no results (exit {rc}):\n{log[-3000:]}"
    data = json.loads(runs["results"].read_text())
    page = (DOCS / "validation.md").read_text()
    stale = "regenerate: python -m nestkit.parity run --json F; python tools/validation_page.py F > docs/validation.md"
    assert f"Summary: **{data['summary']}**" in page, f"{data['summary']}; {stale}"
    run_cases = {r["name"]: (r["category"], r["status"]) for r in data["results"] if r["status"] != "UNSUPPORTED"}
    assert _page_cases(page) == run_cases, stale
    assert len(run_cases) >= 100


def _rates(script: str, cwd: Path, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / script), "--order", "100", "--simtime", "300", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    line = [ln for ln in run.stdout.splitlines() if ln.startswith("firing rates:")]
    assert len(line) == 1, run.stdout
    return line[0]


def test_brunel_scripts_agree(tmp_path):
    # The side-by-side page's claim: PyNEST vocabulary and native API, same seed, same spikes,
    # even on different thread counts.
    pynest = _rates("brunel_demo.py", tmp_path, "--threads", "1", "--raster", str(tmp_path / "raster.png"))
    native = _rates("brunel_native.py", tmp_path, "--threads", "2")
    assert pynest == native
    assert float(pynest.split()[3]) > 1.0  # the network fires (excitatory rate in Hz)


def test_model_pages_link_nest_310():
    for page in (DOCS / "models").glob("*.md"):
        if page.name == "README.md":
            continue
        text = page.read_text()
        models = re.findall(r"^## (\S+)$", text, re.M)
        links = re.findall(r"\(https://nest-simulator\.readthedocs\.io/en/v3\.10/models/(\S+)\.html\)", text)
        assert models and links == models, page.name
