// iaf_psc_exp and iaf_tum_2000: leaky integrate-and-fire neurons with
// exponentially decaying synaptic currents, integrated exactly, as NEST 3.10's
// models. Current input on receptor 1 is filtered through the excitatory
// synapse; delta > 0 replaces the hard threshold by escape noise with intensity
// rho exp((V - V_th) / delta).
//
// iaf_tum_2000 adds Tsodyks-Markram short-term plasticity computed on the
// presynaptic side (Tsodyks, Uziel & Markram 2000): at each spike the neuron
// advances its resources (x free, y active, z = 1 - x - y recovering) and
// utilisation u from its previous spike, and sends the released fraction u x as
// the spike's offset; a receiving iaf_tum_2000 scales the weight of spikes on
// receptor 1 by it. Both share one population template; the membrane and
// synapses are the same.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "core/cpu_features.hpp"
#include "integrators/iaf_propagator.hpp"
#include "integrators/leak_propagator.hpp"
#include "models/neurons/blocked_update.hpp"
#include "models/neurons/iaf/iaf_common.hpp"
#include "models/neurons/iaf/iaf_exp_family.hpp"
#include "nestkit/rng.hpp"

namespace nestkit {
namespace {

enum class Kind { kPlain, kTum };

// Columns, grouped by role, in declaration order. iaf_tum_2000 inserts its
// resource parameters after delta, its visible resource state x, y, u before the
// membrane, and the time of its last spike after the refractory count.
template <Kind K>
struct Cols {
  static constexpr bool kTum = K == Kind::kTum;
  // parameters
  enum : int { C_m, tau_m, t_ref, E_L, V_reset, V_th, I_e, tau_syn_ex, tau_syn_in, rho, delta, kShared };
  static constexpr int tau_fac = kShared, tau_psc = kShared + 1, tau_rec = kShared + 2, U = kShared + 3;  // tum
  static constexpr int tau_minus = kTum ? U + 1 : kShared, tau_minus_triplet = tau_minus + 1;
  static constexpr int x = tau_minus_triplet + 1, y = x + 1, u = x + 2;  // tum: presynaptic resources
  // state: V relative to E_L, synaptic currents, piecewise-constant inputs, refractory steps left
  static constexpr int v = kTum ? u + 1 : tau_minus_triplet + 1;
  static constexpr int i_ex = v + 1, i_in = v + 2, i0 = v + 3, i1 = v + 4, r = v + 5;
  static constexpr int t_last = r + 1, has_spiked = r + 2;  // tum: time of the last spike (ms), whether any
  // constants derived before each run
  static constexpr int P11_ex = kTum ? has_spiked + 1 : r + 1;
  static constexpr int P11_in = P11_ex + 1, P22 = P11_ex + 2, P21_ex = P11_ex + 3, P21_in = P11_ex + 4,
                       P20 = P11_ex + 5, theta = P11_ex + 6, reset = P11_ex + 7, refractory_steps = P11_ex + 8;
};

enum Rec : int { kV_m, kI_syn_ex, kI_syn_in };
enum Channel : int { kEx, kIn, kI0, kI1, kChannels };

template <Kind K>
class IafPscExp final : public iaf::RelativeVmPopulation<Cols<K>::v, Cols<K>::E_L> {
  using C = Cols<K>;
  using Base = iaf::RelativeVmPopulation<C::v, C::E_L>;

 public:
  using Base::Base;

  void prepare(const RunContext& rc) override {
    this->prepare_input(rc, kChannels);
    seed_ = rc.seed;
    h_ = rc.grid->resolution();
    for (std::size_t i = 0; i < this->n_; ++i) {
      auto c = [&](int k) -> double& { return this->num_[k][i]; };
      c(C::P11_ex) = std::exp(-h_ / c(C::tau_syn_ex));
      c(C::P11_in) = std::exp(-h_ / c(C::tau_syn_in));
      c(C::P22) = std::exp(-h_ / c(C::tau_m));
      c(C::P21_ex) = integrators::IafPropagator(c(C::tau_syn_ex), c(C::tau_m), c(C::C_m)).p32(h_);
      c(C::P21_in) = integrators::IafPropagator(c(C::tau_syn_in), c(C::tau_m), c(C::C_m)).p32(h_);
      c(C::P20) = integrators::leak_current_propagator_tau_first(c(C::tau_m), c(C::C_m), c(C::P22));
      c(C::theta) = c(C::V_th) - c(C::E_L);
      c(C::reset) = c(C::V_reset) - c(C::E_L);
      c(C::refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(C::t_ref)));
    }
    uniform_ = true;
    for (int k : kUpdateParams) {
      const double* v = this->num_[k].data();
      uniform_ = uniform_ && std::all_of(v, v + this->n_, [&](double x) { return x == v[0]; });
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    if (begin >= end) return;
    // Populations without current input skip its two ring rows and state columns (all zero).
    const bool currents = std::atomic_ref<bool>(currents_).load(std::memory_order_relaxed);
    if constexpr (!C::kTum) {
      if (uniform_ && !currents && this->num_[C::delta][begin] < 1e-10) {
        // The common case (shared parameters, hard threshold, spike input only) as a
        // branch-free vectorised step in blocks.
        update_blocked(ctx, from, to, begin, end);
        return;
      }
    }
    if (uniform_ && !currents)
      update_range<true, false>(ctx, from, to, begin, end);
    else if (uniform_)
      update_range<true, true>(ctx, from, to, begin, end);
    else
      update_range<false, true>(ctx, from, to, begin, end);
  }

