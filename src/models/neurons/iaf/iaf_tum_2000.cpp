// iaf_tum_2000: iaf_psc_exp with Tsodyks-Markram short-term plasticity computed
// on the presynaptic side (Tsodyks, Uziel & Markram 2000), as NEST 3.10's model.
// At each spike the neuron advances its resources (x free, y active, z = 1 - x - y
// recovering) and utilisation u from its previous spike, and sends the released
// fraction u x as the spike's offset; a receiving iaf_tum_2000 scales the weight
// of spikes on receptor 1 by it.
#include <cmath>

#include "integrators/iaf_propagator.hpp"
#include "integrators/leak_propagator.hpp"
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

// Columns, grouped by role.
// clang-format off
enum Col : int {
  // parameters
  C_m, tau_m, t_ref, E_L, V_reset, V_th, I_e, tau_syn_ex, tau_syn_in, rho, delta, tau_fac, tau_psc, tau_rec, U,
  tau_minus, tau_minus_triplet,
  // visible state of the presynaptic resources
  x, y, u,
  // state: V relative to E_L, synaptic currents, piecewise-constant inputs, refractory steps
  // left, time of the last spike (ms) and whether there was one
  v, i_ex, i_in, i0, i1, r, t_last, has_spiked,
  // constants derived before each run
  P11_ex, P11_in, P22, P21_ex, P21_in, P20, theta, reset, refractory_steps,
};
// clang-format on
enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kI0, kI1, kChannels };

class IafTum2000 final : public iaf::RelativeVmPopulation<v, E_L> {
 public:
  using RelativeVmPopulation::RelativeVmPopulation;

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    seed_ = rc.seed;
    h_ = rc.grid->resolution();
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P11_ex) = std::exp(-h_ / c(tau_syn_ex));
      c(P11_in) = std::exp(-h_ / c(tau_syn_in));
      c(P22) = std::exp(-h_ / c(tau_m));
      c(P21_ex) = integrators::IafPropagator(c(tau_syn_ex), c(tau_m), c(C_m)).p32(h_);
      c(P21_in) = integrators::IafPropagator(c(tau_syn_in), c(tau_m), c(C_m)).p32(h_);
      c(P20) = integrators::leak_current_propagator_tau_first(c(tau_m), c(C_m), c(P22));
      c(theta) = c(V_th) - c(E_L);
      c(reset) = c(V_reset) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    double *V = col(v), *Iex = col(i_ex), *Iin = col(i_in), *I0 = col(i0), *I1 = col(i1), *R = col(r);
    const double *p11e = col(P11_ex), *p11i = col(P11_in), *p22 = col(P22), *p21e = col(P21_ex);
    const double *p21i = col(P21_in), *p20 = col(P20), *ie = col(I_e), *th = col(theta), *rs = col(reset);
    const double *refr = col(refractory_steps), *dl = col(delta), *rh = col(rho);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_i0 = input_.row(kI0, step);
      double* in_i1 = input_.row(kI1, step);
      for (std::size_t i = begin; i < end; ++i) {
        if (R[i] == 0.0) {
          V[i] = V[i] * p22[i] + Iex[i] * p21e[i] + Iin[i] * p21i[i] + (ie[i] + I0[i]) * p20[i];
        } else {
          R[i] -= 1.0;
        }
        Iex[i] *= p11e[i];
        Iin[i] *= p11i[i];
        Iex[i] += (1.0 - p11e[i]) * I1[i];
        Iex[i] += in_ex[i];
        Iin[i] += in_in[i];
        if (fires(V[i], th[i], dl[i], rh[i], i, step)) {
          R[i] = refr[i];
          V[i] = rs[i];
          const double released = release(i, ctx.grid->steps_to_ms(step + 1));
          ctx.spikes->push_back({first_gid_ + static_cast<uint32_t>(i), 1u, step + 1, released});
        }
        I0[i] = in_i0[i];
        I1[i] = in_i1[i];
        in_ex[i] = in_in[i] = in_i0[i] = in_i1[i] = 0.0;
      }
      sample(step, begin, end);
    }
  }

  // On receptor 1 the weight is scaled by the efficacy the sender attached to the spike.
  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      double s = b.weight[k] * b.weight_factor * m;
      if (b.receptor[k] == 1) s *= b.offset;
      input_.add(s > 0.0 ? kEx : kIn, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, s);
    }
  }
  void deliver_current(const CurrentBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k)
      input_.add(b.receptor[k] == 1 ? kI1 : kI0, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_,
                 b.weight[k] * b.amplitude);
  }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kV_m:
        return v_m(i);
      case kI_syn_ex:
        return num_[i_ex][i];
      default:
        return num_[i_in][i];
    }
  }

 private:
  bool fires(double vm, double th, double dl, double rh, std::size_t i, long step) const {
    if (dl < 1e-10) return vm >= th;
    if (!(dl > 1e-10)) return false;
    RandomStream rng(seed_, iaf::kEscapeNoise, first_gid_ + static_cast<uint32_t>(i), static_cast<uint64_t>(step));
    const double phi = rh * std::exp(1.0 / dl * (vm - th));
    return rng.uniform() < phi * h_ * 1e-3;
  }

  // Advances x, y, u exactly from the previous spike (time 0 before the first) to
  // t_spike, applies the spike and returns the released fraction u x.
  double release(std::size_t i, double t_spike) {
    auto c = [&](int k) -> double& { return num_[k][i]; };
    const double dt = t_spike - (c(has_spiked) != 0.0 ? c(t_last) : 0.0);
    const double Puu = c(tau_fac) == 0.0 ? 0.0 : std::exp(-dt / c(tau_fac));
    const double Pyy = std::exp(-dt / c(tau_psc));
    const double Pzz = std::expm1(-dt / c(tau_rec));
    const double Pxy = (Pzz * c(tau_rec) - (Pyy - 1.0) * c(tau_psc)) / (c(tau_psc) - c(tau_rec));
    const double z = 1.0 - c(x) - c(y);
    c(u) *= Puu;
    c(x) += Pxy * c(y) - Pzz * z;
    c(y) *= Pyy;
    c(u) += c(U) * (1.0 - c(u));
    const double released = c(u) * c(x);
    c(x) -= released;
    c(y) += released;
    c(t_last) = t_spike;
    c(has_spiked) = 1.0;
    return released;
  }

  uint32_t seed_ = 0;
  double h_ = 0.1;
};

