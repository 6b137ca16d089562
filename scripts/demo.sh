#!/usr/bin/env bash
# Sets everything up and runs the demo: a Brunel network of 5000 iaf_psc_alpha
# neurons for 1 s of biological time (writes brunel_raster.png), then the analysis
# demo on the native API (HDF5 recording, Result.plot_raster, Neo and Elephant;
# writes analysis_raster.png).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" demo
cd "$ROOT"
python examples/python/brunel_demo.py "$@"
python -W ignore::DeprecationWarning examples/python/analysis_demo.py