 private:
  using Base::col;

  // A constant column of the update, or its single value when the whole population
  // shares it (the usual case): large populations then stream only their state through
  // the cache, not a dozen columns of equal numbers. Same arithmetic either way.
  template <bool kUniform>
  using Param = blocked::Const<kUniform>;
  static constexpr int kUpdateParams[] = {C::P11_ex, C::P11_in, C::P22,   C::P21_ex,           C::P21_in, C::P20,
                                          C::I_e,    C::theta,  C::reset, C::refractory_steps, C::delta,  C::rho};

  template <bool kUniform, bool kCurrents>
  void update_range(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) {
    using P = Param<kUniform>;
    double *V = col(C::v), *Iex = col(C::i_ex), *Iin = col(C::i_in), *I0 = col(C::i0), *I1 = col(C::i1), *R = col(C::r);
    const P p11e(col(C::P11_ex)), p11i(col(C::P11_in)), p22(col(C::P22)), p21e(col(C::P21_ex));
    const P p21i(col(C::P21_in)), p20(col(C::P20)), ie(col(C::I_e)), th(col(C::theta)), rs(col(C::reset));
    const P refr(col(C::refractory_steps)), dl(col(C::delta)), rh(col(C::rho));
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = this->input_.row(kEx, step);
      double* in_in = this->input_.row(kIn, step);
      double* in_i0 = kCurrents ? this->input_.row(kI0, step) : nullptr;
      double* in_i1 = kCurrents ? this->input_.row(kI1, step) : nullptr;
      for (std::size_t i = begin; i < end; ++i) {
        if (R[i] == 0.0) {
          const double i0 = kCurrents ? I0[i] : 0.0;
          V[i] = V[i] * p22[i] + Iex[i] * p21e[i] + Iin[i] * p21i[i] + (ie[i] + i0) * p20[i];
        } else {
          R[i] -= 1.0;
        }
        Iex[i] *= p11e[i];
        Iin[i] *= p11i[i];
        if constexpr (kCurrents) Iex[i] += (1.0 - p11e[i]) * I1[i];
        // Spikes arriving at the end of this step act at once.
        Iex[i] += in_ex[i];
        Iin[i] += in_in[i];
        if (fires(V[i], th[i], dl[i], rh[i], i, step)) {
          R[i] = refr[i];
          V[i] = rs[i];
          if constexpr (C::kTum) {
            const double released = release(i, ctx.grid->steps_to_ms(step + 1));
            this->emit(ctx, i, step + 1, 1u, released);
          } else {
            this->emit(ctx, i, step + 1);
          }
        }
        if constexpr (kCurrents) {
          I0[i] = in_i0[i];
          I1[i] = in_i1[i];
          in_i0[i] = in_i1[i] = 0.0;
        }
        in_ex[i] = in_in[i] = 0.0;
      }
      this->sample(step, begin, end);
    }
  }

