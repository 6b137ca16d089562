#pragma once
// Shared parts of NEST 3.10's generalized integrate-and-fire models (Mensi et al.
// 2012, Pozzorini et al. 2015): gif_psc_exp, gif_cond_exp and their multisynapse
// variants. Every model integrates V its own way; what they share is
//  - the spike-triggered current (stc) and the moving threshold (sfa), each a sum
//    of exponential kernels given as lists (tau_stc/q_stc, tau_sfa/q_sfa): at the
//    start of a step the kernel sums are read (stc = sum, E_sfa = V_T_star + sum),
//    then every element decays by exp(-h/tau);
//  - the escape noise: outside the refractory period the neuron fires with
//    probability 1 - exp(-lambda h), lambda = lambda_0 exp((V - E_sfa) / Delta_V),
//    after which every element jumps by its q and V is clamped at V_reset for
//    t_ref (the step of the spike itself keeps V).
// lambda_0 is given in 1/s and used in 1/ms, as NEST.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include "integrators/nest_expm1.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/rng.hpp"

namespace nestkit::gif {

// The numeric columns every GIF model starts with, in this order.
enum Common : int {
  I_e,
  E_L,
  g_L,
  C_m,
  V_reset,
  Delta_V,
  V_T_star,
  lambda_0,
  t_ref,
  tau_minus,
  tau_minus_triplet,
  V_m,
  E_sfa,  // read-only: the threshold of the last step
  I_stc,  // read-only: the spike-triggered current of the last step
  // internals: refractory steps left, the input current of the running step, t_ref in steps
  r,
  I_stim,
  refr_counts,
  kCommonEnd
};

inline const std::vector<double>& list(const ParamRow& row, const std::string& name) {
  return std::get<std::vector<double>>(row.get(name));
}

// Declares the common columns (V_m default -70 mV; the _cond_ models start at E_L,
// which is also -70 by default).
inline void declare_common(ModelInfo& m) {
  m.param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(E_L, "E_L", -70.0, "mV", {}, "Leak reversal potential")
      .param(g_L, "g_L", 4.0, "nS", positive(), "Leak conductance")
      .param(C_m, "C_m", 80.0, "pF", positive(), "Capacitance of the membrane")
      .param(V_reset, "V_reset", -55.0, "mV", {}, "Reset potential (V is held there during t_ref)")
      .param(Delta_V, "Delta_V", 0.5, "mV", positive(), "Stochasticity level of the escape rate")
      .param(V_T_star, "V_T_star", -35.0, "mV", {}, "Base threshold")
      .param(lambda_0, "lambda_0", 1.0, "1/s", non_negative(), "Escape rate at threshold")
      .param(t_ref, "t_ref", 4.0, "ms", non_negative(), "Duration of the refractory period")
      .param(tau_minus, "tau_minus", 20.0, "ms", positive(), "Time constant of the STDP post-synaptic trace")
      .param(tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", positive(),
             "Triplet-STDP post-synaptic time constant")
      .state(V_m, "V_m", -70.0, "mV", "Membrane potential")
      .state(E_sfa, "E_sfa", 0.0, "mV", "Adaptive threshold (V_T_star plus the sfa kernels)")
      .state(I_stc, "I_stc", 0.0, "pA", "Spike-triggered current (sum of the stc kernels)");
  for (const char* ro : {"E_sfa", "I_stc"}) m.specs[m.index_of(ro)].role = Role::kReadOnly;
  m.internal(r, "_refractory_steps").internal(I_stim, "_I_stim").internal(refr_counts, "_refr_counts");
  m.object("tau_sfa", PType::kDoubleVec, std::vector<double>{}, "ms", "Time constants of the threshold kernels")
      .object("q_sfa", PType::kDoubleVec, std::vector<double>{}, "mV", "Threshold jumps per spike")
      .object("tau_stc", PType::kDoubleVec, std::vector<double>{}, "ms",
              "Time constants of the spike-triggered current kernels")
      .object("q_stc", PType::kDoubleVec, std::vector<double>{}, "pA", "Spike-triggered current jumps per spike");
}

inline void check_finite(const ParamRow& row, const std::string& model, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    const double v = row.num(n);
    if (!std::isfinite(v)) throw BadProperty(model + ": " + n + " = " + std::to_string(v) + " must be finite.");
  }
}

