#pragma once
// Shared machinery of the adaptive exponential integrate-and-fire (AdEx) models,
// which NEST 3.10 integrates with GSL's RKF45 under
// gsl_odeiv_control_yp_new(gsl_error_tol, gsl_error_tol): per node and step a
// `while (t < h)` loop of evolve_apply calls, with the runaway guard, the
// refractory clamp and spike detection after every accepted integration step
// (so several spikes per step are possible), and the node's last integration
// step size carried over to the next step.
#include <atomic>
#include <cmath>
#include <cstddef>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "integrators/rkf45.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"

namespace nestkit::aeif {

// Columns shared by the fixed-size models. Each model's own columns follow kCommonEnd.
enum Common : int {
  // parameters
  V_peak,
  V_reset,
  t_ref,
  g_L,
  C_m,
  E_L,
  Delta_T,
  tau_w,
  a,
  b,
  V_th,
  I_e,
  gsl_error_tol,
  // state
  V_m,
  w,
  // internal: refractory count, integration step carried across steps (0 = not
  // yet run), tolerance fixed at the first run (NEST builds its control once),
  // spike threshold in use, refractory steps, current input of the next step,
  // and 1 once the runaway guard stopped the node.
  r,
  h_int,
  tol_used,
  V_peak_eff,
  refr_counts,
  I_stim,
  halted,
  kCommonEnd
};

// Declares the common columns. `with_V_th` is false for the Clopath model,
// whose threshold is a state variable (the model declares the column itself).
inline void declare_common(ModelInfo& m, double V_peak_default, bool with_V_th = true) {
  m.param(V_peak, "V_peak", V_peak_default, "mV", {}, "Spike detection threshold")
      .param(V_reset, "V_reset", -60.0, "mV", {}, "Reset value for V_m after a spike")
      .param(t_ref, "t_ref", 0.0, "ms", {}, "Duration of refractory period")
      .param(g_L, "g_L", 30.0, "nS", {}, "Leak conductance")
      .param(C_m, "C_m", 281.0, "pF", {}, "Capacity of the membrane")
      .param(E_L, "E_L", -70.6, "mV", {}, "Leak reversal potential")
      .param(Delta_T, "Delta_T", 2.0, "mV", {}, "Slope factor")
      .param(tau_w, "tau_w", 144.0, "ms", {}, "Adaptation time constant")
      .param(a, "a", 4.0, "nS", {}, "Subthreshold adaptation")
      .param(b, "b", 80.5, "pA", {}, "Spike-triggered adaptation");
  if (with_V_th)
    m.param(V_th, "V_th", -50.4, "mV", {}, "Spike initiation threshold");
  else
    m.internal(V_th, "_V_th_state");
  m.param(I_e, "I_e", 0.0, "pA", {}, "Constant external input current")
      .param(gsl_error_tol, "gsl_error_tol", 1e-6, "", {}, "Error bound of the GSL integrator")
      .state(V_m, "V_m", -70.6, "mV", "Membrane potential")
      .state(w, "w", 0.0, "pA", "Spike-adaptation current");
  for (int c = r; c < kCommonEnd; ++c) m.internal(c, "_aeif_" + std::to_string(c));
}

// NEST's parameter checks. Models differ in the position of the V_peak >= V_th
// test (`peak_first`), in whether the reset test precedes the Delta_T tests
// (`reset_late`) and in the threshold they compare against.
struct CheckOrder {
  bool peak_first = false;  // V_peak >= V_th before everything else
  bool reset_late = false;  // V_reset < V_peak after the Delta_T tests
  const char* threshold = "V_th";
};

inline void check_reset(const ParamRow& row, const std::string& model) {
  if (row.num("V_reset") >= row.num("V_peak")) throw BadProperty(model + ": Ensure that V_reset < V_peak.");
}
inline void check_peak(const ParamRow& row, const std::string& model, const char* th) {
  if (row.num("V_peak") < row.num(th)) throw BadProperty(model + ": V_peak >= " + std::string(th) + " required.");
}

inline void check_spike_params(const ParamRow& row, const std::string& model, CheckOrder o) {
  if (o.peak_first) check_peak(row, model, o.threshold);
  if (!o.reset_late) check_reset(row, model);
  const double dT = row.num("Delta_T");
  if (dT < 0.0) throw BadProperty(model + ": Delta_T must be positive.");
  if (dT > 0.0) {
    // The exponential term must not overflow at the spike; NEST keeps a 1e20 margin.
    const double max_exp_arg = std::log(std::numeric_limits<double>::max() / 1e20);
    if ((row.num("V_peak") - row.num(o.threshold)) / dT >= max_exp_arg)
      throw BadProperty(model + ": The current combination of V_peak, " + o.threshold +
                        " and Delta_T will lead to numerical overflow at spike time; try for instance to "
                        "increase Delta_T or to reduce V_peak to avoid this problem.");
  }
  if (o.reset_late) check_reset(row, model);
  if (!o.peak_first) check_peak(row, model, o.threshold);
}

inline void check_rest(const ParamRow& row, const std::string& model, std::initializer_list<const char*> taus) {
  if (row.num("C_m") <= 0.0) throw BadProperty(model + ": Capacitance must be strictly positive.");
  if (row.num("t_ref") < 0.0) throw BadProperty(model + ": Refractory time cannot be negative.");
  for (const char* t : taus)
    if (row.num(t) <= 0.0) throw BadProperty(model + ": All time constants must be strictly positive.");
  if (row.num("gsl_error_tol") <= 0.0) throw BadProperty(model + ": The gsl_error_tol must be strictly positive.");
}

inline void check_nonnegative_pair(const ParamRow& row, const std::string& model, const char* x, const char* y) {
  if (row.num(x) < 0.0 || row.num(y) < 0.0) throw BadProperty(model + ": Conductances must not be negative.");
}

// What the in-loop spike handling needs of one node.
struct SpikeRule {
  double V_reset, V_peak_eff, b;
  long refr_counts;
};

// NEST's runaway guard after each accepted integration step (V_m may explode upwards).
inline bool runaway(double v, double w_) { return v < -1e3 || w_ < -1e6 || w_ > 1e6; }

// NEST's handling after every accepted integration step: runaway guard, clamp
// while refractory, reset and adaptation jump at the spike threshold. Returns
// -1 for a runaway (the node stops), else the number of spikes (0 or 1).
inline int after_accepted(double& v, double& w_, long& r, const SpikeRule& s) {
  if (runaway(v, w_)) return -1;
  if (r > 0) {
    v = s.V_reset;
  } else if (v >= s.V_peak_eff) {
    v = s.V_reset;
    w_ += s.b;
    // One more than the count, as the count-down follows the loop; without
    // refractoriness 0, so the clamp never acts inside this loop.
    r = s.refr_counts > 0 ? s.refr_counts + 1 : 0;
    return 1;
  }
  return 0;
}

// One simulation step of the standard AdEx models: integrates y over [0, step],
// clamping V_m while refractory and resetting at V_peak after every accepted
// integration step. `r` is the refractory count the right-hand side reads.
// Returns the number of spikes, or -1 if the runaway guard fired (y then holds
// the offending state).
template <std::size_t N, std::size_t kV, std::size_t kW, typename Rhs>
inline int advance(const Rhs& f, const integrators::ErrorControl& c, double step, double& h, double* y, long& r,
                   const SpikeRule& s) {
  int spikes = 0;
  double t = 0.0;
  while (t < step) {
    integrators::evolve_apply<N>(f, c, t, step, h, y);  // the AdEx right-hand sides cannot fail
    const int outcome = after_accepted(y[kV], y[kW], r, s);
    if (outcome < 0) return -1;
    spikes += outcome;
  }
  return spikes;
}

// Base of the AdEx populations: integration-step bookkeeping and NEST's runaway
// guard (the node stops; the kernel raises the error when the update threads join).
class AeifPopulation : public NeuronPopulation {
 public:
  using NeuronPopulation::NeuronPopulation;

 protected:
  // First run of a node: integration step = resolution, tolerance fixed (NEST's init_buffers_).
  void prepare_common(const RunContext& rc) {
    const double res = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      if (num_[h_int][i] <= 0.0) {
        num_[h_int][i] = res;
        num_[tol_used][i] = num_[gsl_error_tol][i];
      }
      num_[refr_counts][i] = static_cast<double>(rc.grid->ms_to_steps(num_[t_ref][i]));
    }
  }
  void fail(std::size_t i) {
    num_[halted][i] = 1.0;
    report_error("NumericalInstability in " + model_name_ + ": V_m or w out of range (node " +
                 std::to_string(first_gid_ + i) + ")");
  }
  static integrators::ErrorControl control(double tol) { return integrators::ErrorControl::yp(tol, tol); }
};

}  // namespace nestkit::aeif
