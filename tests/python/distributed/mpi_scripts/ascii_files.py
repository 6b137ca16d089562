"""Ten neurons recorded to BACKEND (ascii: files in DIR; memory: events printed as JSON).

Usage: ascii_files.py DIR BACKEND"""

import json
import sys

import nestkit.nest as nest

directory, backend = sys.argv[1], sys.argv[2]
nest.set(data_path=directory, overwrite_files=True)
nest.verbosity = nest.VerbosityLevel.ERROR
n = nest.Create("iaf_psc_alpha", 10, params={"I_e": [380.0 + 5 * i for i in range(10)]})
sr = nest.Create("spike_recorder", params={"record_to": backend, "label": "spk"})
nest.Connect(n, sr)
nest.Simulate(200.0)
if backend == "memory":
    ev = sr.events
    print("EV", json.dumps([[int(s) for s in ev["senders"]], [float(t) for t in ev["times"]]]))
