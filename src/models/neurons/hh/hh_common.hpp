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
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_ex = input_.row(kEx, step);
      double* in_in = input_.row(kIn, step);
      double* in_cur = input_.row(kCurrent, step);
      auto make = [&]<int W>() { return LaneDriver<W>{*this, ctx, step, in_ex, in_in, in_cur}; };
      // GSL's y_new(eps_abs, 0) control: a_y = 1, a_dydt = 0.
      integrators::evolve_population<M::N>(make, 1.0, 0.0, step_, begin, end);
      for (std::size_t i = begin; i < end; ++i) in_ex[i] = in_in[i] = in_cur[i] = 0.0;
      sample(step, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override { deliver_sign_split(b, kEx, kIn); }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  double recordable(int k, std::size_t i) const override { return num_[M::kRecCols[k]][i]; }

 private:
  enum Channel : int { kEx, kIn, kCurrent, kChannels };
  double step_ = 0.1;
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
    const double *in_ex, *in_in, *in_cur;
    V p[M::kY0] = {};
    V i_stim = {};
    double u_old[W] = {};

    bool load(int l, std::size_t i, V* y, integrators::LaneStart& s) {
      const auto& num = pop.num_;
      for (int k = 0; k < M::kY0; ++k) p[k][l] = num[k][i];
      for (std::size_t k = 0; k < M::N; ++k) y[k][l] = num[M::kY0 + k][i];
      i_stim[l] = num[M::I_stim][i];
      u_old[l] = y[0][l];
      s = {num[M::h_int][i], M::kEpsAbs, 0.0};
      return true;
    }
    [[gnu::always_inline]] void rhs(const V&, const V* y, V* f) const { M::template rhs<V>(p, i_stim, y, f); }
    // The spike is detected after the whole simulation step, not inside it.
    bool accepted(int, V*) { return true; }

    void finish(int l, std::size_t i, const V* y, double h) {
      auto& num = pop.num_;
      double ys[M::N], ps[M::kY0];
      for (std::size_t k = 0; k < M::N; ++k) ys[k] = y[k][l];
      for (int k = 0; k < M::kY0; ++k) ps[k] = p[k][l];
      num[M::h_int][i] = h;
      M::receive(ys, in_ex[i], in_in[i], num[M::psc_ex][i], num[M::psc_in][i]);
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
