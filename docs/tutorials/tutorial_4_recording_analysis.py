"""First steps, part 4: recording and analysing activity.

Recorder options, the forms in which recorded data come back (NumPy arrays, the raw
events dict, pandas tables, Neo objects), and a first analysis: firing rates, a raster
with the population rate, and the regularity of firing measured by the coefficient of
variation (CV) of the interspike intervals.

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
from nestkit.units import Hz, ms  # noqa: E402

FIGURES = ["tutorial_4_raster.png", "tutorial_4_isi_cv.png", "tutorial_4_vm.png"]

OUT = Path(os.environ.get("NESTKIT_TUTORIAL_OUT", Path(__file__).resolve().parent / "_figures"))
OUT.mkdir(parents=True, exist_ok=True)

T_SIM = 2000.0  # ms
N = 100  # neurons per group

# --- 1. Three groups with different firing regimes -----------------------------------
# "poisson": parrot_neurons repeat the spikes of a poisson_generator, so their trains
#            are Poisson processes (each target gets its own train).
# "noise":   iaf_psc_alpha neurons whose mean input stays below threshold; they fire
#            when fluctuations of the Poisson input carry them across (irregular).
# "drive":   the same neurons with a suprathreshold current and weak noise (regular).
sim = nestkit.Simulator(dt=0.1 * ms, seed=4)
poisson = sim.create("parrot_neuron", N)
noise = sim.create("iaf_psc_alpha", N, I_e=300.0, V_m=nkrandom.uniform(-70.0, -55.0))
drive = sim.create("iaf_psc_alpha", N, I_e=450.0, V_m=nkrandom.uniform(-70.0, -55.0))

source = sim.create("poisson_generator", rate=20 * Hz)
exc = sim.create("poisson_generator", rate=12000 * Hz)
inh = sim.create("poisson_generator", rate=6000 * Hz)
sim.connect(source, poisson)
sim.connect(exc, noise, weight=10.0)
sim.connect(inh, noise, weight=-20.0)
sim.connect(exc, drive, weight=0.5)
sim.connect(inh, drive, weight=-1.0)

# --- 2. Recorders ------------------------------------------------------------------------
# start and stop restrict a recorder to the window (origin + start, origin + stop];
# one spike_recorder per group keeps the groups apart, but one recorder could also
# take all of them (the sender tells them apart).
recorders = {}
for name, group in (("poisson", poisson), ("noise", noise), ("drive", drive)):
    recorders[name] = sim.create("spike_recorder", start=200.0 * ms)  # skip the onset
    sim.connect(group, recorders[name])
multimeter = sim.create("multimeter", record_from=["V_m", "I_syn_ex", "I_syn_in"], interval=1.0 * ms)
sim.connect(multimeter, noise[:3])

result = sim.simulate(T_SIM * ms)
window = (T_SIM - 200.0) / 1000.0  # s

# --- 3. The data, in several forms ------------------------------------------------------
# (a) NumPy: result.spikes() and result.trace() (used in parts 1-3).
spikes = {name: result.spikes(rec) for name, rec in recorders.items()}
assert all(np.all((sp.times > 200.0) & (sp.times <= T_SIM)) for sp in spikes.values())

# (b) The raw events dict, as PyNEST's recorder.get("events") returns it.
events = result.events(recorders["noise"])
print("events keys:", sorted(events))
assert len(events["times"]) == len(spikes["noise"].times)

# (c) pandas tables (needs pandas): one row per spike, or one row per sample.
table = spikes["noise"].to_pandas()
counts = table.groupby("sender").size()
print(table.head(3))
vm_table = result.trace(multimeter, "V_m").to_pandas()
print(vm_table.head(3))
print("mean V_m per neuron:", vm_table.groupby("sender")["value"].mean().round(2).to_dict())

# (d) Neo (needs neo): one SpikeTrain per sender, silent neurons included, and one
# AnalogSignal per recorded variable; the common format of Elephant and other tools.
block = result.to_neo(recorders["noise"], multimeter)
trains = block.segments[0].spiketrains
signals = block.segments[0].analogsignals
print(f"neo: {len(trains)} spike trains, signals {[sig.name for sig in signals]}, V_m shape {signals[0].shape}")
assert len(trains) == N
assert sum(len(st) for st in trains) == len(table)

# --- 4. Rates -----------------------------------------------------------------------------
rates = {
    name: np.array([len(sp.of(n)) for n in group.tolist()]) / window
    for (name, sp), group in zip(spikes.items(), (poisson, noise, drive))
}
for name, r in rates.items():
    print(f"{name:8s} rate {r.mean():6.2f} +- {r.std():5.2f} spikes/s")
assert np.allclose(counts.reindex(noise.tolist(), fill_value=0).to_numpy() / window, rates["noise"])

# A Poisson process of rate nu gives nu * window spikes on average, with Poisson
# (count) fluctuations: the group mean is within a few standard errors of 20 Hz.
assert abs(rates["poisson"].mean() - 20.0) < 4 * np.sqrt(20.0 / window / N)

# The raster of one group with the population rate below it (as PyNEST's raster_plot).
ax = result.plot_raster(recorders["noise"], hist_binwidth=10.0)
ax.set_title("irregular firing: 100 neurons under Poisson input")
ax.figure.savefig(OUT / FIGURES[0], dpi=100)
plt.close(ax.figure)


# --- 5. Interspike intervals and their CV ----------------------------------------------
def isis_and_cvs(sp, group):
    """All interspike intervals of the group, and the CV of each neuron's intervals."""
    isis, cvs = [], []
    for n in group.tolist():
        d = np.diff(np.sort(sp.of(n)))
        isis.append(d)
        if len(d) >= 5:
            cvs.append(d.std() / d.mean())
    return np.concatenate(isis), np.array(cvs)


