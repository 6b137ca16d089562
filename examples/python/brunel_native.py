#!/usr/bin/env python3
"""Brunel (2000) balanced network with alpha-shaped PSCs, on nestkit's native API.

The same network as brunel_demo.py (PyNEST vocabulary through nestkit.nest), written with
nestkit.Simulator, quantities for the values with units, and the Result object for the data.
With the same seed both give the same spikes (docs/brunel-side-by-side.md).
"""

import argparse
import time

import nestkit
from nestkit.units import Hz, ms, mV, pF


def psp_norm(tau_m, tau_syn, c_m):
    """PSC amplitude (pA) giving a 1 mV PSP peak for alpha currents (Brunel's J)."""
    import numpy as np
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
    a = ap.parse_args()

    n_ex, n_in = 4 * a.order, a.order
    c_ex, c_in = n_ex // 10, n_in // 10
    tau_m, tau_syn, c_m, theta = 20.0, 0.5, 250.0, 20.0  # ms, ms, pF, mV
    g, eta, delay, j = 5.0, 2.0, 1.5, 0.1
    j_ex = j * psp_norm(tau_m, tau_syn, c_m)  # pA
    nu_th = theta / (j * c_ex * tau_m)
    p_rate = 1000.0 * eta * nu_th * c_ex  # Hz

    t0 = time.perf_counter()
    sim = nestkit.Simulator(dt=0.1 * ms, seed=a.seed, threads=a.threads)
    params = dict(
        C_m=c_m * pF,
        tau_m=tau_m * ms,
        tau_syn_ex=tau_syn * ms,
        tau_syn_in=tau_syn * ms,
        t_ref=2.0 * ms,
        E_L=0.0 * mV,
        V_reset=0.0 * mV,
        V_m=0.0 * mV,
        V_th=theta * mV,
    )
    exc = sim.create("iaf_psc_alpha", n_ex, **params)
    inh = sim.create("iaf_psc_alpha", n_in, **params)
    noise = sim.create("poisson_generator", rate=p_rate * Hz)
    spikes_ex = sim.create("spike_recorder")
    spikes_in = sim.create("spike_recorder")
    sim.connect(noise, exc + inh, weight=j_ex, delay=delay * ms)
    sim.connect(exc, spikes_ex)
    sim.connect(inh, spikes_in)
    sim.connect(exc, exc + inh, "fixed_indegree", indegree=c_ex, weight=j_ex, delay=delay * ms)
    sim.connect(inh, exc + inh, "fixed_indegree", indegree=c_in, weight=-g * j_ex, delay=delay * ms)
    t1 = time.perf_counter()
    result = sim.simulate(a.simtime * ms)
    t2 = time.perf_counter()

    seconds = a.simtime / 1000.0
    rate_ex = len(result.spikes(spikes_ex).times) / (n_ex * seconds)
    rate_in = len(result.spikes(spikes_in).times) / (n_in * seconds)
    print(f"network: {n_ex + n_in} neurons, {sim.status()['num_connections']} connections, {a.threads} thread(s)")
    print(f"build time:      {t1 - t0:.3f} s")
    print(f"simulation time: {t2 - t1:.3f} s for {a.simtime:.0f} ms of biological time")
    print(f"firing rates:    excitatory {rate_ex:.2f} Hz, inhibitory {rate_in:.2f} Hz")


if __name__ == "__main__":
    main()
