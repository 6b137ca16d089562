"""Writes nest310_reference.json: spatial_cases.run under NEST 3.10.

Run with NEST 3.10's Python: /work/nest310/bin/python make_nest310_reference.py
"""

import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import nest  # noqa: E402 - NEST 3.10, not nestkit
import spatial_cases  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    result = spatial_cases.run(nest, tmp)
result["nest_version"] = nest.__version__
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nest310_reference.json"), "w") as f:
    # One line per case: readable diffs without one line per number.
    f.write("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in result.items()))
    f.write("\n}\n")
