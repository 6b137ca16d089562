"""Pure-Python reference implementations of NEST's plastic synapse rules, written from their equations.

Nothing here runs a simulator. Each function takes the presynaptic spike stamps ``t_pre`` (the times at
which the presynaptic neuron fired, i.e. when a spike reaches the synapse) and, for the STDP rules, the
spike times ``t_post`` of the postsynaptic neuron, and returns the weight (or efficacy) carried by each
transmitted spike together with the final synapse state.

Conventions shared by all STDP rules (NEST's "dendritic delay" picture):

* the whole synaptic delay ``d`` is dendritic: the synapse sees a postsynaptic spike fired at ``t_post``
  at ``t_post + d``, and a presynaptic spike at its stamp ``t_pre``;
* the update is event driven and happens only at presynaptic spikes.  At a presynaptic spike ``t_pre``
  (previous one ``t_last``, which is 0.0 before the first spike, as if a phantom spike at t = 0 had
  started the synapse):

  1. facilitation: every postsynaptic spike with ``t_last - d < t_post <= t_pre - d`` (both bounds
     shifted by +eps, eps = 1e-6 ms) pairs with the presynaptic trace ``Kplus`` as it was at ``t_last``,
     decayed to ``t_post + d``;
  2. depression: the postsynaptic trace ``K_minus`` taken at ``t_pre - d`` from the latest postsynaptic
     spike strictly (by more than eps) before ``t_pre - d``;
  3. the spike is transmitted with the new weight, and only then ``Kplus`` is decayed to ``t_pre`` and
     incremented by 1.

* ``K_minus`` jumps by 1 at each postsynaptic spike and decays with ``tau_minus`` (a parameter of the
  postsynaptic neuron); the triplet rule also uses a second trace with ``tau_minus_triplet``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

STDP_EPS = 1e-6

# Default parameters of each STDP model (NEST 3.10 names), per synapse or common ("_hom").
STDP_DEFAULTS = {
    "stdp_synapse": dict(
        weight=1.0, tau_plus=20.0, **{"lambda": 0.01}, alpha=1.0, mu_plus=1.0, mu_minus=1.0, Wmax=100.0
    ),
    "stdp_pl_synapse_hom": dict(weight=1.0, tau_plus=20.0, **{"lambda": 0.1}, alpha=1.0, mu=0.4),
    "stdp_triplet_synapse": dict(
        weight=1.0,
        tau_plus=16.8,
        tau_plus_triplet=101.0,
        Aplus=5e-10,
        Aminus=7e-3,
        Aplus_triplet=6.2e-3,
        Aminus_triplet=2.3e-4,
        Wmax=100.0,
    ),
    "vogels_sprekeler_synapse": dict(weight=0.5, tau=20.0, alpha=0.12, eta=0.001, Wmax=1.0),
    "jonke_synapse": dict(
        weight=1.0, alpha=1.0, beta=0.0, **{"lambda": 0.01}, mu_plus=0.0, mu_minus=0.0, tau_plus=20.0, Wmax=100.0
    ),
}
for _name in ("stdp_synapse_hom", "stdp_nn_symm_synapse", "stdp_nn_pre_centered_synapse", "stdp_nn_restr_synapse"):
    STDP_DEFAULTS[_name] = dict(STDP_DEFAULTS["stdp_synapse"])

STDP_MODELS = tuple(STDP_DEFAULTS)


# ---------------------------------------------------------------------------------------------------------------------
# Postsynaptic side: spike archive and traces
# ---------------------------------------------------------------------------------------------------------------------


class PostsynapticArchive:
    """The postsynaptic spike train with the values of its traces right after each spike.

    K_minus(t) = sum_{t_j <= t} exp(-(t - t_j) / tau_minus), likewise K_minus_triplet with tau_minus_triplet.
    """

    def __init__(self, t_post, tau_minus=20.0, tau_minus_triplet=110.0):
        self.times = sorted(float(t) for t in t_post)
        self.tau_minus = tau_minus
        self.tau_minus_triplet = tau_minus_triplet
        self.k_minus = []  # K_minus right after spike j (includes the +1 of spike j)
        self.k_minus_triplet = []
        k = kt = 0.0
        previous = None
        for t in self.times:
            if previous is not None:
                k *= math.exp((previous - t) / tau_minus)
                kt *= math.exp((previous - t) / tau_minus_triplet)
            k += 1.0
            kt += 1.0
            self.k_minus.append(k)
            self.k_minus_triplet.append(kt)
            previous = t

    def spikes_between(self, t1, t2):
        """Indices of the postsynaptic spikes in (t1, t2], both bounds taken with the tolerance eps."""
        return [j for j, t in enumerate(self.times) if t1 + STDP_EPS <= t < t2 + STDP_EPS]

    def _latest_before(self, t):
        """Index of the latest spike strictly (by more than eps) before t, or None."""
        latest = None
        for j, tj in enumerate(self.times):
            if t - tj > STDP_EPS:
                latest = j
        return latest

    def k_minus_at(self, t):
        j = self._latest_before(t)
        if j is None:
            return 0.0
        return self.k_minus[j] * math.exp((self.times[j] - t) / self.tau_minus)

    def nearest_neighbour_k_minus_at(self, t):
        """exp(-(t - t_j)/tau_minus) for the latest spike t_j before t: only that spike counts."""
        j = self._latest_before(t)
        if j is None:
            return 0.0
        return math.exp((self.times[j] - t) / self.tau_minus)

    def k_minus_triplet_before_spike(self, j):
        """The triplet trace just before spike j (without spike j's own increment)."""
        return self.k_minus_triplet[j] - 1.0


# ---------------------------------------------------------------------------------------------------------------------
# Weight dependences
# ---------------------------------------------------------------------------------------------------------------------


def _guetig_potentiate(w, k, p):
    """Guetig et al. (2003) soft bound on w / Wmax: dw/Wmax = lambda (1 - w/Wmax)^mu_plus k, capped at Wmax."""
    wmax = p["Wmax"]
    w_norm = w / wmax + p["lambda"] * math.pow(1.0 - w / wmax, p["mu_plus"]) * k
    return w_norm * wmax if w_norm < 1.0 else wmax


def _guetig_depress(w, k, p):
    """dw/Wmax = -alpha lambda (w/Wmax)^mu_minus k, floored at 0."""
    wmax = p["Wmax"]
    w_norm = w / wmax - p["alpha"] * p["lambda"] * math.pow(w / wmax, p["mu_minus"]) * k
    return w_norm * wmax if w_norm > 0.0 else 0.0


def _power_law_potentiate(w, k, p):
    """Morrison et al. (2007): dw = lambda w^mu k (no upper bound)."""
    return w + p["lambda"] * math.pow(w, p["mu"]) * k


def _power_law_depress(w, k, p):
    """dw = -lambda alpha w k, floored at 0."""
    w_new = w - p["lambda"] * p["alpha"] * w * k
    return w_new if w_new > 0.0 else 0.0


def _jonke_potentiate(w, k, p):
    """Jonke et al. (2017): dw = lambda (exp(mu_plus w) k - beta), capped at Wmax."""
    if p["lambda"] == 0.0:
        return w
    w_new = w + p["lambda"] * (math.exp(p["mu_plus"] * w) * k - p["beta"])
    return w_new if w_new < p["Wmax"] else p["Wmax"]


def _jonke_depress(w, k, p):
    """dw = lambda (-alpha exp(mu_minus w) k - beta), floored at 0."""
    if p["lambda"] == 0.0:
        return w
    w_new = w + p["lambda"] * (-p["alpha"] * math.exp(p["mu_minus"] * w) * k - p["beta"])
    return w_new if w_new > 0.0 else 0.0


def _signed_add(w, dw_abs, wmax):
    """Additive change of |w| bounded to [0, |Wmax|], result carrying the sign of Wmax."""
    w_new = abs(w) + dw_abs
    w_new = min(max(w_new, 0.0), abs(wmax))
    return math.copysign(w_new, wmax)


# ---------------------------------------------------------------------------------------------------------------------
# STDP rules
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class PlasticityResult:
    """weights[i]: the weight transmitted with presynaptic spike i; state: the final synapse state (NEST names)."""

    weights: list = field(default_factory=list)
    state: dict = field(default_factory=dict)

    @property
    def final_weight(self):
        return self.state["weight"]


def stdp_params(model, params=None):
    p = dict(STDP_DEFAULTS[model])
    p.update(params or {})
    return p


def run_stdp(model, t_pre, t_post, delay, params=None, tau_minus=20.0, tau_minus_triplet=110.0):
    """Weight evolution of STDP model ``model`` for presynaptic stamps t_pre and postsynaptic spikes t_post.

    ``delay`` is the synaptic (dendritic) delay in ms, ``params`` overrides the model's defaults (NEST names,
    including the initial ``weight`` and, where the model has them, the initial traces ``Kplus`` and
    ``Kplus_triplet``); ``tau_minus``/``tau_minus_triplet`` belong to the postsynaptic neuron.
    """
    p = stdp_params(model, params)
    state = {"Kplus": p.pop("Kplus", 0.0), "Kplus_triplet": p.pop("Kplus_triplet", 0.0)}
    post = PostsynapticArchive(t_post, tau_minus, tau_minus_triplet)
    return _RULES[model](sorted(float(t) for t in t_pre), post, float(delay), p, state)


def _stdp_all_to_all(potentiate, depress, tau_key):
    """Rules in which every pre/post pair contributes (all-to-all pairing through the two traces)."""

    def rule(t_pre, post, d, p, state):
        kplus = state["Kplus"]
        tau_plus = p[tau_key]
        w, t_last = p["weight"], 0.0
        out = PlasticityResult()
        for t in t_pre:
            for j in post.spikes_between(t_last - d, t - d):
                w = potentiate(w, kplus * math.exp((t_last - (post.times[j] + d)) / tau_plus), p)
            w = depress(w, post.k_minus_at(t - d), p)
            out.weights.append(w)
            kplus = kplus * math.exp((t_last - t) / tau_plus) + 1.0
            t_last = t
        out.state = {"weight": w, "Kplus": kplus}
        return out

    return rule


def _vogels_sprekeler(t_pre, post, d, p, state):
    """Vogels et al. (2011) inhibitory rule: symmetric potentiation by both traces, constant depression
    alpha*eta at every presynaptic spike; |w| bounded to [0, |Wmax|] with the sign of Wmax."""
    tau, eta, kplus = p["tau"], p["eta"], state["Kplus"]
    w, t_last = p["weight"], 0.0
    out = PlasticityResult()
    for t in t_pre:
        for j in post.spikes_between(t_last - d, t - d):
            w = _signed_add(w, eta * kplus * math.exp((t_last - (post.times[j] + d)) / tau), p["Wmax"])
        w = _signed_add(w, eta * post.k_minus_at(t - d), p["Wmax"])
        w = _signed_add(w, -p["alpha"] * eta, p["Wmax"])
        out.weights.append(w)
        kplus = kplus * math.exp((t_last - t) / tau) + 1.0
        t_last = t
    out.state = {"weight": w, "Kplus": kplus}
    return out


def _triplet(t_pre, post, d, p, state):
    """Pfister & Gerstner (2006) all-to-all triplet rule.

    Potentiation at a postsynaptic spike j: r1 (Aplus + Aplus_triplet * o2), with r1 = Kplus at t_j + d and
    o2 the postsynaptic triplet trace just before spike j.  Depression at a presynaptic spike:
    o1 (Aminus + Aminus_triplet * r2), with o1 = K_minus(t_pre - d) and r2 the presynaptic triplet trace just
    before this spike.  |w| is bounded to [0, |Wmax|] and carries the sign of Wmax.
    """
    w, t_last = p["weight"], 0.0
    wmax, kplus, kplus_triplet = p["Wmax"], state["Kplus"], state["Kplus_triplet"]
    out = PlasticityResult()
    for t in t_pre:
        for j in post.spikes_between(t_last - d, t - d):
            r1 = kplus * math.exp((t_last - (post.times[j] + d)) / p["tau_plus"])
            o2 = post.k_minus_triplet_before_spike(j)
            w_new = abs(w) + r1 * (p["Aplus"] + p["Aplus_triplet"] * o2)
            w = math.copysign(w_new if w_new < abs(wmax) else wmax, wmax)
        kplus_triplet *= math.exp((t_last - t) / p["tau_plus_triplet"])
        o1 = post.k_minus_at(t - d)
        w_new = abs(w) - o1 * (p["Aminus"] + p["Aminus_triplet"] * kplus_triplet)
        w = math.copysign(w_new if w_new > 0.0 else 0.0, wmax)
        out.weights.append(w)
        kplus_triplet += 1.0
        kplus = kplus * math.exp((t_last - t) / p["tau_plus"]) + 1.0
        t_last = t
    out.state = {"weight": w, "Kplus": kplus, "Kplus_triplet": kplus_triplet}
    return out


def _nn_symmetric(t_pre, post, d, p, state):
    """Symmetric nearest-neighbour pairing (Morrison et al. 2008, Fig. 7A): each postsynaptic spike is
    potentiated against the latest presynaptic spike before it, each presynaptic spike is depressed against
    the latest postsynaptic spike before it."""
    w, t_last = p["weight"], 0.0
    out = PlasticityResult()
    for t in t_pre:
        for j in post.spikes_between(t_last - d, t - d):
            w = _guetig_potentiate(w, math.exp((t_last - (post.times[j] + d)) / p["tau_plus"]), p)
        w = _guetig_depress(w, post.nearest_neighbour_k_minus_at(t - d), p)
        out.weights.append(w)
        t_last = t
    out.state = {"weight": w}
    return out


def _nn_pre_centered(t_pre, post, d, p, state):
    """Presynaptic-centred nearest-neighbour pairing (Morrison et al. 2008, Fig. 7B): a postsynaptic spike
    pairs with all presynaptic spikes since the previous postsynaptic spike (Kplus, reset to 0 by the first
    postsynaptic spike after them); a presynaptic spike pairs only with the latest postsynaptic spike."""
    w, t_last, kplus = p["weight"], 0.0, state["Kplus"]
    out = PlasticityResult()
    for t in t_pre:
        window = post.spikes_between(t_last - d, t - d)
        if window:
            j = window[0]
            w = _guetig_potentiate(w, kplus * math.exp((t_last - (post.times[j] + d)) / p["tau_plus"]), p)
            kplus = 0.0
        w = _guetig_depress(w, post.nearest_neighbour_k_minus_at(t - d), p)
        out.weights.append(w)
        kplus = kplus * math.exp((t_last - t) / p["tau_plus"]) + 1.0
        t_last = t
    out.state = {"weight": w, "Kplus": kplus}
    return out


def _nn_restricted(t_pre, post, d, p, state):
    """Restricted symmetric nearest-neighbour pairing (Morrison et al. 2008, Fig. 7C): only the first
    postsynaptic spike after a presynaptic spike potentiates, and a presynaptic spike depresses (with the
    latest postsynaptic spike) only if at least one postsynaptic spike came since the previous one."""
    w, t_last = p["weight"], 0.0
    out = PlasticityResult()
    for t in t_pre:
        window = post.spikes_between(t_last - d, t - d)
        if window:
            j = window[0]
            w = _guetig_potentiate(w, math.exp((t_last - (post.times[j] + d)) / p["tau_plus"]), p)
            w = _guetig_depress(w, post.nearest_neighbour_k_minus_at(t - d), p)
        out.weights.append(w)
        t_last = t
    out.state = {"weight": w}
    return out


_RULES = {
    "stdp_synapse": _stdp_all_to_all(_guetig_potentiate, _guetig_depress, "tau_plus"),
    "stdp_synapse_hom": _stdp_all_to_all(_guetig_potentiate, _guetig_depress, "tau_plus"),
    "stdp_pl_synapse_hom": _stdp_all_to_all(_power_law_potentiate, _power_law_depress, "tau_plus"),
    "jonke_synapse": _stdp_all_to_all(_jonke_potentiate, _jonke_depress, "tau_plus"),
    "vogels_sprekeler_synapse": _vogels_sprekeler,
    "stdp_triplet_synapse": _triplet,
    "stdp_nn_symm_synapse": _nn_symmetric,
    "stdp_nn_pre_centered_synapse": _nn_pre_centered,
    "stdp_nn_restr_synapse": _nn_restricted,
}


# ---------------------------------------------------------------------------------------------------------------------
# Short-term plasticity (deterministic)
# ---------------------------------------------------------------------------------------------------------------------


def tsodyks(t_pre, weight=1.0, U=0.5, tau_psc=3.0, tau_rec=800.0, tau_fac=0.0, x=1.0, y=0.0, u=0.0):
    """Tsodyks, Pawelzik & Markram (1998) with an exponential PSC state y.

    Between spikes:  dx/dt = z / tau_rec,  dy/dt = -y / tau_psc,  z = 1 - x - y,  du/dt = -u / tau_fac
    (u is reset to 0 between spikes if tau_fac == 0).  At a spike: u <- u + U (1 - u), then a fraction u of
    x is released: dy = u x, x <- x - dy, y <- y + dy; the transmitted weight is dy * weight.
    The state evolves from t = 0 to the first spike (the synapse's last spike time starts at 0).
    """
    assert tau_psc != tau_rec
    out = PlasticityResult()
    t_last = 0.0
    for t in sorted(t_pre):
        h = t - t_last
        p_rec = math.exp(-h / tau_rec)
        p_psc = math.exp(-h / tau_psc)
        z = 1.0 - x - y
        # exact solution of the linear system above over h
        z = z * p_rec + y * tau_rec * (p_psc - p_rec) / (tau_psc - tau_rec)
        y = y * p_psc
        x = 1.0 - y - z
        u = u * (math.exp(-h / tau_fac) if tau_fac != 0.0 else 0.0)
        u = u + U * (1.0 - u)
        released = u * x
        x -= released
        y += released
        out.weights.append(released * weight)
        t_last = t
    out.state = {"weight": weight, "x": x, "y": y, "u": u}
    return out


def tsodyks2(t_pre, weight=1.0, U=0.5, u=0.5, x=1.0, tau_rec=800.0, tau_fac=0.0):
    """Tsodyks & Markram (1997) / Fuhrmann et al. (2002) resource model without PSC state.

    The first spike uses the initial x and u unchanged.  Between spikes k-1 and k (interval h) the resource
    recovers after release and the utilisation relaxes to U:
        x_k = 1 - (1 - x_{k-1} (1 - u_{k-1})) exp(-h / tau_rec)
        u_k = U + u_{k-1} (1 - U) exp(-h / tau_fac)     (exp term 0 if tau_fac == 0)
    The transmitted weight is x_k u_k weight.
    """
    out = PlasticityResult()
    t_last = None
    for t in sorted(t_pre):
        if t_last is not None:
            h = t - t_last
            x = 1.0 - (1.0 - x * (1.0 - u)) * math.exp(-h / tau_rec)
            u = U + u * (1.0 - U) * (math.exp(-h / tau_fac) if tau_fac != 0.0 else 0.0)
        out.weights.append(x * u * weight)
        t_last = t
    out.state = {"weight": weight, "x": x, "u": u}
    return out


def ht_depression(t_pre, weight=1.0, tau_P=500.0, delta_P=0.125, P=1.0):
    """Hill & Tononi (2005) synaptic depression: the release probability P recovers to 1 with tau_P,
    the spike is transmitted with weight * P, and P is then scaled by (1 - delta_P).  P recovers from t = 0
    to the first spike."""
    out = PlasticityResult()
    t_last = 0.0
    for t in sorted(t_pre):
        P = 1.0 - (1.0 - P) * math.exp(-(t - t_last) / tau_P)
        out.weights.append(weight * P)
        P *= 1.0 - delta_P
        t_last = t
    out.state = {"weight": weight, "P": P}
    return out


# ---------------------------------------------------------------------------------------------------------------------
# Stochastic synapses: exact release statistics
# ---------------------------------------------------------------------------------------------------------------------


def binomial_pmf(n, p):
    return [math.comb(n, k) * p**k * (1.0 - p) ** (n - k) for k in range(n + 1)]


def bernoulli_moments(n_spikes, p_transmit):
    """Mean and variance of the number of spikes transmitted out of n_spikes by a bernoulli_synapse."""
    return n_spikes * p_transmit, n_spikes * p_transmit * (1.0 - p_transmit)


def quantal_utilisation(t_pre, U=0.5, u=0.5, tau_fac=0.0):
    """The deterministic release probability u_k of quantal_stp_synapse at each spike (u_1 = initial u,
    u_k = U + u_{k-1} (1 - U) exp(-h / tau_fac); the exponential counts as 0 for tau_fac < 1e-10)."""
    us, t_last = [], None
    for t in sorted(t_pre):
        if t_last is not None:
            decay = 0.0 if tau_fac < 1e-10 else math.exp(-(t - t_last) / tau_fac)
            u = U + u * (1.0 - U) * decay
        us.append(u)
        t_last = t
    return us


def quantal_release_moments(t_pre, n=1, a=None, U=0.5, u=0.5, tau_rec=800.0, tau_fac=0.0):
    """Exact release statistics of quantal_stp_synapse (Fuhrmann et al. 2002 with n release sites).

    Of the n sites, a are available.  Before every spike but the first, each depleted site has recovered
    with probability 1 - exp(-h / tau_rec); at the spike each available site releases with probability u_k
    (see quantal_utilisation), and released sites become depleted.

    Returns (mean[k], var[k], total_mean, total_var): moments of the number of released sites at spike k and
    of their sum over the train, from a dynamic programme over the joint law of (available sites, releases
    so far).
    """
    a = n if a is None else a
    times = sorted(t_pre)
    us = quantal_utilisation(times, U, u, tau_fac)
    joint = {(a, 0): 1.0}  # (available sites, cumulative releases) -> probability
    means, variances = [], []
    t_last = None
    for t, u_k in zip(times, us):
        if t_last is not None:
            q = 1.0 - math.exp(-(t - t_last) / tau_rec)
            recovered = {}
            for (avail, total), prob in joint.items():
                for k, pk in enumerate(binomial_pmf(n - avail, q)):
                    key = (avail + k, total)
                    recovered[key] = recovered.get(key, 0.0) + prob * pk
            joint = recovered
        released = {}
        m1 = m2 = 0.0
        for (avail, total), prob in joint.items():
            for r, pr in enumerate(binomial_pmf(avail, u_k)):
                key = (avail - r, total + r)
                released[key] = released.get(key, 0.0) + prob * pr
                m1 += prob * pr * r
                m2 += prob * pr * r * r
        joint = released
        means.append(m1)
        variances.append(m2 - m1 * m1)
        t_last = t
    total_mean = sum(prob * total for (_, total), prob in joint.items())
    total_var = sum(prob * total * total for (_, total), prob in joint.items()) - total_mean**2
    return means, variances, total_mean, total_var