ModelInfo make_info() {
  ModelInfo m("iaf_tum_2000", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/iaf_tum_2000.html");
  m.family = "iaf_current";
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .param(rho, "rho", 0.01, "1/s", non_negative(), "Stochastic firing intensity at threshold")
      .param(delta, "delta", 0.0, "mV", non_negative(), "Width of the threshold region (0: hard threshold)")
      .param(tau_fac, "tau_fac", 1000.0, "ms", non_negative(), "Facilitation time constant (0: none)")
      .param(tau_psc, "tau_psc", 2.0, "ms", positive(), "Time constant of the active resources")
      .param(tau_rec, "tau_rec", 400.0, "ms", positive(), "Recovery time constant of the resources")
      .param(U, "U", 0.5, "", in_range(0.0, 1.0), "Utilisation increment per spike");
  iaf::declare_archiving(m, tau_minus);
  m.state(x, "x", 0.0, "", "Fraction of resources available")
      .state(y, "y", 0.0, "", "Fraction of resources active")
      .state(u, "u", 0.0, "", "Utilisation of the available resources");
  iaf::declare_internals(m, v, refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.spike_receptors = {0, 1};    // 1: input from iaf_tum_2000, scaled by the released fraction
  m.current_receptors = {0, 1};  // 1: filtered through the excitatory synapse
  m.validate = [](const ParamRow& row) {
    iaf::require_reset_below_threshold(row, "iaf_tum_2000");
    if (row.num("x") + row.num("y") > 1.0) throw BadProperty("iaf_tum_2000: x + y must be <= 1.0.");
    if (row.num("u") > 1.0 || row.num("u") < 0.0) throw BadProperty("iaf_tum_2000: 'u' must be in [0,1].");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<IafTum2000>(info); };
  m.check_source = [](const ModelInfo& source, long receptor) -> std::string {
    if (source.name == "iaf_tum_2000" && receptor != 1)
      return "iaf_tum_2000 neurons must be connected via receptor_type 1.";
    return "";
  };
  return m;
}

}  // namespace

const ModelInfo& iaf_tum_2000_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