fig, axes = plt.subplots(2, 3, figsize=(10, 5.5))
cv_means, cv_pooled = {}, {}
for k, (name, group) in enumerate((("poisson", poisson), ("noise", noise), ("drive", drive))):
    isi, cv = isis_and_cvs(spikes[name], group)
    cv_means[name] = cv.mean()
    cv_pooled[name] = isi.std() / isi.mean()
    axes[0, k].hist(isi, bins=50, color=f"C{k}")
    axes[0, k].set_title(f"{name}: ISI distribution")
    axes[0, k].set_xlabel("ISI (ms)")
    axes[1, k].hist(cv, bins=20, range=(0.0, 1.5), color=f"C{k}")
    axes[1, k].set_title(f"CV per neuron, mean {cv.mean():.2f}")
    axes[1, k].set_xlabel("CV")
axes[0, 0].set_ylabel("intervals")
axes[1, 0].set_ylabel("neurons")
fig.tight_layout()
fig.savefig(OUT / FIGURES[1], dpi=100)
plt.close(fig)
print("mean CV per neuron:", {k: round(float(v), 3) for k, v in cv_means.items()})
print("CV of all intervals:", {k: round(float(v), 3) for k, v in cv_pooled.items()})

# Exponential intervals have CV 1. The CV of a few dozen intervals is biased low, so
# the Poisson check pools the group's intervals (same rate for all neurons). Noise-driven
# firing is irregular, mean-driven firing close to periodic.
assert abs(cv_pooled["poisson"] - 1.0) < 0.06
assert 0.5 < cv_means["noise"] < 1.1
assert cv_means["drive"] < 0.3

# --- 6. Membrane potential and synaptic currents ---------------------------------------
fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(7, 4.5))
result.plot_trace(multimeter, "V_m", ax=ax1)
i_ex, i_in = result.trace(multimeter, "I_syn_ex"), result.trace(multimeter, "I_syn_in")
ax2.plot(i_ex.times, i_ex.values[0], lw=0.6, label="I_syn_ex")
ax2.plot(i_in.times, i_in.values[0], lw=0.6, label="I_syn_in")
ax2.set_ylabel("current (pA)")
ax2.set_xlabel("time (ms)")
ax2.set_xlim(0.0, 500.0)
ax2.legend(loc="upper right")
fig.tight_layout()
fig.savefig(OUT / FIGURES[2], dpi=100)
plt.close(fig)
# The inhibitory current is never positive, the excitatory one never negative.
assert np.all(i_ex.values >= 0.0) and np.all(i_in.values <= 0.0)