// A list parameter: every entry finite, and > 0 where `positive`.
inline void check_list(const ParamRow& row, const std::string& model, const std::string& name, bool positive) {
  const auto& v = list(row, name);
  for (std::size_t k = 0; k < v.size(); ++k) {
    if (!std::isfinite(v[k]) || (positive && !(v[k] > 0.0)))
      throw BadProperty(model + ": " + name + "[" + std::to_string(k) + "] = " + std::to_string(v[k]) + " must be " +
                        (positive ? "finite and > 0" : "finite") + ".");
  }
}

inline void check_pair(const ParamRow& row, const std::string& model, const std::string& tau, const std::string& q) {
  const std::size_t a = list(row, tau).size(), b = list(row, q).size();
  if (a != b)
    throw BadProperty(model + ": '" + tau + "' and '" + q + "' need to have the same dimensions (size of " + tau +
                      ": " + std::to_string(a) + ", size of " + q + ": " + std::to_string(b) + ").");
  check_list(row, model, tau, true);
  check_list(row, model, q, false);
}

// NEST's checks of the common parameters (the sign constraints are declared on the
// columns); non-finite values are rejected as well.
inline void validate_common(const ParamRow& row, const std::string& model) {
  check_finite(row, model,
               {"I_e", "E_L", "g_L", "C_m", "V_reset", "Delta_V", "V_T_star", "lambda_0", "t_ref", "tau_minus",
                "tau_minus_triplet", "V_m"});
  check_pair(row, model, "tau_sfa", "q_sfa");
  check_pair(row, model, "tau_stc", "q_stc");
}

// The stc and sfa kernel elements of all nodes, flat: node i owns [off[i], off[i+1]).
struct Kernels {
  std::vector<std::size_t> off;
  std::vector<double> elem, decay, jump;

  // Lays the kernels out for the lists of every node. Elements of a node keep
  // their values where the list keeps its length or grows (NEST resizes them).
  template <class TauOf, class QOf>
  void layout(std::size_t n, double h, const TauOf& tau_of, const QOf& q_of) {
    std::vector<std::size_t> next_off(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i) next_off[i + 1] = next_off[i] + tau_of(i).size();
    std::vector<double> next_elem(next_off[n], 0.0);
    if (off.size() == n + 1)
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t keep = std::min(off[i + 1] - off[i], next_off[i + 1] - next_off[i]);
        std::copy_n(elem.begin() + off[i], keep, next_elem.begin() + next_off[i]);
      }
    off = std::move(next_off);
    elem = std::move(next_elem);
    decay.assign(elem.size(), 0.0);
    jump.assign(elem.size(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& tau = tau_of(i);
      const auto& q = q_of(i);
      for (std::size_t k = 0; k < tau.size(); ++k) {
        decay[off[i] + k] = std::exp(-h / tau[k]);
        jump[off[i] + k] = q[k];
      }
    }
  }
  // The sum of node i's elements before they decay over this step.
  double read_and_decay(std::size_t i, double start) {
    double s = start;
    for (std::size_t j = off[i]; j < off[i + 1]; ++j) {
      s += elem[j];
      elem[j] = decay[j] * elem[j];
    }
    return s;
  }
  void jump_node(std::size_t i) {
    for (std::size_t j = off[i]; j < off[i + 1]; ++j) elem[j] += jump[j];
  }
};

