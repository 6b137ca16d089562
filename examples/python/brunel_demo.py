#!/usr/bin/env python3
"""Brunel (2000) balanced network with alpha-shaped PSCs, on nestkit's PyNEST facade.

A few thousand iaf_psc_alpha neurons (order 1000: 4000 excitatory, 1000
inhibitory, 10 % connectivity), driven by a Poisson generator, for 1 s of
biological time. Prints build time, simulation time and firing rates and writes
a raster plot. Only the import differs from a PyNEST script.
"""

import argparse
import time

import nestkit.nest as nest
import numpy as np


def psp_norm(tau_m, tau_syn, c_m):
    """PSC amplitude (pA) giving a 1 mV PSP peak for alpha currents (Brunel's J)."""
    from scipy.special import lambertw

    x = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    t_max = 1.0 / b * (-lambertw(-np.exp(-1.0 / x) / x, k=-1).real - 1.0 / x)
    return 1.0 / (
        np.exp(1.0)
        / (tau_syn * c_m * b)
        * ((np.exp(-t_max / tau_m) - np.exp(-t_max / tau_syn)) / b - t_max * np.exp(-t_max / tau_syn))
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--order", type=int, default=1000)
    ap.add_argument("--simtime", type=float, default=1000.0, help="ms of biological time")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--raster", default="brunel_raster.png")
    a = ap.parse_args()

    n_ex, n_in = 4 * a.order, a.order
    c_ex, c_in = n_ex // 10, n_in // 10
    tau_m, tau_syn, c_m, theta = 20.0, 0.5, 250.0, 20.0
    g, eta, delay, j = 5.0, 2.0, 1.5, 0.1
    j_ex = j * psp_norm(tau_m, tau_syn, c_m)
    nu_th = theta / (j * c_ex * tau_m)
    p_rate = 1000.0 * eta * nu_th * c_ex

    t0 = time.perf_counter()
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": a.threads, "rng_seed": a.seed})
    params = {
        "C_m": c_m,
        "tau_m": tau_m,
        "tau_syn_ex": tau_syn,
        "tau_syn_in": tau_syn,
        "t_ref": 2.0,
        "E_L": 0.0,
        "V_reset": 0.0,
        "V_m": 0.0,
        "V_th": theta,
    }
    exc = nest.Create("iaf_psc_alpha", n_ex, params=params)
    inh = nest.Create("iaf_psc_alpha", n_in, params=params)
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    spikes_ex = nest.Create("spike_recorder")
    spikes_in = nest.Create("spike_recorder")
    nest.CopyModel("static_synapse", "excitatory", {"weight": j_ex, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -g * j_ex, "delay": delay})
    nest.Connect(noise, exc + inh, syn_spec="excitatory")
    nest.Connect(exc, spikes_ex)
    nest.Connect(inh, spikes_in)
    nest.Connect(exc, exc + inh, {"rule": "fixed_indegree", "indegree": c_ex}, "excitatory")
    nest.Connect(inh, exc + inh, {"rule": "fixed_indegree", "indegree": c_in}, "inhibitory")
    t1 = time.perf_counter()
    nest.Simulate(a.simtime)
    t2 = time.perf_counter()

    seconds = a.simtime / 1000.0
    rate_ex = spikes_ex.get("n_events") / (n_ex * seconds)
    rate_in = spikes_in.get("n_events") / (n_in * seconds)
    print(f"network: {n_ex + n_in} neurons, {nest.num_connections} connections, {a.threads} thread(s)")
    print(f"build time:      {t1 - t0:.3f} s")
    print(f"simulation time: {t2 - t1:.3f} s for {a.simtime:.0f} ms of biological time")
    print(f"firing rates:    excitatory {rate_ex:.2f} Hz, inhibitory {rate_in:.2f} Hz")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ev = spikes_ex.get("events")
    shown = ev["senders"] <= exc.tolist()[0] + 199
    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(8, 5), gridspec_kw={"height_ratios": [3, 1]})
    ax1.plot(ev["times"][shown], ev["senders"][shown], ".", ms=2)
    ax1.set_ylabel("neuron id (first 200 exc.)")
    ax1.set_title(f"Brunel network, {n_ex + n_in} iaf_psc_alpha neurons (nestkit)")
    ax2.hist(ev["times"], bins=np.arange(0, a.simtime + 5, 5.0), color="k")
    ax2.set_xlabel("time (ms)")
    ax2.set_ylabel("spikes / 5 ms")
    fig.tight_layout()
    fig.savefig(a.raster, dpi=110)
    print(f"raster plot:     {a.raster}")


if __name__ == "__main__":
    main()
