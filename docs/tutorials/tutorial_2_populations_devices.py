"""First steps, part 2: populations and devices.

Groups of neurons (NodeCollections): how to make them, take them apart and put them
together, how to set parameters per neuron (from lists or random distributions), and
the devices that stimulate and record them.

The figures go to ``NESTKIT_TUTORIAL_OUT`` (default: ``_figures`` next to this file).
"""

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nestkit  # noqa: E402
import numpy as np  # noqa: E402
from nestkit import random as nkrandom  # noqa: E402
from nestkit.units import ms, nA, pA  # noqa: E402

FIGURES = ["tutorial_2_fi_curve.png", "tutorial_2_devices.png"]

OUT = Path(os.environ.get("NESTKIT_TUTORIAL_OUT", Path(__file__).resolve().parent / "_figures"))
OUT.mkdir(parents=True, exist_ok=True)

sim = nestkit.Simulator(dt=0.1 * ms, seed=7)

# --- 1. Populations ----------------------------------------------------------------
# create(model, n) returns a NodeCollection: the node ids of n new neurons.
pop = sim.create("iaf_psc_alpha", 20)
print(pop)
print("node ids:", pop.tolist())

# Indexing and slicing work as for Python lists and give NodeCollections again;
# '+' joins collections (also of different models) into one.
first_five = pop[:5]
every_other = pop[::2]
cond = sim.create("iaf_cond_exp", 4)
mixed = first_five + cond
print("first five:", first_five.tolist(), " every other:", every_other.tolist())
print(mixed)
assert mixed.tolist() == pop.tolist()[:5] + cond.tolist()

# --- 2. Reading and setting parameters ------------------------------------------------
# get() with one name gives one value per node; with a list of names, a dict.
print("C_m of the mixed collection:", mixed.get("C_m"))
print(first_five.get(["V_th", "t_ref"]))

# set() takes one value for all nodes, or a list with one value per node.
currents = np.linspace(200.0, 600.0, len(pop))
pop.set(I_e=currents.tolist())
pop[-1].set(t_ref=5.0 * ms)  # one node; units as in create()
pop.set(t_ref=2.0)  # back to the default for all of them

# Random parameters are drawn per node by the core, from the Simulator's seed.
pop.set(V_m=nkrandom.uniform(-70.0, -55.0))
v0 = np.array(pop.get("V_m"))
print(f"initial V_m: {v0.min():.2f} .. {v0.max():.2f} mV")
assert np.all((v0 >= -70.0) & (v0 <= -55.0)) and v0.std() > 1.0

# Distributions combine with numbers: a threshold 15 mV above E_L, give or take 0.5 mV.
noisy_th = sim.create("iaf_psc_alpha", 200, V_th=-55.0 + nkrandom.normal(0.0, 0.5))
th = np.array(noisy_th.get("V_th"))
print(f"V_th: mean {th.mean():.3f} mV, std {th.std():.3f} mV")
assert abs(th.mean() + 55.0) < 0.15 and 0.4 < th.std() < 0.6

# --- 3. Recording devices ---------------------------------------------------------------
spikes = sim.create("spike_recorder")
sim.connect(pop, spikes)
result = sim.simulate(1000 * ms)

sp = result.spikes(spikes)
rates = np.array([len(sp.of(n)) for n in pop.tolist()]) / 1.0  # spikes per second
print("rates (spikes/s):", rates.astype(int).tolist())

# A neuron spikes under a constant current only if R * I_e exceeds V_th - E_L,
# that is I_e > 15 mV / (10 ms / 250 pF) = 375 pA; above that, the rate rises.
rheobase = 15.0 * 250.0 / 10.0
assert np.all(rates[currents < rheobase] == 0)
assert np.all(rates[currents > rheobase + 10.0] > 0)
assert np.all(np.diff(rates[currents > rheobase]) >= 0)

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(currents, rates, "o-")
ax.axvline(rheobase, color="0.6", ls="--", lw=0.8, label="rheobase")
ax.set_xlabel("I_e (pA)")
ax.set_ylabel("firing rate (spikes/s)")
ax.set_title("f-I curve of iaf_psc_alpha")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / FIGURES[0], dpi=100)
plt.close(fig)

# --- 4. Stimulation devices -------------------------------------------------------------
# Generators are nodes too. Current generators connect to neurons like synapses;
# start and stop limit the time they are active.
sim = nestkit.Simulator(dt=0.1 * ms, seed=8)
neurons = sim.create("iaf_psc_alpha", 3)
dc = sim.create("dc_generator", amplitude=0.45 * nA, start=50.0, stop=150.0)
ac = sim.create("ac_generator", amplitude=100 * pA, offset=300 * pA, frequency=20.0)
sg = sim.create("spike_generator", spike_times=[20.0, 60.0, 62.0, 64.0, 66.0, 68.0])
sim.connect(dc, neurons[0])
sim.connect(ac, neurons[1])
sim.connect(sg, neurons[2], weight=600.0, delay=1.0)

# A multimeter can record several variables at once; the voltmeter is a multimeter
# preset to V_m.
mm = sim.create("multimeter", record_from=["V_m", "I_syn_ex"], interval=0.5 * ms)
sr = sim.create("spike_recorder")
sim.connect(mm, neurons)
sim.connect(neurons, sr)
result = sim.simulate(200 * ms)

v_m = result.trace(mm, "V_m")
i_syn = result.trace(mm, "I_syn_ex")
sp = result.spikes(sr)
dc_spikes = sp.of(neurons.tolist()[0])
print("dc-driven spikes at", dc_spikes, "ms")
# The dc_generator is on in (50, 150] ms; its current acts from the next step on.
assert len(dc_spikes) > 0 and np.all((dc_spikes > 50.0) & (dc_spikes <= 151.0))
assert np.max(i_syn.values[2]) > 0.0 and np.all(i_syn.values[:2] == 0.0)
assert np.all(v_m.values[2][v_m.times < 21.0] == -70.0)  # nothing before the first input spike arrives

fig, axes = plt.subplots(3, 1, sharex=True, figsize=(7, 6))
labels = ["dc_generator 450 pA, 50-150 ms", "ac_generator 300 +- 100 pA, 20 Hz", "spike_generator, 600 pA PSCs"]
for k, ax in enumerate(axes):
    ax.plot(v_m.times, v_m.values[k], lw=0.9)
    ax.set_ylabel("V_m (mV)")
    ax.set_title(labels[k], fontsize=9)
    ax.set_ylim(-72.0, -50.0)
axes[-1].set_xlabel("time (ms)")
fig.tight_layout()
fig.savefig(OUT / FIGURES[1], dpi=100)
plt.close(fig)
