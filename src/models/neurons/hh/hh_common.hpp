#pragma once
// Shared stepping of NEST's Hodgkin-Huxley models. All five integrate their ODE
// vector with GSL's RKF45 (gsl_odeiv_evolve_apply in a `while (t < h)` loop per
// simulation step; here the lock-step stepper of integrators/rkf45_lanes.hpp,
// bit-identical per neuron), carry each node's last accepted integration step over to the
// next step, add the step's spike input to the synaptic state after integrating,
// and detect a spike after the step from the membrane potential: above a
// threshold and falling (a local maximum was passed), outside refractoriness.
//
// A model is described by a traits struct M:
//  - enum columns: parameters [0, M::kY0), the ODE state [M::kY0, M::kY0 + M::N)
//    in NEST's vector order, then the internals r, h_int, I_stim, psc_ex, psc_in,
//    ref_counts (named so in M);
//  - M::kEpsAbs: the absolute tolerance of gsl_odeiv_control_y_new(eps, 0);
//  - M::rhs<T>(p, i_stim, y, f): NEST's right-hand side for one neuron (T =
//    double) or a lane vector of neurons, p = the parameter columns' values,
//    y = the ODE state (index 0 = V_m);
//  - M::psc_norm(p, ex): the per-weight increment of the synaptic state;
//  - M::receive(y, ex, in, psc_ex, psc_in): adds one step's summed spike weights
//    (ex > 0, in <= 0 as buffered) to y;
//  - M::threshold(p): the potential a spike must reach;
//  - M::kRecCols: the column of each recordable, in ModelInfo::recordables order;
//  - for a model that keeps NEST's Clopath archive (hh_psc_alpha_clopath): the
//    rule's parameter columns (A_LTD, ..., delay_u_bars) and Y indices yUp, yUm,
//    yUbb of u_bar_plus, u_bar_minus, u_bar_bar.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "integrators/rkf45_lanes.hpp"
#include "models/neurons/neuron_base.hpp"
#include "nestkit/clopath_archive.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/registry.hpp"

namespace nestkit::hh {

// A model whose traits name the Clopath rule's columns keeps a Clopath archive.
template <class M>
concept KeepsClopath = requires {
  M::delay_u_bars;
  M::A_LTD_const;
  M::yUp;
  M::yUm;
  M::yUbb;
};

// A model whose traits set kGap couples through gap_junction connections (NEST's
// hh_psc_alpha_gap, hh_cond_beta_gap_traub): its right-hand side adds
// I_gap = -sum_j g_ij V + sum_j g_ij V_j(t), where V_j is the partner's potential
// over the step as a polynomial in t/h (wfr_interpolation_order 0, 1 or 3: the
// value at the step's start, a line, or the cubic Hermite interpolant from the
// potentials and slopes at both ends), received as gap events. During waveform
// relaxation each iteration integrates the interval from the same state, sends its
// own interpolants, and the partners' next iteration uses them; the final update
// then uses the last ones. After it the sent coefficients are the potential at the
// interval's end (constant), which is what the next interval starts from and all
// that is used without relaxation. As NEST, the iterations carry the integration
// step size over (it is not part of the restored state) and add the buffered
// spike input without consuming it, without spikes or refractoriness.
template <class M>
concept HasGap = requires { M::kGap; };

template <class M>
class HhPopulation final : public NeuronPopulation {
 public:
  explicit HhPopulation(const ModelInfo& info) : NeuronPopulation(info) {
    if constexpr (KeepsClopath<M>) clopath_ = std::make_unique<ClopathArchive>();
  }