  // One step of neurons [b, e) for update_blocked: the arithmetic of update_range
  // (uniform parameters, no current input, hard threshold) in the same order per
  // neuron, written with selects instead of branches so that it vectorises.
  [[gnu::always_inline]] inline void step_rows(long step, std::size_t b, std::size_t e, double* spiked) {
    double* __restrict V = col(C::v);
    double* __restrict Iex = col(C::i_ex);
    double* __restrict Iin = col(C::i_in);
    double* __restrict R = col(C::r);
    double* __restrict in_ex = this->input_.row(kEx, step);
    double* __restrict in_in = this->input_.row(kIn, step);
    const double p11e = col(C::P11_ex)[0], p11i = col(C::P11_in)[0], p22 = col(C::P22)[0];
    const double p21e = col(C::P21_ex)[0], p21i = col(C::P21_in)[0], p20 = col(C::P20)[0];
    const double ie = col(C::I_e)[0], th = col(C::theta)[0], rs = col(C::reset)[0];
    const double refr = col(C::refractory_steps)[0];
#pragma GCC ivdep
    for (std::size_t i = b; i < e; ++i) {
      const double v = V[i], refr_left = R[i], iex = Iex[i], iin = Iin[i];
      const double v_free = v * p22 + iex * p21e + iin * p21i + (ie + 0.0) * p20;
      const bool active = refr_left == 0.0;
      const double v_new = active ? v_free : v;
      const double r_new = active ? refr_left : refr_left - 1.0;
      Iex[i] = iex * p11e + in_ex[i];
      Iin[i] = iin * p11i + in_in[i];
      const bool spike = v_new >= th;
      V[i] = spike ? rs : v_new;
      R[i] = spike ? refr : r_new;
      spiked[i - b] = spike ? 1.0 : 0.0;
      in_ex[i] = 0.0;
      in_in[i] = 0.0;
    }
  }
  NESTKIT_TARGET_AVX2 void step_rows_avx2(long step, std::size_t b, std::size_t e, double* spiked) {
    step_rows(step, b, e, spiked);
  }
  void step_rows_base(long step, std::size_t b, std::size_t e, double* spiked) { step_rows(step, b, e, spiked); }

  void update_blocked(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) {
    blocked::run(
        ctx.slice_origin, from, to, begin, end, !this->samplers_.empty(),
        [&](long step, std::size_t b, std::size_t e, double* spiked) {
          if (use_avx2())
            step_rows_avx2(step, b, e, spiked);
          else
            step_rows_base(step, b, e, spiked);
        },
        [&](std::size_t i, long step) { this->emit(ctx, i, step + 1); },
        [&](long step) { this->sample(step, begin, end); });
  }

  void deliver_spikes(const SpikeBatch& b) override {
    if constexpr (!C::kTum) {
      this->deliver_sign_split(b, kEx, kIn);
    } else {
      // On receptor 1 the weight is scaled by the efficacy the sender attached to the spike.
      for (std::size_t k = 0; k < b.count; ++k) {
        const uint32_t m = this->multiplicity(b, k);
        if (m == 0) continue;
        double s = b.weight[k] * b.weight_factor * m;
        if (b.receptor[k] == 1) s *= b.offset;
        this->input_.add(s > 0.0 ? kEx : kIn, b.stamp + b.delay[k] - 1, b.target[k] - this->first_gid_, s);
      }
    }
  }
  void deliver_current(const CurrentBatch& b) override {
    std::atomic_ref<bool>(currents_).store(true, std::memory_order_relaxed);
    for (std::size_t k = 0; k < b.count; ++k)
      this->input_.add(b.receptor[k] == 1 ? kI1 : kI0, b.stamp + b.delay[k] - 1, b.target[k] - this->first_gid_,
                       b.weight[k] * b.amplitude);
  }

  double recordable(int k, std::size_t i) const override {
    switch (k) {
      case kV_m:
        return this->v_m(i);
      case kI_syn_ex:
        return this->num_[C::i_ex][i];
      default:
        return this->num_[C::i_in][i];
    }
  }

  // Hard threshold for delta ~ 0, else a spike with probability rho exp((V - theta) / delta) h.
  bool fires(double v, double th, double dl, double rh, std::size_t i, long step) const {
    if (dl < 1e-10) return v >= th;
    if (!(dl > 1e-10)) return false;  // exactly 1e-10: neither branch of NEST's test
    RandomStream rng(seed_, iaf::kEscapeNoise, this->first_gid_ + static_cast<uint32_t>(i),
                     static_cast<uint64_t>(step));
    const double phi = rh * std::exp(1.0 / dl * (v - th));
    return rng.uniform() < phi * h_ * 1e-3;
  }

  // iaf_tum_2000: advances x, y, u exactly from the previous spike (time 0 before
  // the first) to t_spike, applies the spike and returns the released fraction u x.
  double release(std::size_t i, double t_spike) {
    auto c = [&](int k) -> double& { return this->num_[k][i]; };
    const double dt = t_spike - (c(C::has_spiked) != 0.0 ? c(C::t_last) : 0.0);
    const double Puu = c(C::tau_fac) == 0.0 ? 0.0 : std::exp(-dt / c(C::tau_fac));
    const double Pyy = std::exp(-dt / c(C::tau_psc));
    const double Pzz = std::expm1(-dt / c(C::tau_rec));
    const double Pxy = (Pzz * c(C::tau_rec) - (Pyy - 1.0) * c(C::tau_psc)) / (c(C::tau_psc) - c(C::tau_rec));
    const double z = 1.0 - c(C::x) - c(C::y);
    c(C::u) *= Puu;
    c(C::x) += Pxy * c(C::y) - Pzz * z;
    c(C::y) *= Pyy;
    c(C::u) += c(C::U) * (1.0 - c(C::u));
    const double released = c(C::u) * c(C::x);
    c(C::x) -= released;
    c(C::y) += released;
    c(C::t_last) = t_spike;
    c(C::has_spiked) = 1.0;
    return released;
  }

