#!/usr/bin/env python3
"""Writes docs/validation.md from a parity-harness JSON result file.

    python -m nestkit.parity run --json /tmp/parity.json
    python tools/validation_page.py /tmp/parity.json > docs/validation.md
"""

import json
import sys


def main(path: str) -> None:
    data = json.load(open(path))
    rows = sorted(data["results"], key=lambda r: (r["status"] != "PASS", r["name"]))
    print("# Validation against NEST 3.10\n")
    print("Every case of the parity corpus (`../shared/parity`) run through `nestkit.nest` and compared with")
    print("NEST 3.10's results by tolerance category (A: 1e-9, B: 1e-6, C: 1e-3 and spike times within one")
    print("step, D: statistics over seeds). `worst` is the largest deviation found, as a fraction of what the")
    print("category allows, with the measured value and where it occurred. Regenerate with")
    print("`tools/validation_page.py`.\n")
    print(f"Summary: **{data['summary']}**\n")
    print("| case | cat | result | worst |")
    print("|---|---|---|---|")
    for r in rows:
        if r["status"] == "UNSUPPORTED":
            continue
        w = r.get("worst") or {}
        worst = f"{w.get('ratio', 0):.3g}x: {w.get('detail', '')} at {w.get('where', '')}" if w else r.get("message", "")
        worst = worst.replace("|", "\\|")
        print(f"| {r['name']} | {r['category']} | {r['status']} | {worst} |")
    missing = [r for r in rows if r["status"] == "UNSUPPORTED"]
    print(f"\n{len(missing)} cases need models or features not built yet:\n")
    for r in missing:
        print(f"- {r['name']}: needs {', '.join(r.get('needs') or [])}")


if __name__ == "__main__":
    main(sys.argv[1])
