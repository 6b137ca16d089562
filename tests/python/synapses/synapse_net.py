"""Small networks shared by the synapse tests: spike_generator -> parrot_neuron -> (synapse) -> target.

Every function takes the PyNEST-like module as its first argument, so the same setup can run on any
implementation of the PyNEST API.  Spike times given here are the times at which the parrots fire: the
generators are connected to the parrots with GEN_DELAY, and their spike times are shifted back by it.
"""

from __future__ import annotations

import numpy as np

GEN_DELAY = 1.0

# Parameters that are common to all synapses of a "_hom" model (set through CopyModel, not per connection).
COMMON_KEYS = {
    "stdp_synapse_hom": {"tau_plus", "lambda", "alpha", "mu_plus", "mu_minus", "Wmax"},
    "stdp_pl_synapse_hom": {"tau_plus", "lambda", "alpha", "mu"},
    "jonke_synapse": {"alpha", "beta", "lambda", "mu_plus", "mu_minus", "tau_plus", "Wmax"},
    "tsodyks_synapse_hom": {"U", "tau_psc", "tau_rec", "tau_fac", "weight"},
    "static_synapse_hom_w": {"weight"},
}


def reset(nest, resolution=0.1, threads=1, seed=None):
    nest.ResetKernel()
    if threads != 1:
        nest.local_num_threads = threads
    nest.resolution = resolution
    if seed is not None:
        nest.rng_seed = seed


def on_grid(times, resolution):
    """Round times to the simulation grid (and to 1e-9 ms so that they print cleanly)."""
    return [round(round(t / resolution) * resolution, 9) for t in times]


def random_train(rng, resolution, t_start, t_stop, n_spikes):
    """n_spikes distinct grid times in [t_start, t_stop]."""
    first, last = int(round(t_start / resolution)), int(round(t_stop / resolution))
    steps = np.sort(rng.choice(np.arange(first, last + 1), size=n_spikes, replace=False))
    return on_grid(steps * resolution, resolution)


def parrots_firing_at(nest, trains):
    """One parrot_neuron per train, driven by its own spike_generator so that it fires at the given times."""
    parrots = nest.Create("parrot_neuron", len(trains))
    for parrot, train in zip(parrots, trains):
        gen = nest.Create("spike_generator", params={"spike_times": [round(t - GEN_DELAY, 9) for t in train]})
        nest.Connect(gen, parrot, syn_spec={"delay": GEN_DELAY})
    return parrots


def split_params(model, params):
    common_keys = COMMON_KEYS.get(model, set())
    params = dict(params or {})
    common = {k: v for k, v in params.items() if k in common_keys}
    per_synapse = {k: v for k, v in params.items() if k not in common_keys}
    return common, per_synapse


def plastic_copy(nest, model, params=None, label="_under_test"):
    """CopyModel of ``model`` with a weight_recorder and the model's common parameters from ``params``.

    Returns (new model name, weight_recorder, per-synapse parameters)."""
    common, per_synapse = split_params(model, params)
    wr = nest.Create("weight_recorder")
    name = model + label
    nest.CopyModel(model, name, dict(common, weight_recorder=wr))
    return name, wr, per_synapse


def simulate(nest, t_stop, chunks=1):
    if chunks == 1:
        nest.Simulate(t_stop)
    else:
        for _ in range(chunks):
            nest.Simulate(t_stop / chunks)


def weight_recorder_by_sender(wr):
    """{sender: (times, weights)} from a weight_recorder, each sorted by time."""
    ev = wr.get("events")
    senders, times, weights = (np.asarray(ev.get(k, []), dtype=float) for k in ("senders", "times", "weights"))
    out = {}
    for s in np.unique(senders):
        sel = senders == s
        order = np.argsort(times[sel], kind="stable")
        out[int(s)] = (times[sel][order], weights[sel][order])
    return out


def connection_states(nest, model_name, keys):
    """{(source, target): {key: value}} for all connections of ``model_name``."""
    conns = nest.GetConnections(synapse_model=model_name)
    status = conns.get(["source", "target"] + list(keys))
    if len(conns) == 1:  # PyNEST returns scalars for a single connection
        status = {k: [v] for k, v in status.items()}
    out = {}
    for i, (s, t) in enumerate(zip(status["source"], status["target"])):
        out[(int(s), int(t))] = {k: status[k][i] for k in keys}
    return out