  ClopathArchive* clopath_archive() const override { return clopath_.get(); }

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    step_ = rc.grid->resolution();
    if constexpr (HasGap<M>) {
      md_ = rc.min_delay;
      use_wfr_ = rc.use_wfr;
      tol_ = rc.wfr_tol;
      order_ = rc.wfr_interpolation_order;
      const std::size_t size = n_ * static_cast<std::size_t>(md_);
      if (last_y_.size() != size) {
        gsum_.assign(n_, 0.0);
        coef_.assign(4 * size, 0.0);
        out_coef_.assign(4 * size, 0.0);
        last_y_.assign(size, 0.0);
        // Nothing sent yet: the potential now.
        for (std::size_t i = 0; i < n_; ++i)
          for (long lag = 0; lag < md_; ++lag) out_coef_[(i * md_ + lag) * 4] = num_[M::kY0][i];
      }
      saved_.assign(n_ * (M::N + 2), 0.0);
    }
    for (std::size_t i = 0; i < n_; ++i) {
      double p[M::kY0];
      for (int k = 0; k < M::kY0; ++k) p[k] = num_[k][i];
      // NEST's init_buffers_ sets the integration step to the resolution once,
      // when the node first runs; later runs continue with the carried step.
      if (num_[M::h_int][i] <= 0.0) num_[M::h_int][i] = step_;
      num_[M::psc_ex][i] = M::psc_norm(p, true);
      num_[M::psc_in][i] = M::psc_norm(p, false);
      num_[M::ref_counts][i] = static_cast<double>(rc.grid->ms_to_steps(p[M::t_ref]));
    }
    if constexpr (KeepsClopath<M>) {
      clopath_->resize(n_);
      // Sized when the node first runs (delay_u_bars and max_delay as then).
      for (std::size_t i = 0; i < n_; ++i)
        clopath_->init(i, rc.grid->delay_to_steps(num_[M::delay_u_bars][i]), rc.max_delay);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    run(ctx, from, to, begin, end, false);
    if constexpr (HasGap<M>) {
      if (to == md_)
        for (std::size_t i = begin; i < end; ++i) {
          for (long lag = 0; lag < md_; ++lag) {
            double* c = out_coef_.data() + (i * md_ + lag) * 4;
            c[0] = num_[M::kY0][i];
            c[1] = c[2] = c[3] = 0.0;
          }
          std::fill_n(last_y_.data() + i * md_, md_, 0.0);
          clear_gap_input(i);
        }
    }
  }

  bool uses_wfr() const override {
    if constexpr (HasGap<M>) return use_wfr_;
    return false;
  }

