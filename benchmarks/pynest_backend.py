"""What the side-by-side benchmark scripts share: their common options and the choice of
simulator (NEST 3.10 or nestkit's facade; the scripts speak PyNEST to either)."""

import argparse


def arguments(doc: str, simtime: float = 1000.0, seed: int = 1) -> argparse.ArgumentParser:
    """The parser with --backend, --simtime, --threads and --seed; scripts add their own."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--backend", default="nest", help="nest (NEST 3.10) or nestkit")
    ap.add_argument("--simtime", type=float, default=simtime)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=seed)
    return ap


def fresh_kernel(args):
    """The chosen simulator's module, its kernel reset to the run's threads and seed, quiet."""
    if args.backend == "nest":
        import nest
    else:
        import nestkit.nest as nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.local_num_threads = args.threads
    nest.rng_seed = args.seed
    return nest