def run_stdp_pairs(
    nest,
    model,
    pre_trains,
    post_trains,
    delay,
    params=None,
    resolution=0.1,
    threads=1,
    chunks=1,
    t_stop=None,
    tau_minus=20.0,
    tau_minus_triplet=110.0,
    state_keys=("weight",),
):
    """Independent pre/post parrot pairs joined by one plastic synapse each (into receptor 1 of the
    postsynaptic parrot, which does not repeat those spikes).

    Returns one dict per pair: 'times'/'weights' from the weight_recorder, and 'state' from GetConnections.
    """
    reset(nest, resolution, threads)
    name, wr, per_synapse = plastic_copy(nest, model, params)
    pre = parrots_firing_at(nest, pre_trains)
    post = parrots_firing_at(nest, post_trains)
    post.set({"tau_minus": tau_minus, "tau_minus_triplet": tau_minus_triplet})
    syn_spec = dict(per_synapse, synapse_model=name, delay=delay, receptor_type=1)
    nest.Connect(pre, post, "one_to_one", syn_spec)
    if t_stop is None:
        t_last = max(max(t) for t in list(pre_trains) + list(post_trains) if len(t))
        t_stop = np.ceil(t_last + delay + 5.0)
    simulate(nest, float(t_stop), chunks)
    recorded = weight_recorder_by_sender(wr)
    states = connection_states(nest, name, state_keys)
    results = []
    for s, t in zip(pre.tolist(), post.tolist()):
        times, weights = recorded.get(s, (np.empty(0), np.empty(0)))
        results.append({"times": times, "weights": weights, "state": states[(s, t)]})
    return results


def run_train_into_iaf(nest, model, train, params=None, delay=1.0, resolution=0.1, tau_syn=2.0, t_stop=None, chunks=1):
    """One parrot firing at ``train`` -> (synapse) -> iaf_psc_exp that never fires, with a multimeter on I_syn_ex.

    Returns (weight_recorder times, weights, connection status dict, multimeter times, I_syn_ex)."""
    reset(nest, resolution)
    name, wr, per_synapse = plastic_copy(nest, model, params)
    src = parrots_firing_at(nest, [train])
    target = nest.Create("iaf_psc_exp", params={"V_th": 1e9, "tau_syn_ex": tau_syn, "tau_syn_in": tau_syn})
    mm = nest.Create("multimeter", params={"record_from": ["I_syn_ex"], "interval": resolution})
    nest.Connect(mm, target)
    nest.Connect(src, target, syn_spec=dict(per_synapse, synapse_model=name, delay=delay))
    if t_stop is None:
        t_stop = float(np.ceil(max(train) + delay + 5.0))
    simulate(nest, t_stop, chunks)
    ev = wr.get("events")
    mm_ev = mm.get("events")
    status = nest.GetConnections(synapse_model=name)[0].get()
    return (
        np.asarray(ev["times"]),
        np.asarray(ev["weights"]),
        status,
        np.asarray(mm_ev["times"]),
        np.asarray(mm_ev["I_syn_ex"]),
    )


def exponential_psc(times, arrivals, weights, tau_syn):
    """sum_k w_k exp(-(t - a_k)/tau_syn) over the arrivals a_k <= t (a jump is visible in the sample at a_k)."""
    times = np.asarray(times)[:, None]
    arrivals = np.asarray(arrivals)[None, :]
    active = times >= arrivals - 1e-9
    return np.sum(np.where(active, np.asarray(weights)[None, :] * np.exp(-(times - arrivals) / tau_syn), 0.0), axis=1)


def run_one_to_many(nest, model, train, n_targets, params=None, delay=1.0, resolution=0.1, seed=12345, threads=1):
    """One parrot firing at ``train`` -> (synapse) -> n_targets parrots that repeat what they receive.

    Returns (weight_recorder events as a dict of arrays, spike_recorder events of the targets, targets)."""
    reset(nest, resolution, threads, seed=seed)
    name, wr, per_synapse = plastic_copy(nest, model, params)
    src = parrots_firing_at(nest, [train])
    targets = nest.Create("parrot_neuron", n_targets)
    sr = nest.Create("spike_recorder")
    nest.Connect(targets, sr)
    nest.Connect(src, targets, syn_spec=dict(per_synapse, synapse_model=name, delay=delay))
    simulate(nest, float(np.ceil(max(train) + delay + 5.0)))
    wr_ev = {k: np.asarray(v) for k, v in wr.get("events").items()}
    sr_ev = {k: np.asarray(v) for k, v in sr.get("events").items()}
    return wr_ev, sr_ev, targets
