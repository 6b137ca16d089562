#!/usr/bin/env python3
"""Recorded data into the analysis ecosystem, on the native API.

A small balanced network (800 excitatory, 200 inhibitory iaf_psc_alpha neurons) for
1 s: spikes of 100 excitatory neurons recorded to an HDF5 file while the run goes, the raster drawn by
``result.plot_raster``, rates and CVs by Elephant on ``result.to_neo()``, and a
membrane-potential table from ``trace.to_pandas()``.
"""

import argparse
import tempfile
import time

import nestkit
import quantities as pq
from elephant.statistics import cv, isi, mean_firing_rate


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--simtime", type=float, default=1000.0, help="ms of biological time")
    ap.add_argument("--raster", default="analysis_raster.png")
    ap.add_argument("--data-path", default=None, help="where the HDF5 file goes (default: a temporary folder)")
    a = ap.parse_args()

    import matplotlib

    matplotlib.use("Agg")

    data_path = a.data_path or tempfile.mkdtemp(prefix="nestkit_")
    sim = nestkit.Simulator(dt=0.1, seed=12, data_path=data_path, overwrite_files=True)
    neuron = {"C_m": 250.0, "tau_m": 20.0, "tau_syn_ex": 0.5, "tau_syn_in": 0.5, "t_ref": 2.0, "E_L": 0.0}
    neuron.update({"V_reset": 0.0, "V_m": 0.0, "V_th": 20.0})
    exc = sim.create("iaf_psc_alpha", 800, **neuron)
    inh = sim.create("iaf_psc_alpha", 200, **neuron)
    noise = sim.create("poisson_generator", rate=2000.0)
    spikes = sim.create("spike_recorder", record_to="hdf5", label="brunel_spikes")
    vm = sim.create("multimeter", record_from=["V_m"], interval=1.0)
    sim.connect(noise, exc + inh, weight=439.0, delay=1.5)
    sim.connect(exc, exc + inh, "fixed_indegree", indegree=80, weight=439.0, delay=1.5)
    sim.connect(inh, exc + inh, "fixed_indegree", indegree=20, weight=-6 * 439.0, delay=1.5)
    sim.connect(exc[:100], spikes)
    sim.connect(vm, exc[:3])
    t0 = time.perf_counter()
    result = sim.simulate(a.simtime)
    print(f"simulated {a.simtime:.0f} ms in {time.perf_counter() - t0:.2f} s")
    print(f"spikes written to {spikes.get('filenames')[0]}")

    ax = result.plot_raster(spikes, hist_binwidth=5.0)
    ax.figure.savefig(a.raster, dpi=110)
    print(f"raster plot:     {a.raster}")

    trains = result.to_neo(spikes).segments[0].spiketrains
    rates = [mean_firing_rate(st).rescale(pq.Hz).magnitude for st in trains]
    cvs = [cv(isi(st)) for st in trains if len(st) > 2]
    print(f"Elephant:        mean rate {sum(rates) / len(rates):.2f} Hz, mean CV of ISIs {sum(cvs) / len(cvs):.2f}")
    print(result.trace(vm, "V_m").to_pandas().head())


if __name__ == "__main__":
    main()