  bool wfr_update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    if constexpr (HasGap<M>) {
      constexpr std::size_t S = M::N + 2;
      for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t k = 0; k < M::N; ++k) saved_[i * S + k] = num_[M::kY0 + k][i];
        saved_[i * S + M::N] = num_[M::r][i];
        saved_[i * S + M::N + 1] = num_[M::I_stim][i];
      }
      const bool exceeded = run(ctx, from, to, begin, end, true);
      for (std::size_t i = begin; i < end; ++i) {
        for (std::size_t k = 0; k < M::N; ++k) num_[M::kY0 + k][i] = saved_[i * S + k];
        num_[M::r][i] = saved_[i * S + M::N];
        num_[M::I_stim][i] = saved_[i * S + M::N + 1];
        clear_gap_input(i);
      }
      return !exceeded;
    }
    return true;
  }

  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = 0;
    if constexpr (HasGap<M>) {
      if (kind != Secondary::kGap) return nullptr;
      length = 4 * static_cast<std::size_t>(md_);
      return out_coef_.data() + i * md_ * 4;
    }
    return nullptr;
  }

  void deliver_secondary(const SecondaryBatch& b) override {
    if constexpr (HasGap<M>) {
      if (b.kind != Secondary::kGap) return;
      const std::size_t len = std::min<std::size_t>(b.length, 4 * static_cast<std::size_t>(md_));
      for (std::size_t k = 0; k < b.count; ++k) {
        const std::size_t t = b.target[k] - first_gid_;
        const double w = b.weight[k];
        gsum_[t] += w;
        double* c = coef_.data() + t * md_ * 4;
        for (std::size_t j = 0; j < len; ++j) c[j] += w * b.values[j];
      }
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override { return num_[M::kRecCols[k]][i]; }

 private:
  enum Channel : int { kEx, kIn, kCurrent, kChannels };
  double step_ = 0.1;
  // Gap junctions (HasGap models): the summed conductances and the summed
  // g_ij-weighted coefficients of the partners' interpolants (4 per step), the
  // coefficients this node sends, its potentials of the last iteration, and the
  // state kept over an iteration.
  long md_ = 1;
  bool use_wfr_ = true;
  double tol_ = 1e-4;
  int order_ = 3;
  std::vector<double> gsum_, coef_, out_coef_, last_y_, saved_;

  void clear_gap_input(std::size_t i) {
    gsum_[i] = 0.0;
    std::fill_n(coef_.data() + i * md_ * 4, md_ * 4, 0.0);
  }

  // dV/dt of node i at state y and time tau = t/h of step `lag` (gap models).
  double dvdt(std::size_t i, long lag, const double* y, double tau) const {
    double p[M::kY0], f[M::N];
    for (int k = 0; k < M::kY0; ++k) p[k] = num_[k][i];
    const double* c = coef_.data() + (i * md_ + lag) * 4;
    const double gap = -gsum_[i] * y[0] + c[0] + c[1] * tau + c[2] * tau * tau + c[3] * tau * tau * tau;
    M::template rhs<double>(p, num_[M::I_stim][i] + gap, y, f);
    return f[0];
  }

  // One pass over steps [from, to): the update, or (wfr) a relaxation iteration,
  // which returns whether some potential moved by more than the tolerance.
  bool run(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end, bool wfr) {
    bool exceeded = false;
    std::vector<double> y_i, hf_i;
    if (wfr) {
      y_i.resize(end - begin);
      hf_i.resize(end - begin);
    }
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      if constexpr (HasGap<M>) {
        if (wfr)
          for (std::size_t i = begin; i < end; ++i) {
            double y[M::N];
            for (std::size_t k = 0; k < M::N; ++k) y[k] = num_[M::kY0 + k][i];
            y_i[i - begin] = y[0];
            if (order_ == 3) hf_i[i - begin] = step_ * dvdt(i, lag, y, 0.0);
          }
      }
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, lag, wfr, in_ex, in_in, in_cur}; };
      // GSL's y_new(eps_abs, 0) control: a_y = 1, a_dydt = 0.
      integrators::evolve_population<M::N>(make, 1.0, 0.0, step_, begin, end);
      if constexpr (HasGap<M>) {
        if (wfr) {
          for (std::size_t i = begin; i < end; ++i) {
            double y[M::N];
            for (std::size_t k = 0; k < M::N; ++k) y[k] = num_[M::kY0 + k][i];
            const std::size_t q = i * md_ + lag;
            exceeded = exceeded || std::fabs(y[0] - last_y_[q]) > tol_;
            last_y_[q] = y[0];
            double* c = out_coef_.data() + q * 4;
            const double a = y_i[i - begin], b = y[0];
            c[0] = a;
            c[1] = c[2] = c[3] = 0.0;
            if (order_ == 1) {
              c[1] = b - a;
            } else if (order_ == 3) {
              const double fa = hf_i[i - begin], fb = step_ * dvdt(i, lag, y, 1.0);
              c[1] = fa;
              c[2] = -3 * a + 3 * b - 2 * fa - fb;
              c[3] = 2 * a - 2 * b + fa + fb;
            }
          }
          continue;
        }
      }
      for (std::size_t i = begin; i < end; ++i) in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      sample(step, begin, end);
    }
    return exceeded;
  }
  std::unique_ptr<ClopathArchive> clopath_;

  // Node i's state after the step that ends at `stamp`, for clopath_synapse.
  void write_clopath(std::size_t i, long stamp, const double* ys) {
    if constexpr (KeepsClopath<M>) {
      const ClopathRule rule{num_[M::A_LTD][i],      num_[M::A_LTP][i],       num_[M::u_ref_squared][i],
                             num_[M::theta_plus][i], num_[M::theta_minus][i], num_[M::A_LTD_const][i] != 0.0};
      clopath_->write(i, grid_ptr_->steps_to_ms(stamp), ys[0], ys[M::yUp], ys[M::yUm], ys[M::yUbb], rule,
                      grid_ptr_->resolution());
    }
  }

  // Connects the population to the lock-step stepper for one simulation step.
  template <int W>
  struct LaneDriver {
    using V = typename integrators::Lanes<W>::V;
    HhPopulation& pop;
    StepContext& ctx;
    long step;
    long lag;
    bool wfr;
    const double *in_ex, *in_in, *in_cur;
    V p[M::kY0] = {};
    V i_stim = {};
    V gsum = {}, c0 = {}, c1 = {}, c2 = {}, c3 = {}, inv_h = {};
    double u_old[W] = {};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      const auto& num = pop.num_;
      for (int k = 0; k < M::kY0; ++k) p[k][l] = num[k][i];
      for (std::size_t k = 0; k < M::N; ++k) y[k][l] = num[M::kY0 + k][i];
      i_stim[l] = num[M::I_stim][i];
      if constexpr (HasGap<M>) {
        const double* c = pop.coef_.data() + (i * pop.md_ + lag) * 4;
        gsum[l] = pop.gsum_[i];
        c0[l] = c[0];
        c1[l] = c[1];
        c2[l] = c[2];
        c3[l] = c[3];
        inv_h[l] = pop.step_;
      }
      u_old[l] = y[0][l];
      s = {num[M::h_int][i], M::kEpsAbs, 0.0};
      return true;
    }
    [[gnu::always_inline]] void rhs(const V& time, const V* y, V* f) const {
      if constexpr (HasGap<M>) {
        const V t = time / inv_h;
        const V gap = -gsum * y[0] + c0 + c1 * t + c2 * t * t + c3 * t * t * t;
        M::template rhs<V>(p, i_stim + gap, y, f);
      } else {
        M::template rhs<V>(p, i_stim, y, f);
      }
    }
    // The spike is detected after the whole simulation step, not inside it.
    bool accepted(int, V*) { return true; }

    void finish(int l, std::size_t i, const V* y, double h) {
      auto& num = pop.num_;
      double ys[M::N], ps[M::kY0];
      for (std::size_t k = 0; k < M::N; ++k) ys[k] = y[k][l];
      for (int k = 0; k < M::kY0; ++k) ps[k] = p[k][l];
      num[M::h_int][i] = h;
      M::receive(ys, in_ex[i], in_in[i], num[M::psc_ex][i], num[M::psc_in][i]);
      if (wfr) {
        for (std::size_t k = 0; k < M::N; ++k) num[M::kY0 + k][i] = ys[k];
        return;
      }
      pop.write_clopath(i, step + 1, ys);
      double& r = num[M::r][i];
      if (r > 0.0) {
        r -= 1.0;
      } else if (ys[0] >= M::threshold(ps) && u_old[l] > ys[0]) {
        r = num[M::ref_counts][i];
        pop.emit(ctx, i, step + 1);
      }
      for (std::size_t k = 0; k < M::N; ++k) num[M::kY0 + k][i] = ys[k];
      num[M::I_stim][i] = in_cur[i];
    }
  };
};