  uint32_t seed_ = 0;
  double h_ = 0.1;
  bool uniform_ = false;
  bool currents_ = false;  // set by the first current delivered; the update then includes I0, I1  // every column of
                           // kUpdateParams holds one value (set in prepare)
};

template <Kind K>
ModelInfo make_info(const char* name) {
  using C = Cols<K>;
  ModelInfo m(name, NodeKind::kNeuron,
              std::string("https://nest-simulator.readthedocs.io/en/stable/models/") + name + ".html");
  m.family = "iaf_current";
  m.param(C::C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(C::tau_m, "tau_m", 10.0, "ms", positive(), "Membrane time constant")
      .param(C::t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of refractory period")
      .param(C::E_L, "E_L", -70.0, "mV", {}, "Resting membrane potential")
      .param(C::V_reset, "V_reset", -70.0, "mV", {}, "Reset potential of the membrane")
      .param(C::V_th, "V_th", -55.0, "mV", {}, "Spike threshold")
      .param(C::I_e, "I_e", 0.0, "pA", {}, "Constant input current")
      .param(C::tau_syn_ex, "tau_syn_ex", 2.0, "ms", positive(), "Time constant of the excitatory synaptic current")
      .param(C::tau_syn_in, "tau_syn_in", 2.0, "ms", positive(), "Time constant of the inhibitory synaptic current")
      .param(C::rho, "rho", 0.01, "1/s", non_negative(), "Stochastic firing intensity at threshold")
      .param(C::delta, "delta", 0.0, "mV", non_negative(), "Width of the threshold region (0: hard threshold)");
  if constexpr (C::kTum) {
    m.param(C::tau_fac, "tau_fac", 1000.0, "ms", non_negative(), "Facilitation time constant (0: none)")
        .param(C::tau_psc, "tau_psc", 2.0, "ms", positive(), "Time constant of the active resources")
        .param(C::tau_rec, "tau_rec", 400.0, "ms", positive(), "Recovery time constant of the resources")
        .param(C::U, "U", 0.5, "", in_range(0.0, 1.0), "Utilisation increment per spike");
  }
  iaf::declare_archiving(m, C::tau_minus);
  if constexpr (C::kTum) {
    m.state(C::x, "x", 0.0, "", "Fraction of resources available")
        .state(C::y, "y", 0.0, "", "Fraction of resources active")
        .state(C::u, "u", 0.0, "", "Utilisation of the available resources");
  }
  iaf::declare_internals(m, C::v, C::refractory_steps);
  m.derived_state("V_m", -70.0, "mV", "Membrane potential");
  m.recordables = {"V_m", "I_syn_ex", "I_syn_in"};
  m.current_receptors = {0, 1};  // 1: filtered through the excitatory synapse
  const std::string model = name;
  if constexpr (C::kTum) {
    m.spike_receptors = {0, 1};  // 1: input from iaf_tum_2000, scaled by the released fraction
    m.validate = [model](const ParamRow& row) {
      iaf::require_reset_below_threshold(row, model);
      if (row.num("x") + row.num("y") > 1.0) throw BadProperty(model + ": x + y must be <= 1.0.");
      if (row.num("u") > 1.0 || row.num("u") < 0.0) throw BadProperty(model + ": 'u' must be in [0,1].");
    };
    m.check_source = [](const ModelInfo& source, long receptor) -> std::string {
      if (source.name == "iaf_tum_2000" && receptor != 1)
        return "iaf_tum_2000 neurons must be connected via receptor_type 1.";
      return "";
    };
  } else {
    m.validate = [model](const ParamRow& row) { iaf::require_reset_below_threshold(row, model); };
  }
  m.make = [](const ModelInfo& info) { return std::make_unique<IafPscExp<K>>(info); };
  return m;
}

}  // namespace

const ModelInfo& iaf_psc_exp_model() {
  static const ModelInfo info = make_info<Kind::kPlain>("iaf_psc_exp");
  return info;
}

const ModelInfo& iaf_tum_2000_model() {
  static const ModelInfo info = make_info<Kind::kTum>("iaf_tum_2000");
  return info;
}

}  // namespace nestkit
