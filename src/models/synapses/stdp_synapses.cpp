// Pair-based spike-timing-dependent plasticity as NEST 3.10: the whole delay counts
// as dendritic; at each presynaptic spike t the synapse first facilitates for every
// postsynaptic spike in (t_last - d, t - d] with the presynaptic trace decayed to it,
// then depresses with the postsynaptic trace just before t - d, then advances its
// presynaptic trace. Each rule below writes only its weight functions.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "integrators/exp_array.hpp"
#include "integrators/pow_array.hpp"
#include "models/synapses/families.hpp"
#include "nestkit/spike_archive.hpp"

namespace nestkit::synapses {
namespace {

// --- stdp_synapse, stdp_synapse_hom, the nearest-neighbour variants: multiplicative
// power-law updates of the weight normalised by Wmax (Guetig et al. 2003).
struct GuetigParams {
  double lambda, alpha, mu_plus, mu_minus, Wmax;
};
// The updates given pow's value: pw = pow(1 - w/Wmax, mu_plus) to facilitate,
// pow(w/Wmax, mu_minus) to depress.
inline double guetig_facilitate_by(double w, double pw, double kplus, const GuetigParams& p) {
  const double norm_w = (w / p.Wmax) + (p.lambda * pw * kplus);
  return norm_w < 1.0 ? norm_w * p.Wmax : p.Wmax;
}
inline double guetig_depress_by(double w, double pw, double kminus, const GuetigParams& p) {
  const double norm_w = (w / p.Wmax) - (p.alpha * p.lambda * pw * kminus);
  return norm_w > 0.0 ? norm_w * p.Wmax : 0.0;
}
inline double guetig_facilitate(double w, double kplus, const GuetigParams& p) {
  return guetig_facilitate_by(w, std::pow(1.0 - (w / p.Wmax), p.mu_plus), kplus, p);
}
inline double guetig_depress(double w, double kminus, const GuetigParams& p) {
  return guetig_depress_by(w, std::pow(w / p.Wmax, p.mu_minus), kminus, p);
}

// Blocks of this many synapses of one spike go through a rule side by side.
constexpr std::size_t kBlock = 256;

// Advances the presynaptic trace of every record of a spike's synapses.
template <class Advance>
void advance_records(SynapseSpike& s, Advance advance) {
  if (s.record_each)
    for (std::size_t k = 0; k < s.count; ++k) advance(s.record_of(k));
  else
    advance(s.record);
}

// The synapses of a spike in blocks, side by side, each computing what NEST computes in
// NEST's order: first every synapse's postsynaptic history and trace, then the j-th
// facilitation of all synapses that have a j-th postsynaptic spike, then the depression;
// exp and pow run four lanes at a time with the C library's bits (exp_array, pow_array).
// `Rule` gives, for a synapse's record r: t_last(r), kplus(r), trace_exponent(r, t_post),
// facilitate_base/facilitate(w, pw, kplus, r) with pw = pow(base, mu_plus(r)), and
// depress(w, pw, kminus, r), with pw = pow(depress_base, mu_minus(r)) if kDepressionPow.
template <class Rule>
void pair_side_by_side(SynapseSpike& s, const Rule& rule) {
  const double t = s.t_spike;
  double w[kBlock], d[kBlock], kminus[kBlock], arg[kBlock], base[kBlock], expo[kBlock], ex[kBlock], pw[kBlock];
  const HistoryEntry* next[kBlock];
  uint32_t left[kBlock], due[kBlock];
  for (std::size_t first = 0; first < s.count; first += kBlock) {
    const std::size_t n = std::min(kBlock, s.count - first);
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t k = first + j;
      const double* r = s.record_of(k);
      d[j] = s.delay_ms(k);
      const std::size_t post = s.target[k] - s.post_first;
      w[j] = s.weight[k];
      const auto [a, b] = s.post->history(post, rule.t_last(r) - d[j], t - d[j]);
      next[j] = a;
      left[j] = static_cast<uint32_t>(b - a);
      kminus[j] = s.post->K_value(post, t - d[j]);
    }
    for (;;) {
      std::size_t m = 0;
      for (std::size_t j = 0; j < n; ++j) {
        due[m] = static_cast<uint32_t>(j);
        m += left[j] != 0;
      }
      if (m == 0) break;
      for (std::size_t i = 0; i < m; ++i) {
        const uint32_t j = due[i];
        const double* r = s.record_of(first + j);
        arg[i] = rule.trace_exponent(r, next[j]->t + d[j]);
        base[i] = rule.facilitate_base(w[j], r);
        expo[i] = rule.mu_plus(r);
      }
      integrators::exp_array(arg, ex, m);
      integrators::pow_array(base, expo, pw, m);
      for (std::size_t i = 0; i < m; ++i) {
        const uint32_t j = due[i];
        const double* r = s.record_of(first + j);
        w[j] = rule.facilitate(w[j], pw[i], rule.kplus(r) * ex[i], r);
        ++next[j];
        --left[j];
      }
    }
    if constexpr (Rule::kDepressionPow) {
      for (std::size_t j = 0; j < n; ++j) {
        const double* r = s.record_of(first + j);
        base[j] = rule.depress_base(w[j], r);
        expo[j] = rule.mu_minus(r);
      }
      integrators::pow_array(base, expo, pw, n);
    }
    for (std::size_t j = 0; j < n; ++j) {
      const double p = Rule::kDepressionPow ? pw[j] : 0.0;  // unused by rules without it
      const double nw = rule.depress(w[j], p, kminus[j], s.record_of(first + j));
      s.weight[first + j] = s.out_weight[first + j] = nw;
    }
  }
}

// Record layout of stdp_synapse and the nearest-neighbour models.
enum StdpCol : int { tau_plus, lambda, alpha, mu_plus, mu_minus, Wmax, Kplus, t_last };

void declare_guetig(SynapseInfo& s, bool with_kplus) {
  s.param(tau_plus, "tau_plus", 20.0, "ms", positive(), "Time constant of the presynaptic STDP trace")
      .param(lambda, "lambda", 0.01, "", {}, "Step size")
      .param(alpha, "alpha", 1.0, "", {}, "Asymmetry between depression and facilitation")
      .param(mu_plus, "mu_plus", 1.0, "", {}, "Weight dependence exponent, facilitation")
      .param(mu_minus, "mu_minus", 1.0, "", {}, "Weight dependence exponent, depression")
      .param(Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight");
  if (with_kplus)
    s.state(Kplus, "Kplus", 0.0, "", non_negative(), "Presynaptic trace");
  else
    s.hidden(Kplus, "_unused", 0.0);
  s.hidden(t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  s.needs_archive = true;
  s.check = [](const auto& v) { same_sign_weight_wmax(v); };
}

GuetigParams guetig_of(const double* r) { return {r[lambda], r[alpha], r[mu_plus], r[mu_minus], r[Wmax]}; }

// stdp_synapse's rule for pair_side_by_side: every parameter in the synapse's record.
struct StdpRule {
  static constexpr bool kDepressionPow = true;
  double t_last(const double* r) const { return r[StdpCol::t_last]; }
  double kplus(const double* r) const { return r[Kplus]; }
  double trace_exponent(const double* r, double t_post) const { return (r[StdpCol::t_last] - t_post) / r[tau_plus]; }
  double mu_plus(const double* r) const { return r[StdpCol::mu_plus]; }
  double mu_minus(const double* r) const { return r[StdpCol::mu_minus]; }
  double facilitate_base(double w, const double* r) const { return 1.0 - (w / r[Wmax]); }
  double depress_base(double w, const double* r) const { return w / r[Wmax]; }
  double facilitate(double w, double pw, double kplus, const double* r) const {
    return guetig_facilitate_by(w, pw, kplus, guetig_of(r));
  }
  double depress(double w, double pw, double kminus, const double* r) const {
    return guetig_depress_by(w, pw, kminus, guetig_of(r));
  }
};

void send_stdp(SynapseSpike& s) {
  const double t = s.t_spike;
  pair_side_by_side(s, StdpRule{});
  advance_records(s, [t](double* r) {
    r[Kplus] = r[Kplus] * std::exp((r[StdpCol::t_last] - t) / r[tau_plus]) + 1.0;
    r[StdpCol::t_last] = t;
  });
}

// Nearest-neighbour pairings (Morrison et al. 2008, fig. 7): symmetric, presynaptic
// centred, restricted symmetric.
enum class Pairing { kSymmetric, kPreCentered, kRestricted };

template <Pairing P>
void send_stdp_nn(SynapseSpike& s) {
  const double t = s.t_spike;
  for (std::size_t k = 0; k < s.count; ++k) {
    double* r = s.record_of(k);
    const GuetigParams p = guetig_of(r);
    const double d = s.delay_ms(k);
    const std::size_t post = s.target[k] - s.post_first;
    double w = s.weight[k];
    const auto [a, b] = s.post->history(post, r[t_last] - d, t - d);
    if constexpr (P == Pairing::kSymmetric) {
      for (const HistoryEntry* e = a; e != b; ++e)
        w = guetig_facilitate(w, std::exp((r[t_last] - (e->t + d)) / r[tau_plus]), p);
    } else if (a != b) {
      const double minus_dt = r[t_last] - (a->t + d);
      if constexpr (P == Pairing::kPreCentered) {
        w = guetig_facilitate(w, r[Kplus] * std::exp(minus_dt / r[tau_plus]), p);
        r[Kplus] = 0.0;
      } else {
        w = guetig_facilitate(w, std::exp(minus_dt / r[tau_plus]), p);
      }
    }
    if (P != Pairing::kRestricted || a != b) {
      double K, nearest, K_triplet;
      s.post->K_values(post, t - d, K, nearest, K_triplet);
      w = guetig_depress(w, nearest, p);
    }
    if constexpr (P == Pairing::kPreCentered) r[Kplus] = r[Kplus] * std::exp((r[t_last] - t) / r[tau_plus]) + 1.0;
    r[t_last] = t;
    s.weight[k] = s.out_weight[k] = w;
  }
}

// stdp_synapse_hom: the Guetig rule with parameters common to all connections.
enum HomCommon : int { h_tau_plus, h_lambda, h_alpha, h_mu_plus, h_mu_minus, h_Wmax };
enum HomRecord : int { hr_Kplus, hr_t_last };

// stdp_synapse_hom's rule: parameters common to all synapses, the trace in the record.
struct StdpHomRule {
  static constexpr bool kDepressionPow = true;
  const double* c;
  GuetigParams p;
  double t_last(const double* r) const { return r[hr_t_last]; }
  double kplus(const double* r) const { return r[hr_Kplus]; }
  double trace_exponent(const double* r, double t_post) const { return (r[hr_t_last] - t_post) / c[h_tau_plus]; }
  double mu_plus(const double*) const { return p.mu_plus; }
  double mu_minus(const double*) const { return p.mu_minus; }
  double facilitate_base(double w, const double*) const { return 1.0 - (w / p.Wmax); }
  double depress_base(double w, const double*) const { return w / p.Wmax; }
  double facilitate(double w, double pw, double kplus, const double*) const {
    return guetig_facilitate_by(w, pw, kplus, p);
  }
  double depress(double w, double pw, double kminus, const double*) const {
    return guetig_depress_by(w, pw, kminus, p);
  }
};

void send_stdp_hom(SynapseSpike& s) {
  const double* c = s.common;
  const double t = s.t_spike;
  pair_side_by_side(s, StdpHomRule{c, {c[h_lambda], c[h_alpha], c[h_mu_plus], c[h_mu_minus], c[h_Wmax]}});
  advance_records(s, [t, c](double* r) {
    r[hr_Kplus] = r[hr_Kplus] * std::exp((r[hr_t_last] - t) / c[h_tau_plus]) + 1.0;
    r[hr_t_last] = t;
  });
}

// stdp_pl_synapse_hom: power-law facilitation, linear depression (Morrison et al. 2007).
// Its pow was a third of the HPC benchmark's simulation time before the synapses of a
// spike went through the rule side by side (pair_side_by_side).
enum PlCommon : int { pl_tau_plus, pl_lambda, pl_alpha, pl_mu };

struct StdpPlRule {
  static constexpr bool kDepressionPow = false;
  const double* c;
  double tau_plus_inv;
  double t_last(const double* r) const { return r[hr_t_last]; }
  double kplus(const double* r) const { return r[hr_Kplus]; }
  double trace_exponent(const double* r, double t_post) const { return (r[hr_t_last] - t_post) * tau_plus_inv; }
  double mu_plus(const double*) const { return c[pl_mu]; }
  double facilitate_base(double w, const double*) const { return w; }
  double facilitate(double w, double pw, double kplus, const double*) const { return w + (c[pl_lambda] * pw * kplus); }
  double depress(double w, double, double kminus, const double*) const {
    const double new_w = w - (c[pl_lambda] * c[pl_alpha] * w * kminus);
    return new_w > 0.0 ? new_w : 0.0;
  }
};

void send_stdp_pl_hom(SynapseSpike& s) {
  const double* c = s.common;
  const double tau_plus_inv = 1.0 / c[pl_tau_plus];
  const double t = s.t_spike;
  pair_side_by_side(s, StdpPlRule{c, tau_plus_inv});
  advance_records(s, [t, tau_plus_inv](double* r) {
    r[hr_Kplus] = r[hr_Kplus] * std::exp((r[hr_t_last] - t) * tau_plus_inv) + 1.0;
    r[hr_t_last] = t;
  });
}

// stdp_triplet_synapse (Pfister & Gerstner 2006), all-to-all interactions.
enum TripletCol : int {
  tr_tau_plus,
  tr_tau_plus_triplet,
  tr_Aplus,
  tr_Aminus,
  tr_Aplus_triplet,
  tr_Aminus_triplet,
  tr_Wmax,
  tr_Kplus,
  tr_Kplus_triplet,
  tr_t_last
};

void send_stdp_triplet(SynapseSpike& s) {
  const double t = s.t_spike;
  // Kplus_triplet decays before the depression reads it: kept in a copy per record.
  for_each_synapse(
      s,
      [&](std::size_t k, const double* r) {
        const double d = s.delay_ms(k);
        const std::size_t post = s.target[k] - s.post_first;
        const double wmax = r[tr_Wmax];
        double w = s.weight[k];
        const auto [a, b] = s.post->history(post, r[tr_t_last] - d, t - d);
        for (const HistoryEntry* e = a; e != b; ++e) {
          const double minus_dt = r[tr_t_last] - (e->t + d);
          const double ky = e->Kminus_triplet - 1.0;
          const double kplus = r[tr_Kplus] * std::exp(minus_dt / r[tr_tau_plus]);
          const double nw = std::abs(w) + kplus * (r[tr_Aplus] + r[tr_Aplus_triplet] * ky);
          w = std::copysign(nw < std::abs(wmax) ? nw : wmax, wmax);
        }
        const double kplus_triplet = r[tr_Kplus_triplet] * std::exp((r[tr_t_last] - t) / r[tr_tau_plus_triplet]);
        const double kminus = s.post->K_value(post, t - d);
        const double nw = std::abs(w) - kminus * (r[tr_Aminus] + r[tr_Aminus_triplet] * kplus_triplet);
        w = std::copysign(nw > 0.0 ? nw : 0.0, wmax);
        s.weight[k] = s.out_weight[k] = w;
      },
      [&](double* r) {
        r[tr_Kplus_triplet] = r[tr_Kplus_triplet] * std::exp((r[tr_t_last] - t) / r[tr_tau_plus_triplet]);
        r[tr_Kplus_triplet] += 1.0;
        r[tr_Kplus] = r[tr_Kplus] * std::exp((r[tr_t_last] - t) / r[tr_tau_plus]) + 1.0;
        r[tr_t_last] = t;
      });
}

// vogels_sprekeler_synapse: symmetric inhibitory STDP (Vogels et al. 2011).
enum VsCol : int { vs_tau, vs_alpha, vs_eta, vs_Wmax, vs_Kplus, vs_t_last };

void send_vogels_sprekeler(SynapseSpike& s) {
  const double t = s.t_spike;
  for_each_synapse(
      s,
      [&](std::size_t k, const double* r) {
        const double d = s.delay_ms(k);
        const std::size_t post = s.target[k] - s.post_first;
        const double wmax = r[vs_Wmax], eta = r[vs_eta];
        auto facilitate = [&](double w, double kplus) {
          const double nw = std::abs(w) + (eta * kplus);
          return std::copysign(nw < std::abs(wmax) ? nw : wmax, wmax);
        };
        double w = s.weight[k];
        const auto [a, b] = s.post->history(post, r[vs_t_last] - d, t - d);
        for (const HistoryEntry* e = a; e != b; ++e)
          w = facilitate(w, r[vs_Kplus] * std::exp((r[vs_t_last] - (e->t + d)) / r[vs_tau]));
        w = facilitate(w, s.post->K_value(post, t - d));
        const double nw = std::abs(w) - (r[vs_alpha] * eta);
        w = std::copysign(nw > 0.0 ? nw : 0.0, wmax);
        s.weight[k] = s.out_weight[k] = w;
      },
      [&](double* r) {
        r[vs_Kplus] = r[vs_Kplus] * std::exp((r[vs_t_last] - t) / r[vs_tau]) + 1.0;
        r[vs_t_last] = t;
      });
}

// jonke_synapse: additive STDP with exponential weight dependence (Jonke et al. 2017).
enum JonkeCommon : int { j_alpha, j_beta, j_lambda, j_mu_plus, j_mu_minus, j_tau_plus, j_Wmax };

void send_jonke(SynapseSpike& s) {
  const double* c = s.common;
  const double t = s.t_spike;
  auto facilitate = [&](double w, double kplus) {
    if (c[j_lambda] == 0.0) return w;
    const double dW = c[j_lambda] * (std::exp(c[j_mu_plus] * w) * kplus - c[j_beta]);
    const double nw = w + dW;
    return nw < c[j_Wmax] ? nw : c[j_Wmax];
  };
  auto depress = [&](double w, double kminus) {
    if (c[j_lambda] == 0.0) return w;
    const double dW = c[j_lambda] * (-c[j_alpha] * std::exp(c[j_mu_minus] * w) * kminus - c[j_beta]);
    const double nw = w + dW;
    return nw > 0.0 ? nw : 0.0;
  };
  for_each_synapse(
      s,
      [&](std::size_t k, const double* r) {
        const double d = s.delay_ms(k);
        const std::size_t post = s.target[k] - s.post_first;
        double w = s.weight[k];
        const auto [a, b] = s.post->history(post, r[hr_t_last] - d, t - d);
        for (const HistoryEntry* e = a; e != b; ++e)
          w = facilitate(w, r[hr_Kplus] * std::exp((r[hr_t_last] - (e->t + d)) / c[j_tau_plus]));
        w = depress(w, s.post->K_value(post, t - d));
        s.weight[k] = s.out_weight[k] = w;
      },
      [&](double* r) {
        r[hr_Kplus] = r[hr_Kplus] * std::exp((r[hr_t_last] - t) / c[j_tau_plus]) + 1.0;
        r[hr_t_last] = t;
      });
}

SynapseInfo make_stdp() {
  SynapseInfo s("stdp_synapse", "Pair-based STDP with multiplicative weight dependence (Guetig et al. 2003)");
  declare_guetig(s, true);
  s.send = send_stdp;
  return s;
}

SynapseInfo make_nn(const std::string& name, bool kplus, bool shares, SynapseSend send) {
  SynapseInfo s(name, "Nearest-neighbour STDP (Morrison et al. 2008)");
  declare_guetig(s, kplus);
  s.shares_pre_state = shares;
  s.send = send;
  return s;
}

void declare_hom_record(SynapseInfo& s) {
  s.state(hr_Kplus, "Kplus", 0.0, "", non_negative(), "Presynaptic trace").hidden(hr_t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  s.needs_archive = true;
}

SynapseInfo make_stdp_hom() {
  SynapseInfo s("stdp_synapse_hom", "stdp_synapse with parameters common to all its connections");
  s.common(h_tau_plus, "tau_plus", 20.0, "ms", positive(), "Time constant of the presynaptic STDP trace")
      .common(h_lambda, "lambda", 0.01, "", {}, "Step size")
      .common(h_alpha, "alpha", 1.0, "", {}, "Asymmetry between depression and facilitation")
      .common(h_mu_plus, "mu_plus", 1.0, "", {}, "Weight dependence exponent, facilitation")
      .common(h_mu_minus, "mu_minus", 1.0, "", {}, "Weight dependence exponent, depression")
      .common(h_Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight");
  declare_hom_record(s);
  s.check = [](const auto& v) { same_sign_weight_wmax(v); };
  s.send = send_stdp_hom;
  return s;
}

SynapseInfo make_stdp_pl_hom() {
  SynapseInfo s("stdp_pl_synapse_hom", "Power-law STDP with parameters common to all connections (Morrison 2007)");
  s.common(pl_tau_plus, "tau_plus", 20.0, "ms", positive(), "Time constant of the presynaptic STDP trace")
      .common(pl_lambda, "lambda", 0.1, "", {}, "Learning rate")
      .common(pl_alpha, "alpha", 1.0, "", {}, "Asymmetry between depression and facilitation")
      .common(pl_mu, "mu", 0.4, "", {}, "Weight dependence exponent of facilitation");
  declare_hom_record(s);
  s.send = send_stdp_pl_hom;
  return s;
}

SynapseInfo make_triplet() {
  SynapseInfo s("stdp_triplet_synapse", "Triplet STDP, all-to-all interactions (Pfister & Gerstner 2006)");
  s.param(tr_tau_plus, "tau_plus", 16.8, "ms", positive(), "Time constant of the short presynaptic trace")
      .param(tr_tau_plus_triplet, "tau_plus_triplet", 101.0, "ms", positive(),
             "Time constant of the long presynaptic trace")
      .param(tr_Aplus, "Aplus", 5e-10, "", {}, "Weight of pair potentiation")
      .param(tr_Aminus, "Aminus", 7e-3, "", {}, "Weight of pair depression")
      .param(tr_Aplus_triplet, "Aplus_triplet", 6.2e-3, "", {}, "Weight of triplet potentiation")
      .param(tr_Aminus_triplet, "Aminus_triplet", 2.3e-4, "", {}, "Weight of triplet depression")
      .param(tr_Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight")
      .state(tr_Kplus, "Kplus", 0.0, "", non_negative(), "Short presynaptic trace")
      .state(tr_Kplus_triplet, "Kplus_triplet", 0.0, "", non_negative(), "Long presynaptic trace")
      .hidden(tr_t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  s.needs_archive = true;
  s.check = [](const auto& v) { same_sign_weight_wmax(v); };
  s.send = send_stdp_triplet;
  return s;
}

SynapseInfo make_vogels() {
  SynapseInfo s("vogels_sprekeler_synapse", "Symmetric inhibitory STDP (Vogels et al. 2011)");
  s.default_weight = 0.5;
  s.param(vs_tau, "tau", 20.0, "ms", positive(), "Time constant of the STDP window")
      .param(vs_alpha, "alpha", 0.12, "", {}, "Constant depression of each presynaptic spike")
      .param(vs_eta, "eta", 0.001, "", {}, "Learning rate")
      .param(vs_Wmax, "Wmax", 1.0, "", {}, "Maximum allowed weight")
      .state(vs_Kplus, "Kplus", 0.0, "", non_negative(), "Presynaptic trace")
      .hidden(vs_t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  s.needs_archive = true;
  s.check = [](const auto& v) { same_sign_weight_wmax(v); };
  s.send = send_vogels_sprekeler;
  return s;
}

SynapseInfo make_jonke() {
  SynapseInfo s("jonke_synapse", "Additive STDP with exponential weight dependence (Jonke et al. 2017)");
  s.common(j_alpha, "alpha", 1.0, "", {}, "Depression scale")
      .common(j_beta, "beta", 0.0, "", {}, "Constant offset of each weight change")
      .common(j_lambda, "lambda", 0.01, "", {}, "Learning rate")
      .common(j_mu_plus, "mu_plus", 0.0, "", {}, "Weight dependence of facilitation")
      .common(j_mu_minus, "mu_minus", 0.0, "", {}, "Weight dependence of depression")
      .common(j_tau_plus, "tau_plus", 20.0, "ms", positive(), "Time constant of the presynaptic trace")
      .common(j_Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight");
  declare_hom_record(s);
  s.send = send_jonke;
  return s;
}

}  // namespace

void register_stdp(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo stdp = make_stdp(), hom = make_stdp_hom(), pl = make_stdp_pl_hom(), triplet = make_triplet(),
                           vogels = make_vogels(), jonke = make_jonke(),
                           symm = make_nn("stdp_nn_symm_synapse", false, false, send_stdp_nn<Pairing::kSymmetric>),
                           pre = make_nn("stdp_nn_pre_centered_synapse", true, false,
                                         send_stdp_nn<Pairing::kPreCentered>),
                           restr = make_nn("stdp_nn_restr_synapse", false, false, send_stdp_nn<Pairing::kRestricted>);
  for (const SynapseInfo* s : {&stdp, &hom, &pl, &triplet, &vogels, &jonke, &symm, &pre, &restr}) out.push_back(s);
}

}  // namespace nestkit::synapses
