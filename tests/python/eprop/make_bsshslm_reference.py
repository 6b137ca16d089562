"""Writes bsshslm_reference.json: bsshslm_cases.run_all under NEST 3.10.

Run with NEST 3.10's Python: /work/nest310/bin/python make_bsshslm_reference.py
"""

import json
import os
import sys

import nest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bsshslm_cases  # noqa: E402

nest.set_verbosity("M_ERROR")
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "bsshslm_reference.json"), "w") as f:
    json.dump(bsshslm_cases.run_all(nest), f)
