"""Draws the performance figures of docs/performance.md from benchmarks/figures.json.

    python benchmarks/plot_figures.py [figures.json] [outdir]

The documentation build calls draw() (docs/_ext/nestkit_site.py), so the plots always show the
committed figures. Writes brunel_2500.png, scaling.png and side_by_side.png.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rows(table: dict) -> list[dict]:
    return [dict(zip(table["columns"], row)) for row in table["rows"]]


def draw(figures: Path, outdir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = json.loads(Path(figures).read_text())
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []

    # Brunel order 2500: simulation time per system and thread count.
    rows = _rows(data["brunel_2500"])
    systems = list(dict.fromkeys(r["system"] for r in rows))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    width = 0.38
    for k, threads in enumerate((1, 2)):
        vals = [next(r["sim_s"] for r in rows if r["system"] == s and r["threads"] == threads) for s in systems]
        xs = [i + (k - 0.5) * width for i in range(len(systems))]
        bars = ax.bar(xs, vals, width, label=f"{threads} thread{'s' if threads > 1 else ''}")
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(range(len(systems)), systems)
    ax.set_ylabel("simulation time (s)")
    ax.set_title("Brunel order 2500, 1 s biological time")
    ax.legend()
    fig.tight_layout()
    written.append(outdir / "brunel_2500.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    # Scaling of the C++ variant with the network size.
    rows = _rows(data["scaling"])
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for threads in (1, 2):
        sel = [r for r in rows if r["threads"] == threads]
        ax.plot([r["synapses"] for r in sel], [r["sim_s"] for r in sel], "o-", label=f"{threads} thread(s)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("synapses")
    ax.set_ylabel("simulation time (s)")
    ax.set_title(f"Brunel, C++ API, orders 500-5000 (commit {data['scaling']['commit']})")
    ax.legend()
    fig.tight_layout()
    written.append(outdir / "scaling.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)

    # Speed-up over NEST 3.10 per benchmark.
    rows = _rows(data["side_by_side"])
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.0))
    ratios = [r["nest_s"] / r["nestkit_s"] for r in rows]
    bars = ax.barh(range(len(rows)), ratios, color="tab:green")
    ax.bar_label(bars, labels=[f"{x:.1f}x" for x in ratios], fontsize=8, padding=2)
    ax.set_yticks(range(len(rows)), [r["benchmark"] for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xlabel("NEST 3.10 time / nestkit time (2 threads)")
    ax.set_xlim(0, max(ratios) * 1.15)
    fig.tight_layout()
    written.append(outdir / "side_by_side.png")
    fig.savefig(written[-1], dpi=110)
    plt.close(fig)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    src = Path(args[0]) if args else HERE / "figures.json"
    out = Path(args[1]) if len(args) > 1 else HERE.parent / "docs" / "_generated"
    for p in draw(src, out):
        print(p)
