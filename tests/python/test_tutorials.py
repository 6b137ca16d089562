"""The First-steps tutorials (docs/tutorials/tutorial_*.py) run and make their figures.

Each script asserts its own results (analytic interspike intervals, Campbell's theorem,
connection counts, rates, CVs); here it must exit 0 and write every figure named in its
FIGURES list as a PNG, and its page must show those figures and include the script.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parents[2] / "docs" / "tutorials"
SCRIPTS = sorted(TUTORIALS.glob("tutorial_*.py"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def figures_of(script: Path) -> list:
    """The module-level FIGURES list, read without running the script."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FIGURES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{script.name} has no FIGURES list")


def test_there_are_four_tutorials_in_the_index():
    assert [s.stem for s in SCRIPTS] == [
        "tutorial_1_one_neuron",
        "tutorial_2_populations_devices",
        "tutorial_3_connections_brunel",
        "tutorial_4_recording_analysis",
    ]
    index = (TUTORIALS / "index.md").read_text()
    for s in SCRIPTS:
        assert s.stem in index


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_page_shows_the_script_and_its_figures(script):
    page = script.with_suffix(".md").read_text()
    assert f"{{literalinclude}} {script.name}" in page
    figures = figures_of(script)
    assert figures
    for fig in figures:
        assert f"{{image}} _figures/{fig}" in page


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_tutorial_runs_and_writes_its_figures(script, tmp_path):
    env = dict(os.environ, NESTKIT_TUTORIAL_OUT=str(tmp_path), MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for fig in figures_of(script):
        path = tmp_path / fig
        assert path.is_file(), f"{script.name} did not write {fig}"
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE) and len(data) > 5000, fig
    assert {p.name for p in tmp_path.glob("*.png")} == set(figures_of(script))
