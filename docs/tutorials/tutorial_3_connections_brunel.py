"""First steps, part 3: connections and a balanced network.

The connection rules, synapse specifications with fixed and random weights and
delays, and how to inspect the connections made; then a small Brunel (2000) network of
excitatory and inhibitory neurons in its asynchronous irregular state.

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
from nestkit.units import ms  # noqa: E402

FIGURES = ["tutorial_3_indegrees.png", "tutorial_3_brunel_raster.png"]

OUT = Path(os.environ.get("NESTKIT_TUTORIAL_OUT", Path(__file__).resolve().parent / "_figures"))
OUT.mkdir(parents=True, exist_ok=True)

# --- 1. Connection rules -----------------------------------------------------------
sim = nestkit.Simulator(dt=0.1 * ms, seed=11)
pre = sim.create("iaf_psc_alpha", 50)
post = sim.create("iaf_psc_alpha", 40)


def count(source, target):
    return len(sim.connections(source, target))


# all_to_all (the default): every source to every target.
sim.connect(pre[:10], post[:10])
assert count(pre[:10], post[:10]) == 100

# one_to_one: the k-th source to the k-th target (equal sizes).
sim.connect(pre[10:20], post[10:20], "one_to_one")
c = sim.connections(pre[10:20], post[10:20]).get(["source", "target"])
assert [t - s for s, t in zip(c["source"], c["target"])] == [post.tolist()[10] - pre.tolist()[10]] * 10

# fixed_indegree: each target gets exactly `indegree` sources, drawn at random.
# fixed_outdegree is the mirror image.
sim.connect(pre, post[20:30], "fixed_indegree", indegree=5)
targets = sim.connections(pre, post[20:30]).get("target")
assert sorted(set(targets)) == post[20:30].tolist()
assert all(targets.count(t) == 5 for t in set(targets))

# pairwise_bernoulli: each pair independently with probability p.
p = 0.2
sim.connect(pre, post[30:], "pairwise_bernoulli", p=p)
n_pairs = len(pre) * len(post[30:])
n_made = count(pre, post[30:])
print(f"pairwise_bernoulli made {n_made} of {n_pairs} possible connections (expected {p * n_pairs:.0f})")
assert abs(n_made - p * n_pairs) < 5 * np.sqrt(n_pairs * p * (1 - p))

# fixed_total_number: exactly N connections between random pairs.
sim.connect(pre, post, "fixed_total_number", N=123)
print("connections so far:", sim.status()["num_connections"])
assert sim.status()["num_connections"] == 100 + 10 + 50 + n_made + 123

# Rules take NEST's options as keyword arguments, e.g. no self-connections:
sim.connect(pre, pre, "fixed_indegree", indegree=3, allow_autapses=False)
loops = sim.connections(pre, pre).get(["source", "target"])
assert all(s != t for s, t in zip(loops["source"], loops["target"]))

# --- 2. Weights, delays and synapse models ------------------------------------------
# weight and delay take a number, a list (one value per connection), or a random
# distribution drawn per connection. Delays are in ms and rounded to the time grid.
sim = nestkit.Simulator(dt=0.1 * ms, seed=12)
a = sim.create("iaf_psc_alpha", 100)
b = sim.create("iaf_psc_alpha", 100)
sim.connect(
    a,
    b,
    "fixed_indegree",
    indegree=20,
    weight=nkrandom.normal(20.0, 4.0),
    delay=nkrandom.uniform(1.0, 3.0),
)
syn = sim.connections(a, b).get(["weight", "delay"])
w, d = np.array(syn["weight"]), np.array(syn["delay"])
print(f"weights: mean {w.mean():.2f}, std {w.std():.2f}; delays {d.min():.1f} .. {d.max():.1f} ms")
assert abs(w.mean() - 20.0) < 0.5 and abs(w.std() - 4.0) < 0.5
assert np.allclose(d, np.round(d / 0.1) * 0.1) and d.min() >= 1.0 and d.max() <= 3.0

# copy_model makes a named variant of a synapse model with its own defaults; the
# synapse keyword picks the model for a connect call.
sim.copy_model("static_synapse", "inhibitory", weight=-40.0, delay=1.5)
sim.connect(b, a, "fixed_outdegree", outdegree=4, synapse="inhibitory")
assert set(sim.connections(synapse="inhibitory").get("weight")) == {-40.0}

indeg = np.bincount(np.array(sim.connections(synapse="inhibitory").get("target")) - a.tolist()[0], minlength=len(a))
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.hist(indeg, bins=np.arange(indeg.max() + 2) - 0.5, color="C1")
ax.set_xlabel("number of inhibitory inputs per neuron")
ax.set_ylabel("neurons")
ax.set_title("fixed_outdegree gives binomially distributed in-degrees")
fig.tight_layout()
fig.savefig(OUT / FIGURES[0], dpi=100)
plt.close(fig)
assert indeg.sum() == 4 * len(b)

# --- 3. A Brunel network -------------------------------------------------------------
# Brunel (2000), model A: iaf_psc_delta neurons (each input spike makes V jump by
# the weight, in mV), 80 % excitatory and 20 % inhibitory, each neuron receiving 10 %
# of each population; inhibition g times stronger than excitation; external Poisson
# input eta times the rate that would bring the mean input to threshold.
order = 200
n_ex, n_in = 4 * order, order
c_ex, c_in = n_ex // 10, n_in // 10
j, g, eta, delay = 0.5, 6.0, 2.0, 1.5
theta, tau_m = 20.0, 20.0
nu_threshold = theta / (j * c_ex * tau_m)  # per ms
external_rate = 1000.0 * eta * nu_threshold * c_ex  # Hz, one generator per neuron

sim = nestkit.Simulator(dt=0.1 * ms, seed=2000)
neuron = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 10.0, "V_th": theta}
exc = sim.create("iaf_psc_delta", n_ex, **neuron)
inh = sim.create("iaf_psc_delta", n_in, **neuron)
everyone = exc + inh
everyone.set(V_m=nkrandom.uniform(0.0, theta))

noise = sim.create("poisson_generator", rate=external_rate)
spikes_ex = sim.create("spike_recorder")
spikes_in = sim.create("spike_recorder")

sim.copy_model("static_synapse", "excitatory", weight=j, delay=delay)
sim.copy_model("static_synapse", "inhibitory", weight=-g * j, delay=delay)
sim.connect(noise, everyone, synapse="excitatory")
sim.connect(exc, everyone, "fixed_indegree", indegree=c_ex, synapse="excitatory")
sim.connect(inh, everyone, "fixed_indegree", indegree=c_in, synapse="inhibitory")
sim.connect(exc, spikes_ex)
sim.connect(inh, spikes_in)
print(f"Brunel network: {len(everyone)} neurons, {sim.status()['num_connections']} connections")

t_sim = 300.0
result = sim.simulate(t_sim * ms)
sp_ex, sp_in = result.spikes(spikes_ex), result.spikes(spikes_in)
rate_ex = len(sp_ex.times) / n_ex / (t_sim / 1000.0)
rate_in = len(sp_in.times) / n_in / (t_sim / 1000.0)
print(f"rates: excitatory {rate_ex:.1f} spikes/s, inhibitory {rate_in:.1f} spikes/s")

fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True, figsize=(7, 5), gridspec_kw={"height_ratios": [3, 1]})
shown = sp_ex.senders < exc.tolist()[0] + 100
ax1.plot(sp_ex.times[shown], sp_ex.senders[shown], "k.", ms=2)
ax1.set_ylabel("neuron id (100 excitatory)")
ax1.set_title(f"Brunel network, {len(everyone)} neurons: {rate_ex:.1f} spikes/s")
bins = np.arange(0.0, t_sim + 5.0, 5.0)
ax2.hist(sp_ex.times, bins=bins, color="0.3")
ax2.set_xlabel("time (ms)")
ax2.set_ylabel("spikes / 5 ms")
fig.tight_layout()
fig.savefig(OUT / FIGURES[1], dpi=100)
plt.close(fig)

# With equal parameters both populations have the same statistics; the external drive
# (eta = 2) keeps them well above threshold, and inhibition (g = 6) well below the
# maximum rate of 1 / t_ref = 500 spikes/s.
assert 10.0 < rate_ex < 120.0, rate_ex
assert abs(rate_ex - rate_in) < 0.2 * rate_ex
