"""First steps, part 1: one neuron.

A single ``iaf_psc_alpha`` neuron, first driven by a constant current and then by
Poisson spike trains, simulated with nestkit's native API. The script records the
membrane potential and the spikes, plots them, and checks the simulation against
closed-form results.

Run it with ``python tutorial_1_one_neuron.py``; the figures go to the folder named by
the environment variable ``NESTKIT_TUTORIAL_OUT`` (default: ``_figures`` next to
this file).
"""

import math
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nestkit  # noqa: E402
import numpy as np  # noqa: E402
from nestkit.units import Hz, kHz, ms, pA, s  # noqa: E402

#: The figures this script writes (the documentation build includes them).
FIGURES = ["tutorial_1_dc.png", "tutorial_1_noise.png"]

OUT = Path(os.environ.get("NESTKIT_TUTORIAL_OUT", Path(__file__).resolve().parent / "_figures"))
OUT.mkdir(parents=True, exist_ok=True)

# --- 1. A simulator -----------------------------------------------------------
# Each Simulator is an independent kernel with its own time, nodes and random
# streams. The resolution dt is the length of one update step.
sim = nestkit.Simulator(dt=0.1 * ms, seed=1)

# --- 2. A neuron with a constant input current --------------------------------
# Parameter names, defaults and units are NEST's. A plain number is read in NEST's
# unit of that parameter (mV, pA, pF, ms, Hz, ...); a quantity from nestkit.units
# (or pint, quantities, brainunit) is checked against that unit and converted, so
# I_e=0.5 * nA would be the same as I_e=500.0, and I_e=5 * ms an error.
defaults = sim.defaults("iaf_psc_alpha")
print("iaf_psc_alpha defaults:", {k: defaults[k] for k in ("C_m", "tau_m", "t_ref", "E_L", "V_reset", "V_th")})

neuron = sim.create("iaf_psc_alpha", I_e=500 * pA)
print(f"I_e as stored: {neuron.get('I_e'):.1f} pA")

# --- 3. Recorders ---------------------------------------------------------------
# A multimeter samples state variables of the nodes it is connected *to*; a spike
# recorder collects the spikes of the nodes connected to *it*.
multimeter = sim.create("multimeter", record_from=["V_m"], interval=0.1 * ms)
spike_recorder = sim.create("spike_recorder")
sim.connect(multimeter, neuron)
sim.connect(neuron, spike_recorder)

# --- 4. Simulate and read back ----------------------------------------------------
result = sim.simulate(200 * ms)
v_m = result.trace(multimeter, "V_m")  # senders, times, values[sender, time]
spikes = result.spikes(spike_recorder)  # senders, times
print(f"{len(spikes.times)} spikes, first at {spikes.times[:3]} ms")

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(v_m.times, v_m.values[0], lw=1, label="V_m")
ax.plot(spikes.times, np.full(len(spikes.times), defaults["V_th"]), "r|", ms=14, label="spikes")
ax.axhline(defaults["V_th"], color="0.6", ls="--", lw=0.8)
ax.set_xlabel("time (ms)")
ax.set_ylabel("membrane potential (mV)")
ax.set_title("iaf_psc_alpha, I_e = 500 pA")
ax.legend(loc="lower right")
fig.tight_layout()
fig.savefig(OUT / FIGURES[0], dpi=100)
plt.close(fig)

# The neuron integrates dV/dt = -(V - E_L)/tau_m + I_e/C_m from V_reset until V_th,
# then stays refractory for t_ref. The time to threshold is analytic; on the time
# grid the spike comes at the first step at or after it.
tau_m, c_m, e_l = defaults["tau_m"], defaults["C_m"], defaults["E_L"]
drive = 500.0 * tau_m / c_m  # R * I_e in mV
t_rise = tau_m * math.log((drive - (defaults["V_reset"] - e_l)) / (drive - (defaults["V_th"] - e_l)))
expected_isi = defaults["t_ref"] + math.ceil(t_rise / sim.resolution - 1e-9) * sim.resolution
isi = np.diff(spikes.times)
print(f"interspike interval: simulated {isi.mean():.2f} ms, analytic {expected_isi:.2f} ms")
assert len(isi) >= 10
assert np.allclose(isi, expected_isi, atol=1e-6), (isi, expected_isi)

# --- 5. The same neuron type under Poisson input ---------------------------------
# Two poisson_generators stand for many excitatory and inhibitory presynaptic
# neurons. Synaptic weights are plain numbers: their meaning depends on the target
# (PSC amplitude in pA for current-based models like this one, conductance in nS for
# conductance-based ones), so they take no unit. A negative weight is inhibitory. A second neuron with an unreachable threshold
# shows the free membrane potential.
sim = nestkit.Simulator(dt=0.1 * ms, seed=2)
noisy = sim.create("iaf_psc_alpha", I_e=230 * pA)
free = sim.create("iaf_psc_alpha", I_e=230 * pA, V_th=1.0e6)
exc = sim.create("poisson_generator", rate=10 * kHz)
inh = sim.create("poisson_generator", rate=2500 * Hz)
w_exc, w_inh = 5.0, -10.0
sim.connect(exc, noisy + free, weight=w_exc, delay=1.0 * ms)
sim.connect(inh, noisy + free, weight=w_inh, delay=1.0)  # a plain delay is in ms

multimeter = sim.create("multimeter", record_from=["V_m"], interval=0.1)
spike_recorder = sim.create("spike_recorder")
sim.connect(multimeter, noisy + free)
sim.connect(noisy, spike_recorder)
result = sim.simulate(1 * s)

v_m = result.trace(multimeter, "V_m")
spikes = result.spikes(spike_recorder)
rate = len(spikes.times) / 1.0
print(f"noisy neuron: {rate:.1f} spikes/s")

fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(7, 4.5))
ax1.plot(v_m.times, v_m.values[0], lw=0.7)
ax1.plot(spikes.times, np.full(len(spikes.times), -54.0), "r|", ms=10)
ax1.set_ylabel("V_m (mV)")
ax1.set_title(f"iaf_psc_alpha under Poisson input ({rate:.0f} spikes/s)")
ax2.plot(v_m.times, v_m.values[1], lw=0.7, color="C2")
ax2.set_ylabel("free V_m (mV)")
ax2.set_xlabel("time (ms)")
fig.tight_layout()
fig.savefig(OUT / FIGURES[1], dpi=100)
plt.close(fig)

# An alpha PSC of amplitude w carries the charge w * e * tau_syn, so Poisson input of
# rate nu adds the mean current nu * w * e * tau_syn (Campbell's theorem). The free
# membrane potential fluctuates around E_L + R * (I_e + that mean current).
tau_syn_ex, tau_syn_in = defaults["tau_syn_ex"], defaults["tau_syn_in"]
mean_current = 230.0 + math.e * 1e-3 * (10000.0 * w_exc * tau_syn_ex + 2500.0 * w_inh * tau_syn_in)
expected_mean_v = e_l + mean_current * tau_m / c_m
settled = v_m.times > 100.0
print(f"free V_m: mean {v_m.values[1][settled].mean():.2f} mV, Campbell's theorem {expected_mean_v:.2f} mV")
assert abs(v_m.values[1][settled].mean() - expected_mean_v) < 1.0
assert rate > 1.0