// Declares the internal columns every HH model carries after its ODE state.
template <class M>
void declare_internals(ModelInfo& m) {
  m.internal(M::r, "_r")
      .internal(M::h_int, "_h_int")
      .internal(M::I_stim, "_I_stim")
      .internal(M::psc_ex, "_psc_ex")
      .internal(M::psc_in, "_psc_in")
      .internal(M::ref_counts, "_ref_counts");
}

// NEST's parameter checks shared by the HH models, with NEST's messages.
inline void check_capacitance(const ParamRow& row) {
  if (row.num("C_m") <= 0.0) throw BadProperty("Capacitance must be strictly positive.");
}
inline void check_t_ref(const ParamRow& row) {
  if (row.num("t_ref") < 0.0) throw BadProperty("Refractory time cannot be negative.");
}
inline void check_time_constants(const ParamRow& row, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (row.num(n) <= 0.0) throw BadProperty("All time constants must be strictly positive.");
}
inline void check_conductances(const ParamRow& row, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (row.num(n) < 0.0) throw BadProperty("All conductances must be non-negative.");
}
inline void check_gates(const ParamRow& row, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (row.num(n) < 0.0) throw BadProperty("All (in)activation variables must be non-negative.");
}
// ArchivingNode's check, made after the model's own.
inline void check_archiving(const ParamRow& row) {
  if (row.num("tau_minus") <= 0.0 || row.num("tau_minus_triplet") <= 0.0)
    throw BadProperty("All time constants must be strictly positive.");
}

// The spike-timing trace constants every NEST ArchivingNode has.
template <class M>
void declare_archiving(ModelInfo& m) {
  m.param(M::tau_minus, "tau_minus", 20.0, "ms", {}, "Time constant of the STDP post-synaptic trace")
      .param(M::tau_minus_triplet, "tau_minus_triplet", 110.0, "ms", {}, "Triplet-STDP post-synaptic time constant");
}

}  // namespace nestkit::hh
