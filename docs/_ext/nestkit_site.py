"""Build-time steps of nestkit's documentation site (a small Sphinx extension).

- builder-inited: draws the performance figures (docs/_generated/*.png) from benchmarks/figures.json
  with benchmarks/plot_figures.py, so the plots always show the committed figures;
- builder-inited: runs each tutorial script (docs/tutorials/tutorial_*.py) whose figures are missing
  or older than the script, so the pages show what the scripts produce (the figures are not committed);
- build-finished: runs Doxygen over the public headers (include/nestkit) into <out>/cpp, the
  generated C++ reference that docs/cpp-api.md links to. Doxygen's warnings fail the build.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sphinx.errors import ExtensionError

ROOT = Path(__file__).resolve().parents[2]

DOXYFILE = """
PROJECT_NAME           = "nestkit C++ API"
PROJECT_BRIEF          = "Public headers of include/nestkit"
INPUT                  = {input}
FILE_PATTERNS          = *.hpp
RECURSIVE              = NO
STRIP_FROM_PATH        = {strip}
STRIP_FROM_INC_PATH    = {strip}
OUTPUT_DIRECTORY       = {out}
HTML_OUTPUT            = cpp
GENERATE_HTML          = YES
GENERATE_LATEX         = NO
GENERATE_XML           = NO
EXTRACT_ALL            = YES
EXTRACT_STATIC         = YES
HIDE_UNDOC_RELATIONS   = YES
EXCLUDE_SYMBOLS        = detail detail::*
JAVADOC_AUTOBRIEF      = YES
QT_AUTOBRIEF           = YES
MARKDOWN_SUPPORT       = YES
INPUT_FILTER           = "{filter}"
BUILTIN_STL_SUPPORT    = YES
CLANG_ASSISTED_PARSING = NO
HAVE_DOT               = NO
SEARCHENGINE           = NO
SOURCE_BROWSER         = YES
QUIET                  = YES
WARNINGS               = YES
WARN_IF_UNDOCUMENTED   = NO
WARN_IF_DOC_ERROR      = YES
WARN_NO_PARAMDOC       = NO
WARN_AS_ERROR          = FAIL_ON_WARNINGS
WARN_LOGFILE           = {log}
"""


def _draw_figures(app) -> None:
    script = ROOT / "benchmarks" / "plot_figures.py"
    spec = importlib.util.spec_from_file_location("nestkit_plot_figures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.draw(ROOT / "benchmarks" / "figures.json", Path(app.srcdir) / "_generated")


def _tutorial_figures(script: Path) -> list[str]:
    """The names in the script's module-level FIGURES list."""
    for node in ast.parse(script.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "FIGURES" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise ExtensionError(f"{script.name} has no FIGURES list")


def _run_tutorials(app) -> None:
    folder = Path(app.srcdir) / "tutorials"
    out = folder / "_figures"
    for script in sorted(folder.glob("tutorial_*.py")):
        figures = [out / name for name in _tutorial_figures(script)]
        mtime = script.stat().st_mtime
        if all(f.is_file() and f.stat().st_mtime >= mtime for f in figures):
            continue
        env = dict(os.environ, NESTKIT_TUTORIAL_OUT=str(out), MPLBACKEND="Agg")
        # The script runs in its own folder: relative PYTHONPATH entries must keep pointing where they did.
        if env.get("PYTHONPATH"):
            env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in env["PYTHONPATH"].split(os.pathsep))
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True, timeout=600
        )
        if proc.returncode != 0:
            raise ExtensionError(
                f"{script.name} failed (exit {proc.returncode}):\n{proc.stdout[-1500:]}{proc.stderr[-3000:]}"
            )
        missing = [f.name for f in figures if not f.is_file()]
        if missing:
            raise ExtensionError(f"{script.name} did not write {missing}")


def _run_doxygen(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    doxygen = shutil.which("doxygen")
    if doxygen is None:
        raise ExtensionError("doxygen not found: the C++ reference needs it (scripts/setup.sh test installs it)")
    out = Path(app.outdir)
    log = out / "doxygen-warnings.log"
    include = Path(app.config.nestkit_doxygen_input)
    filt = f"{sys.executable} {Path(__file__).with_name('doxygen_comment_filter.py')}"
    config = DOXYFILE.format(input=include, strip=include.parent, out=out, log=log, filter=filt)
    run = subprocess.run([doxygen, "-"], input=config, text=True, capture_output=True)
    warnings = log.read_text().strip() if log.exists() else ""
    if run.returncode != 0 or warnings:
        raise ExtensionError(f"doxygen failed on {include}:\n{warnings}\n{run.stdout}\n{run.stderr}")
    if not (out / "cpp" / "index.html").is_file():
        raise ExtensionError("doxygen wrote no cpp/index.html")


def setup(app):
    app.add_config_value("nestkit_doxygen_input", str(ROOT / "include" / "nestkit"), "html")
    app.connect("builder-inited", _draw_figures)
    app.connect("builder-inited", _run_tutorials)
    app.connect("build-finished", _run_doxygen)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
