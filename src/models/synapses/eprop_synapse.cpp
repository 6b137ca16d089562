// eprop_synapse and eprop_learning_signal_connection: eligibility propagation
// (Bellec et al. 2020) in NEST 3.10's event-driven form (Korcsak-Gorzo et al.).
//
// At every presynaptic spike t_s the synapse integrates its gradient over the steps
// t_p - 1 <= t < t_p - 1 + min(cutoff, t_s - t_p) after its previous spike t_p, reading
// the target's e-prop history (EpropArchive): with z the presynaptic spike train one
// step late and alpha the target's membrane decay,
//   z_bar <- alpha z_bar + z,
//   recurrent target:  e = psi z_bar (adaptive: e = psi (z_bar - adapt_beta epsilon),
//                      epsilon <- P_adapt epsilon + e),  e_bar <- kappa e_bar + e,
//                      e_bar_reg <- kappa_reg e_bar_reg + (1 - kappa_reg) e,
//                      g_t = L e_bar + reg e_bar_reg,
//   readout target:    g_t = error z_bar;
// the traces then decay over the rest of the interval. The weight follows the
// optimizer (gradient descent or Adam) either each step or once per spike
// (optimize_each_step), updating when a new batch of `batch_size` steps has begun,
// and is clipped to [Wmin, Wmax]. The optimizer's parameters are common to the model
// (NEST's `optimizer` dictionary; the facade flattens it to "optimizer.<key>"); its
// state (accumulated gradient, Adam's moments) is per synapse.
#include <algorithm>
#include <cmath>
#include <string>

#include "models/synapses/eprop_optimizer.hpp"
#include "models/synapses/families.hpp"
#include "nestkit/eprop_archive.hpp"

