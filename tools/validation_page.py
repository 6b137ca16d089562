#!/usr/bin/env python3
"""Writes docs/validation.md from a parity-harness JSON result file.

    python -m nestkit.parity run --json /tmp/parity.json
    python tools/validation_page.py /tmp/parity.json [--reference DIR] > docs/validation.md

The page states the date, nestkit's version and commit, and NEST's version (read from the stored
references in --reference, default <corpus>/reference). tests/python/test_docs_site.py runs the
corpus afresh and fails when the committed page's results differ from the run's.
"""

import argparse
import datetime
import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _families() -> dict:
    """Model name -> family title, from the model declarations (as the model directory)."""
    from nestkit import _core
    from nestkit.docs.__main__ import FAMILY_TITLES

    fam = {m["name"]: FAMILY_TITLES.get(m["family"], m["family"]) for m in _core.builtin_models()}
    for m in _core.builtin_synapse_models():
        fam[m["name"]] = "Synapse models"
    return fam


def family_of(case: str, families: dict) -> str:
    prefix = case.split("__")[0]
    return families.get(prefix, prefix.replace("_", " ").capitalize())


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _nest_versions(reference: Path) -> str:
    versions = set()
    for p in sorted(reference.glob("*.json")):
        versions.add(json.loads(p.read_text()).get("nest_version", "?"))
    return ", ".join(sorted(versions)) or "unknown"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results")
    ap.add_argument("--reference", default=None, help="stored NEST references (for NEST's version)")
    a = ap.parse_args(argv)
    data = json.load(open(a.results))
    if a.reference:
        reference = Path(a.reference)
    else:
        corpus = (
            Path("../shared/parity")
            if Path("../shared/parity").is_dir()
            else Path(os.environ.get("NESTKIT_PARITY_DIR", "."))
        )
        reference = corpus / "reference"
    import nestkit

    rows = sorted(data["results"], key=lambda r: (r["status"] != "PASS", r["name"]))
    families = _families()
    print("# Validation against NEST 3.10\n")
    print("Every case of the parity corpus (`../shared/parity`) run through `nestkit.nest` and compared with")
    print("NEST 3.10's results by tolerance category (A: 1e-9, B: 1e-6, C: 1e-3 and spike times within one")
    print("step, D: statistics over seeds). `worst` is the largest deviation found, as a fraction of what the")
    print("category allows, with the measured value and where it occurred. The stored references are NEST's")
    print("own output; CI also runs every case on NEST 3.10 itself beside nestkit (`python -m nestkit.parity")
    print("live`, scripts/test.sh). Regenerate with `tools/validation_page.py`; the documentation tests run")
    print("the corpus afresh and fail when this page no longer shows the current results.\n")
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    print(f"Run: {today}, nestkit {nestkit.__version__} (commit {_commit()}),")
    print(f"references from NEST {_nest_versions(reference)}.\n")
    print(f"Summary: **{data['summary']}**\n")
    print("## By family\n")
    by_fam = defaultdict(list)
    for r in rows:
        by_fam[family_of(r["name"], families)].append(r)
    print("| family | cases | categories | passed | worst (fraction of the allowance) |")
    print("|---|---|---|---|---|")
    for fam in sorted(by_fam):
        rs = by_fam[fam]
        cats = "".join(sorted({r["category"] for r in rs if r.get("category")}))
        passed = sum(r["status"] == "PASS" for r in rs)
        ratios = [(r.get("worst") or {}).get("ratio", 0.0) for r in rs if r["status"] == "PASS"]
        worst = f"{max(ratios):.3g}" if ratios else "-"
        print(f"| {fam} | {len(rs)} | {cats} | {passed} | {worst} |")
    print("\n## Cases\n")
    print("| case | cat | result | worst |")
    print("|---|---|---|---|")
    for r in rows:
        if r["status"] == "UNSUPPORTED":
            continue
        w = r.get("worst") or {}
        worst = (
            f"{w.get('ratio', 0):.3g}x: {w.get('detail', '')} at {w.get('where', '')}" if w else r.get("message", "")
        )
        worst = worst.replace("|", "\\|")
        print(f"| {r['name']} | {r['category']} | {r['status']} | {worst} |")
    missing = [r for r in rows if r["status"] == "UNSUPPORTED"]
    print(f"\n{len(missing)} cases need models or features not built yet{':' if missing else '.'}\n")
    for r in missing:
        print(f"- {r['name']}: needs {', '.join(r.get('needs') or [])}")


if __name__ == "__main__":
    main()
