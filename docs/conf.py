"""Sphinx configuration of nestkit's documentation site.

Build (warnings are errors; the test tests/python/test_docs_site.py runs the same command):

    python -m sphinx -W --keep-going -b html docs build/docs-html

Pages are Markdown (MyST), so the guides in docs/*.md are the site's pages as they are on GitHub.
At build time the extension in docs/_ext/nestkit_site.py draws the performance figures from
benchmarks/figures.json and runs Doxygen over include/nestkit into <out>/cpp (the C++ reference).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "nestkit"
author = "the nestkit authors"
copyright = "nestkit authors, MIT licence"
release = "0.1.0"

extensions = ["myst_parser", "nestkit_site"]
source_suffix = {".md": "markdown"}
root_doc = "index"

# Every .md file under docs/ is a page (Sphinx warns about a page that no toctree reaches, and
# warnings are errors). Only these folders are skipped, none of which holds pages: _build (output of a
# local build), _ext (this site's extension), _generated (figures drawn at build time).
exclude_patterns = ["_build", "_ext", "_generated"]

myst_enable_extensions = ["colon_fence", "deflist"]
# Anchors for links such as [text](design.md#structural-plasticity).
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "nestkit"
html_theme_options = {"description": "NEST 3.10's models on a fast C++20 engine", "fixed_sidebar": True}
html_static_path = []

# The C++ reference: Doxygen is required (scripts/setup.sh installs it with the test extras).
nestkit_doxygen_input = str(ROOT / "include" / "nestkit")