namespace nestkit::synapses {

namespace eprop_opt {

void declare_common(SynapseInfo& s, const std::string& each_step_doc) {
  s.common(opt_type, "optimizer.type", kGradientDescent, "", in_range(0, 1),
           "Optimizer: 0 gradient_descent, 1 adam (the facade takes the names)")
      .integer_common(opt_batch_size, "optimizer.batch_size", 1, at_least(1), "Size of the optimization batch")
      .common(opt_eta, "optimizer.eta", 1e-4, "", non_negative(), "Learning rate")
      .common(opt_Wmin, "optimizer.Wmin", -100.0, "pA", {}, "Minimal weight")
      .common(opt_Wmax, "optimizer.Wmax", 100.0, "pA", {}, "Maximal weight")
      .common(opt_each_step, "optimizer.optimize_each_step", 1.0, "", in_range(0, 1), each_step_doc)
      .common(opt_beta_1, "optimizer.beta_1", 0.9, "", in_range(0.0, 1.0), "Adam: decay of the first moment")
      .common(opt_beta_2, "optimizer.beta_2", 0.999, "", in_range(0.0, 1.0), "Adam: decay of the second moment")
      .common(opt_epsilon, "optimizer.epsilon", 1e-7, "", non_negative(), "Adam: small numerical stabilizer");
  s.params.push_back({"_eta_first_change", 1e-4, "", {}, "", true, false, false, true, eta_first_change, false, 1, {}});
  s.params.push_back({"_eta_change_count", 0.0, "", {}, "", true, false, false, true, eta_change_count, false, 1, {}});
  s.params.push_back({"_eta_seen", 1e-4, "", {}, "", true, false, false, true, eta_seen, false, 1, {}});
  s.common_size = kCommonSize;
}

void declare_eprop_synapse(SynapseInfo& s, decltype(SynapseInfo::send) send) {
  s.plastic = true;
  s.shares_pre_state = false;
  s.needs_eprop = true;
  s.receives_markers = true;  // flush events integrate the gradient without a spike
  s.device_sources = false;
  s.supports_lbl = false;
  s.derive_common = derive_eta;
  s.check = check;
  s.send = send;
}

SynapseInfo learning_signal_connection(const std::string& name, const std::string& doc) {
  SynapseInfo s(name, doc);
  s.secondary = Secondary::kLearningSignal;
  s.device_sources = false;
  s.supports_hpc = false;
  s.supports_lbl = false;
  return s;
}

void declare_record(SynapseInfo& s, int first) {
  s.hidden(first + cumulative, "_cumulative_gradient", 0.0)
      .hidden(first + step, "_optimization_step", 1.0)
      .hidden(first + eta_current, "_eta_current", 1e-4)
      .hidden(first + n_optimize, "_n_optimize", 0.0)
      .state(first + adam_m, "optimizer.m", 0.0, "", {}, "Adam: first moment estimate of this connection")
      .state(first + adam_v, "optimizer.v", 0.0, "", {}, "Adam: second moment raw estimate of this connection")
      .hidden(first + beta_1_power, "_beta_1_power", 1.0)
      .hidden(first + beta_2_power, "_beta_2_power", 1.0);
}

void check(const std::function<double(const std::string&)>& v) {
  const double w = v("weight");
  if (w < v("optimizer.Wmin")) throw BadProperty("Minimal weight Wmin <= weight required.");
  if (w > v("optimizer.Wmax")) throw BadProperty("weight <= maximal weight Wmax required.");
  if (v("optimizer.Wmin") > v("optimizer.Wmax"))
    throw BadProperty("Minimal weight Wmin <= maximal weight Wmax required.");
  if (v("optimizer.beta_1") >= 1.0 || v("optimizer.beta_2") >= 1.0)
    throw BadProperty("For Adam optimizer, beta_1 and beta_2 from interval [0,1) required.");
}

void derive_eta(double* c, const std::function<bool(const std::string&)>&) {
  if (c[opt_eta] != c[eta_seen]) {
    if (c[eta_change_count] == 0.0) c[eta_first_change] = c[opt_eta];
    c[eta_change_count] += 1.0;
    c[eta_seen] = c[opt_eta];
  }
}

double optimized_weight(const double* cp, double* r, long idx, double g, double w) {
  if (cp[eta_change_count] != 0.0 && r[n_optimize] == 0.0) r[eta_current] = cp[eta_first_change];
  r[cumulative] += g;
  if (r[step] == 0.0) r[step] = static_cast<double>(idx);
  const long batch = static_cast<long>(cp[opt_batch_size]);
  const double current = static_cast<double>(1 + idx / batch);
  if (r[step] < current) {
    r[cumulative] /= static_cast<double>(batch);
    if (static_cast<int>(cp[opt_type]) == kAdam) {
      for (; r[step] < current; r[step] += 1.0) {
        r[beta_1_power] *= cp[opt_beta_1];
        r[beta_2_power] *= cp[opt_beta_2];
        const double alpha = r[eta_current] * std::sqrt(1.0 - r[beta_2_power]) / (1.0 - r[beta_1_power]);
        const double c = r[cumulative];
        r[adam_m] = cp[opt_beta_1] * r[adam_m] + (1.0 - cp[opt_beta_1]) * c;
        r[adam_v] = cp[opt_beta_2] * r[adam_v] + (1.0 - cp[opt_beta_2]) * c * c;
        w -= alpha * r[adam_m] / (std::sqrt(r[adam_v]) + cp[opt_epsilon]);
        // Further passes mean steps without gradient: their gradient is zero.
        r[cumulative] = 0.0;
      }
    } else {
      w -= r[eta_current] * r[cumulative];
      r[cumulative] = 0.0;
    }
    w = std::clamp(w, cp[opt_Wmin], cp[opt_Wmax]);
    r[eta_current] = cp[opt_eta];
    r[n_optimize] += 1.0;
    r[step] = current;
  }
  return w;
}

}  // namespace eprop_opt

namespace {

using eprop_opt::opt_each_step;
// clang-format off
enum Record : int {
  t_prev, z_prev_buffer, z_bar, e_bar, e_bar_reg, epsilon, gradient, remaining_steps, decay_steps, prev_was_flush,
  optimizer_state,  // eprop_opt::kRecordSize columns
};
// clang-format on

// The steps one synapse integrates over, from its previous event t_p to the event at t_s.
struct Span {
  long remaining;  // steps left before the cutoff (carried over a flush event)
  long t_begin;
  long t_steps;
};

Span span_of(const EpropNodeConstants& k, long t_s, long t_p, const double* r, bool previous_was_flush) {
  Span sp;
  sp.remaining = previous_was_flush ? static_cast<long>(r[remaining_steps]) : k.cutoff;
  sp.t_begin = t_p - 1;
  sp.t_steps = std::min(sp.remaining, t_s - t_p);
  return sp;
}

// After the integration: the cutoff left, the traces' decay over the rest of the interval, and
// (once per spike) the optimizer.
void finish_gradient(const EpropNodeConstants& k, bool readout, bool adaptive, bool each_step, long isi, const Span& sp,
                     double* r, const double* cp, double& w, bool is_flush) {
  const long rest = isi - sp.t_steps;
  r[remaining_steps] = static_cast<double>(sp.remaining - sp.t_steps);
  r[decay_steps] += static_cast<double>(rest);
  if (!is_flush && r[decay_steps] > 0.0) {
    r[z_bar] *= std::pow(k.P_v_m, r[decay_steps]);
    if (!readout) {
      r[e_bar] *= std::pow(k.kappa, r[decay_steps]);
      r[e_bar_reg] *= std::pow(k.kappa_reg, r[decay_steps]);
      if (adaptive) r[epsilon] *= std::pow(k.P_adapt, r[decay_steps]);
    }
    r[decay_steps] = 0.0;
  }
  if (!is_flush && !each_step)
    w = eprop_opt::optimized_weight(cp, r + optimizer_state, sp.t_begin + sp.t_steps + rest, r[gradient], w);
}

// The gradient of one synapse from its previous event t_p to the event at t_s (NEST's
// compute_gradient of eprop_iaf and eprop_readout). Flush events split the integration
// between a source's spikes into pieces (the cutoff left, the traces' decay and the
// optimizer carry over to the next spike), which sum to the same values as one piece.
void compute_gradient(EpropArchive& a, std::size_t post, long t_s, long t_p, double* r, const double* cp, double& w,
                      bool is_flush, bool previous_was_flush) {
  const EpropNodeConstants& k = a.constants(post);
  const bool readout = a.kind() == EpropArchive::Kind::kReadout;
  const bool adaptive =
      a.kind() == EpropArchive::Kind::kRecurrentAdapt || a.kind() == EpropArchive::Kind::kRecurrentDeltaAdapt;
  const bool each_step = cp[opt_each_step] != 0.0;
  const Span sp = span_of(k, t_s, t_p, r, previous_was_flush);
  double z_current = 0.0;  // the spike that started this interval (none after a flush event)
  if (!previous_was_flush) {
    r[gradient] = 0.0;
    z_current = 1.0;
  }
  const long t_end = sp.t_begin + sp.t_steps;
  // The traces live in locals during the loop (the record is memory the compiler would
  // otherwise store and reload every step); the arithmetic is unchanged.
  const EpropEntry* e = a.lower_bound(post, sp.t_begin);
  const EpropEntry* const last = a.end(post);
  double zb = r[z_bar], eb = r[e_bar], ebr = r[e_bar_reg], eps = r[epsilon], grad = r[gradient];
  double z_prev = r[z_prev_buffer];
  for (long t = sp.t_begin; t < t_end; ++t, ++e) {
    if (e == last || e->t != t) {
      r[z_bar] = zb, r[e_bar] = eb, r[e_bar_reg] = ebr, r[epsilon] = eps, r[gradient] = grad;
      r[z_prev_buffer] = z_prev;
      a.fail("eprop_synapse: the e-prop history of the target misses the entry at step " + std::to_string(t) +
             " (all e-prop connections need a delay of one step)");
      return;
    }
    const double z = z_prev;
    z_prev = z_current;
    z_current = 0.0;
    zb = k.P_v_m * zb + z;
    double increment;
    if (readout) {
      increment = e->signal * zb;
    } else {
      // Adaptive targets: the threshold's own trace epsilon lowers the eligibility.
      const double elig = adaptive ? e->signal * (zb - k.adapt_beta * eps) : e->signal * zb;
      if (adaptive) eps = k.P_adapt * eps + elig;
      eb = k.kappa * eb + elig;
      ebr = k.kappa_reg * ebr + (1.0 - k.kappa_reg) * elig;
      increment = e->learning_signal * eb + e->firing_rate_reg * ebr;
    }
    if (each_step) {
      grad = increment;
      w = eprop_opt::optimized_weight(cp, r + optimizer_state, t + 1, grad, w);
    } else {
      grad += increment;
    }
  }
  r[z_bar] = zb, r[e_bar] = eb, r[e_bar_reg] = ebr, r[epsilon] = eps, r[gradient] = grad;
  r[z_prev_buffer] = z_prev;
  finish_gradient(k, readout, adaptive, each_step, t_s - t_p, sp, r, cp, w, is_flush);
}

// Up to kLanes synapses of one spike whose integrations span the same steps (the same previous
// event, no flush between), onto different targets, with the optimizer once per spike: the same
// arithmetic as compute_gradient, synapse by synapse in the same order, but side by side, so that
// their dependency chains (each step's traces need the last step's) overlap instead of queueing.
// Returns false, having changed nothing, where a target's history misses an entry (the caller
// then takes compute_gradient, which reports it).
constexpr int kLanes = 4;

template <bool kReadout, bool kAdaptive>
bool gradient_lanes(EpropArchive& a, const std::size_t* posts, double* const* rs, int n, const Span& sp, bool fresh) {
  double zb[kLanes], eb[kLanes], ebr[kLanes], eps[kLanes], grad[kLanes], zp[kLanes], zc[kLanes];
  double P[kLanes], kap[kLanes], kreg[kLanes], pad[kLanes], beta[kLanes];
  const EpropEntry* e[kLanes];
  // All kLanes lanes compute (fixed trip counts keep the lanes in registers); lanes past n repeat
  // lane 0 and are not written back.
  for (int l = 0; l < kLanes; ++l) {
    const int src = l < n ? l : 0;
    const EpropNodeConstants& k = a.constants(posts[src]);
    P[l] = k.P_v_m, kap[l] = k.kappa, kreg[l] = k.kappa_reg, pad[l] = k.P_adapt, beta[l] = k.adapt_beta;
    e[l] = a.lower_bound(posts[src], sp.t_begin);
    if (a.end(posts[src]) - e[l] < sp.t_steps) return false;
    const double* r = rs[src];
    zb[l] = r[z_bar], eb[l] = r[e_bar], ebr[l] = r[e_bar_reg], eps[l] = r[epsilon];
    grad[l] = fresh ? 0.0 : r[gradient];
    zp[l] = r[z_prev_buffer];
    zc[l] = fresh ? 1.0 : 0.0;
  }
  unsigned complete = 1;
  for (long j = 0; j < sp.t_steps; ++j) {
    const long t = sp.t_begin + j;
    for (int l = 0; l < kLanes; ++l) {
      const EpropEntry& x = e[l][j];
      complete &= static_cast<unsigned>(x.t == t);
      const double z = zp[l];
      zp[l] = zc[l];
      zc[l] = 0.0;
      zb[l] = P[l] * zb[l] + z;
      double increment;
      if constexpr (kReadout) {
        increment = x.signal * zb[l];
      } else {
        const double elig = kAdaptive ? x.signal * (zb[l] - beta[l] * eps[l]) : x.signal * zb[l];
        if constexpr (kAdaptive) eps[l] = pad[l] * eps[l] + elig;
        eb[l] = kap[l] * eb[l] + elig;
        ebr[l] = kreg[l] * ebr[l] + (1.0 - kreg[l]) * elig;
        increment = x.learning_signal * eb[l] + x.firing_rate_reg * ebr[l];
      }
      grad[l] += increment;
    }
  }
  if (!complete) return false;
  for (int l = 0; l < n; ++l) {
    double* r = rs[l];
    r[z_bar] = zb[l], r[e_bar] = eb[l], r[e_bar_reg] = ebr[l], r[epsilon] = eps[l], r[gradient] = grad[l];
    r[z_prev_buffer] = zp[l];
  }
  return true;
}

// The synapses k, k+1, ... (at most kLanes) that can go through gradient_lanes together.
int lanes_from(const SynapseSpike& s, std::size_t k, std::size_t* posts, double** rs, Span& sp) {
  EpropArchive& a = *s.eprop;
  const double* r0 = s.record_of(k);
  const long t_p = static_cast<long>(r0[t_prev]);
  const bool flush0 = r0[prev_was_flush] != 0.0;
  if (t_p == 0) return 0;
  int n = 0;
  for (std::size_t j = k; j < s.count && n < kLanes; ++j) {
    double* r = s.record_of(j);
    const std::size_t post = s.target[j] - s.post_first;
    if (static_cast<long>(r[t_prev]) != t_p || (r[prev_was_flush] != 0.0) != flush0) break;
    const Span lane = span_of(a.constants(post), s.stamp, t_p, r, flush0);
    if (n == 0) sp = lane;
    if (lane.t_steps != sp.t_steps || lane.remaining != sp.remaining) break;
    if (std::find(posts, posts + n, post) != posts + n) break;  // a multapse: its target's history changes
    posts[n] = post;
    rs[n++] = r;
  }
  return n;
}

bool gradients_side_by_side(SynapseSpike& s, std::size_t k, int& n, bool is_flush) {
  std::size_t posts[kLanes];
  double* rs[kLanes];
  Span sp{};
  n = lanes_from(s, k, posts, rs, sp);
  if (n < 2) return false;
  EpropArchive& a = *s.eprop;
  const bool fresh = rs[0][prev_was_flush] == 0.0;
  const bool readout = a.kind() == EpropArchive::Kind::kReadout;
  const bool adaptive =
      a.kind() == EpropArchive::Kind::kRecurrentAdapt || a.kind() == EpropArchive::Kind::kRecurrentDeltaAdapt;
  const bool done = readout    ? gradient_lanes<true, false>(a, posts, rs, n, sp, fresh)
                    : adaptive ? gradient_lanes<false, true>(a, posts, rs, n, sp, fresh)
                               : gradient_lanes<false, false>(a, posts, rs, n, sp, fresh);
  if (!done) return false;
  const long t_p = static_cast<long>(rs[0][t_prev]);
  for (int l = 0; l < n; ++l)
    finish_gradient(a.constants(posts[l]), readout, adaptive, false, s.stamp - t_p, sp, rs[l], s.common,
                    s.weight[k + l], is_flush);
  return true;
}

void send_eprop(SynapseSpike& s) {
  // The kernel passes a flush event with nothing marked to transmit (a spike: everything).
  const bool is_flush = s.count > 0 && s.out_sent[0] == 0;
  // Side by side only with a record per synapse and the optimizer once per spike.
  const bool lanes = s.count > 1 && s.record_each && s.common[opt_each_step] == 0.0;
  for (std::size_t k = 0; k < s.count;) {
    int n = 1;
    const bool grouped = lanes && gradients_side_by_side(s, k, n, is_flush);
    if (!grouped) n = 1;
    for (std::size_t j = k; j < k + static_cast<std::size_t>(n); ++j) {
      double* r = s.record_of(j);
      const std::size_t post = s.target[j] - s.post_first;
      const long t_p = static_cast<long>(r[t_prev]);
      if (!grouped && t_p != 0)
        compute_gradient(*s.eprop, post, s.stamp, t_p, r, s.common, s.weight[j], is_flush, r[prev_was_flush] != 0.0);
      s.eprop->erase_used(post, s.stamp, t_p);
      r[t_prev] = static_cast<double>(s.stamp);
      r[prev_was_flush] = is_flush ? 1.0 : 0.0;
      s.out_weight[j] = s.weight[j];
    }
    k += static_cast<std::size_t>(n);
  }
}

SynapseInfo make_eprop() {
  SynapseInfo s("eprop_synapse", "Synapse for e-prop plasticity (eligibility propagation)");
  eprop_opt::declare_common(s, "Call the optimizer every step (1) or once per spike (0)");
  s.hidden(t_prev, "_t_spike_previous", 0.0)
      .hidden(z_prev_buffer, "_z_previous_buffer", 0.0)
      .hidden(z_bar, "_z_bar", 0.0)
      .hidden(e_bar, "_e_bar", 0.0)
      .hidden(e_bar_reg, "_e_bar_reg", 0.0)
      .hidden(epsilon, "_epsilon", 0.0)
      .hidden(gradient, "_gradient", 0.0)
      .hidden(remaining_steps, "_remaining_steps_until_cutoff", 0.0)
      .hidden(decay_steps, "_decay_steps", 0.0)
      .hidden(prev_was_flush, "_previous_was_flush_event", 0.0);
  eprop_opt::declare_record(s, optimizer_state);
  eprop_opt::declare_eprop_synapse(s, send_eprop);
  return s;
}

SynapseInfo make_learning_signal() {
  return eprop_opt::learning_signal_connection(
      "eprop_learning_signal_connection",
      "Feedback of an e-prop readout's error signal to the recurrent neurons (learning signal)");
}

}  // namespace

void register_eprop_bsshslm_2020(std::vector<const SynapseInfo*>& out);

void register_eprop(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo eprop = make_eprop();
  static const SynapseInfo learning_signal = make_learning_signal();
  out.push_back(&eprop);
  out.push_back(&learning_signal);
  register_eprop_bsshslm_2020(out);
}

}  // namespace nestkit::synapses