// Base of the GIF populations: the kernels, the hazard and the refractory clamp.
class GifPopulation : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

 protected:
  // Before each run: kernels, t_ref in steps, the escape rate in 1/ms.
  void prepare_gif(const RunContext& rc) {
    h_ = rc.grid->resolution();
    seed_ = rc.seed;
    const int tau_sfa_c = obj_col("tau_sfa"), q_sfa_c = obj_col("q_sfa");
    const int tau_stc_c = obj_col("tau_stc"), q_stc_c = obj_col("q_stc");
    auto vec = [&](int c) { return [this, c](std::size_t i) -> const std::vector<double>& { return list_at(c, i); }; };
    sfa_.layout(n_, h_, vec(tau_sfa_c), vec(q_sfa_c));
    stc_.layout(n_, h_, vec(tau_stc_c), vec(q_stc_c));
    if (stc_.elem.empty() && sfa_.elem.empty())  // what adapt gives every step (adapt_range)
      for (std::size_t i = 0; i < n_; ++i) {
        num_[I_stc][i] = 0.0;
        num_[E_sfa][i] = num_[V_T_star][i];
      }
    lambda_ms_.resize(n_);
    silent_below_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      num_[refr_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
      lambda_ms_[i] = num_[lambda_0][i] / 1000.0;
      // exp(x) lambda_0 h < 2^-53 for every x below this bound (with a margin far
      // above rounding), so such steps need neither exp nor a draw.
      silent_below_[i] = lambda_ms_[i] > 0.0 ? std::log(0x1p-53 / (lambda_ms_[i] * h_)) - 1e-9
                                             : std::numeric_limits<double>::infinity();
    }
  }

  // Start of node i's step: I_stc and E_sfa from the kernels, which then decay.
  // adapt for nodes [begin, end). Without kernels (NEST's default) I_stc is 0 and E_sfa
  // is V_T_star at every step: set once per run by prepare_gif, nothing to do here.
  void adapt_range(std::size_t begin, std::size_t end) {
    if (stc_.elem.empty() && sfa_.elem.empty()) return;
    for (std::size_t i = begin; i < end; ++i) adapt(i);
  }
  void adapt(std::size_t i) {
    num_[I_stc][i] = stc_.read_and_decay(i, 0.0);
    num_[E_sfa][i] = sfa_.read_and_decay(i, num_[V_T_star][i]);
  }

  // After V is known for the step (v): the escape-noise draw outside the
  // refractory period, else the clamp at V_reset. Returns the new V.
  double fire_or_clamp(StepContext& ctx, std::size_t i, long step, double v) {
    double& refr = num_[r][i];
    if (refr == 0.0) {
      // A spike probability below 2^-53 (the resolution of the uniform draw) is as
      // good as zero: far below threshold, where neurons spend most steps, no draw is made.
      const double x = (v - num_[E_sfa][i]) / num_[Delta_V][i];
      if (!(x >= silent_below_[i])) return v;
      const double lambda = lambda_ms_[i] * std::exp(x);
      const double p = -integrators::nest_expm1(-lambda * h_);
      if (p > 0x1p-53) {
        // One stream per node and step: the draw does not depend on threads or chunking.
        RandomStream rs(seed_, Purpose::kPointProcess, first_gid_ + static_cast<uint32_t>(i),
                        static_cast<uint64_t>(step));
        if (rs.uniform() < p) {
          stc_.jump_node(i);
          sfa_.jump_node(i);
          refr = num_[refr_counts][i];
          emit(ctx, i, step + 1);
        }
      }
      return v;
    }
    refr -= 1.0;
    return num_[V_reset][i];
  }

  // The escape noise of one step for a range of nodes, in passes (gif_psc_exp and its
  // multisynapse twin; gif_hazard.cpp): once V is updated, clamp_and_gather applies
  // the refractory clamp and gathers the nodes that may fire; fire_gathered computes
  // their hazards together, exp four lanes at a time, and fires them in node order.
  // Nodes do not interact within a step, so the result is fire_or_clamp's, draw for
  // draw and spike for spike.
  struct Gathered {
    std::vector<uint32_t> node, id;           // index, node id
    std::vector<double> x, rate, stay, draw;  // (V - E_sfa) / Delta_V; lambda; exp(-lambda h); u
    std::vector<double> x_all;                // x of every node of the range (-inf: refractory)
  };
  void clamp_and_gather(std::size_t begin, std::size_t end, Gathered& g);
  void fire_gathered(StepContext& ctx, long step, Gathered& g);

  const std::vector<double>& list_at(int obj_column, std::size_t i) const {
    return std::get<std::vector<double>>(obj_[obj_column][i]);
  }
  int obj_col(const char* name) const { return info_->specs[info_->index_of(name)].column; }

  Kernels sfa_, stc_;
  std::vector<double> lambda_ms_;
  std::vector<double> silent_below_;  // (V - E_sfa) / Delta_V below which p < 2^-53
  double h_ = 0.1;
  uint32_t seed_ = 0;
};

}  // namespace nestkit::gif
