"""Writes nest310_reference.json: eprop_cases.run_all under NEST 3.10.

Run with NEST 3.10's Python: /work/nest310/bin/python make_nest310_reference.py
"""

import json
import os
import sys

import nest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eprop_cases  # noqa: E402

nest.set_verbosity("M_ERROR")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nest310_reference.json"), "w") as f:
    json.dump({**eprop_cases.run_all(nest), "defaults": eprop_cases.defaults(nest)}, f)
