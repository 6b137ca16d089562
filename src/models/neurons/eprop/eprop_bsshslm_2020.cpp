// The original e-prop neurons of NEST 3.10 (Bellec et al. 2020 as first ported to NEST):
// eprop_iaf_bsshslm_2020, eprop_iaf_adapt_bsshslm_2020 and eprop_readout_bsshslm_2020.
// Learning runs in update intervals of eprop_update_interval (a kernel setting); the
// intervals of a recurrent node start at steps 2 + k U, those of a readout at 3 + k U
// (the generators' offset and the transmission delays). At an interval's start a node
// drops the history no synapse needs any longer and, with eprop_reset_neurons_on_update,
// resets its membrane (and refractoriness, last spike, adaptation).
//
// Recurrent node, per step with v relative to E_L and P_z_in = 1 (regular_spike_arrival)
// or 1 - P_v_m:
//   v <- P_i_in i_in + P_z_in z_in + P_v_m v - V_th z_previous,  v >= V_min,
//   adaptive: a <- P_adapt a + z_previous, threshold = V_th + adapt_beta a;
// the surrogate gradient psi(r, v, threshold) goes to the e-prop history entry of the
// step, a spike needs v >= threshold outside the refractory period. At an interval's last
// step the node stores its firing-rate regularisation c_reg (n/U - f_target h) / U (n
// spikes in the interval) for the synapses' next update.
//
// Readout node: v <- P_i_in i_in + P_z_in z_in + P_v_m v; the readout signal is the
// previous step's unnormalised signal (v + E_L, or exp(v + E_L) normalised by the sum of
// all readouts' for cross_entropy), error = readout - target. Outside the learning window
// (the last eprop_learning_window of an interval) all three are zero. The error signals
// go to the recurrent nodes through eprop_learning_signal_connection_bsshslm_2020 and
// to the node's own history (one step back) for its incoming synapses.
#include <cmath>
#include <limits>
#include <sstream>

#include "models/neurons/eprop/eprop_common.hpp"
#include "models/neurons/eprop/eprop_models.hpp"

namespace nestkit {
namespace {

// The kernel's interval settings in steps, as NEST reads them during the update.
struct Intervals {
  long update_interval, learning_window;
  bool reset;
};
Intervals intervals(const StepContext& ctx) {
  const EpropKernelSettings s = eprop_kernel_settings(ctx.kernel);
  return {std::max(1L, ctx.grid->ms_to_steps(s.update_interval)),
          std::max(1L, ctx.grid->ms_to_steps(s.learning_window)), s.reset_neurons_on_update};
}

// NEST's flush events: a neuron silent for flush_event_send_interval since its last spike or
// flush event sends one through its e-prop synapses (the kernel routes them to those only).
long flush_steps(const TimeGrid& grid, double ms) { return eprop::cutoff_steps(grid, ms); }

// ----------------------------------------------------------------------------------------
// eprop_iaf_bsshslm_2020, eprop_iaf_adapt_bsshslm_2020

// clang-format off
enum Col : int {
  C_m, c_reg, E_L, f_target, I_e, regular_spike_arrival, surrogate_gradient_height, surrogate_gradient_width, t_ref,
  tau_m, V_min, V_th, flush_event_send_interval, ignore_and_spike, ignore_and_spike_offset, ignore_and_spike_interval,
  adapt_beta, adapt_tau,
  learning_signal, surrogate_gradient, adaptation,
  // state: v relative to E_L, input current, refractory steps left, last step's spike,
  // ignore-and-spike countdown and its offset, spikes in the interval, adaptive threshold
  // (relative), the adaptation last set, the step of the last spike or flush event (0: none yet)
  v, i_in, r, z, isp_until, isp_offset_seen, n_spikes, v_th_adapt, adaptation_seen, last_event,
  // constants derived before each run
  P_v_m, P_i_in, P_z_in, P_adapt, theta, lower, refractory_steps, isp_interval_steps, surrogate_code, flush_interval,
};
// clang-format on
enum Obj : int { kSurrogateFunction };
enum Channel : int { kSpikes, kCurrent, kChannels };  // the readout's; the recurrent neurons' are their base's

constexpr eprop::RecurrentColumns kColumns{
    E_L,        V_th, adapt_beta, ignore_and_spike_offset, learning_signal, surrogate_gradient,
    adaptation, v,    v_th_adapt, adaptation_seen,         isp_until,       isp_offset_seen};

template <bool kAdapt>
class EpropIafBss final : public eprop::RecurrentPopulation<kAdapt> {
  using Base = eprop::RecurrentPopulation<kAdapt>;
  using Base::archive_, Base::col, Base::emit, Base::first_gid_, Base::h_, Base::input_, Base::model_name_, Base::n_,
      Base::num_, Base::obj_, Base::prepare_input, Base::report_archive_errors, Base::sample;
  using Base::kChannels, Base::kCurrent, Base::kSpikes;

 public:
  // The readouts' learning signals land three steps before the event's stamp.
  explicit EpropIafBss(const ModelInfo& info)
      : Base(info, kAdapt ? EpropArchive::Kind::kBssRecurrentAdapt : EpropArchive::Kind::kBssRecurrent, kColumns, 3) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    archive_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P_v_m) = std::exp(-h_ / c(tau_m));
      c(P_i_in) = c(tau_m) / c(C_m) * (1.0 - c(P_v_m));
      c(P_z_in) = c(regular_spike_arrival) != 0.0 ? 1.0 : 1.0 - c(P_v_m);
      c(P_adapt) = kAdapt ? std::exp(-h_ / c(adapt_tau)) : 0.0;
      c(theta) = c(V_th) - c(E_L);
      c(lower) = c(V_min) - c(E_L);
      c(refractory_steps) = static_cast<double>(rc.grid->ms_to_steps(c(t_ref)));
      c(isp_interval_steps) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_interval)));
      if (c(isp_until) < 0.0) c(isp_until) = static_cast<double>(rc.grid->ms_to_steps(c(ignore_and_spike_offset)));
      c(surrogate_code) = static_cast<double>(
          eprop::surrogate_by_name(model_name_, std::get<std::string>(obj_[kSurrogateFunction][i])));
      c(flush_interval) = static_cast<double>(flush_steps(*rc.grid, c(flush_event_send_interval)));
      EpropNodeConstants& k = archive_->constants(i);
      k.P_v_m = c(P_v_m);
      k.P_z_in = c(P_z_in);
      k.P_adapt = c(P_adapt);
      k.adapt_beta = kAdapt ? c(adapt_beta) : 0.0;
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    report_archive_errors();
    const Intervals iv = intervals(ctx);
    const long U = iv.update_interval;
    if (begin == 0) {
      archive_->update_interval = U;
      archive_->learning_window = iv.learning_window;
    }
    const long shift = 2;
    double *V = col(v), *I = col(i_in), *R = col(r), *Z = col(z), *until = col(isp_until), *N = col(n_spikes);
    double *L = col(learning_signal), *psi = col(surrogate_gradient), *A = col(adaptation), *VTA = col(v_th_adapt);
    const double *pv = col(P_v_m), *pi = col(P_i_in), *pz = col(P_z_in), *pa = col(P_adapt), *th = col(theta);
    const double *lo = col(lower), *ie = col(I_e), *beta = col(adapt_beta), *hgt = col(surrogate_gradient_height);
    const double *wid = col(surrogate_gradient_width), *refr = col(refractory_steps), *code = col(surrogate_code);
    const double *forced = col(ignore_and_spike), *interval = col(isp_interval_steps), *creg = col(c_reg);
    const double *ftarget = col(f_target), *flush_every = col(flush_interval);
    double* last = col(last_event);
    for (long lag = from; lag < to; ++lag) {
      const long t = ctx.slice_origin + lag;
      const long interval_step = (t - shift) % U;  // negative before the first interval, as in NEST
      double* in_spk = input_.row(kSpikes, t);
      double* in_cur = input_.row(kCurrent, t);
      for (std::size_t i = begin; i < end; ++i) {
        if (interval_step == 0) {
          if (archive_->recording(i)) archive_->erase_used_intervals(i);
          if (iv.reset) {
            V[i] = R[i] = Z[i] = 0.0;
            if constexpr (kAdapt) A[i] = 0.0;
          }
        }
        if (R[i] > 0.0) R[i] -= 1.0;
        V[i] = pi[i] * I[i] + pz[i] * in_spk[i] + pv[i] * V[i];
        V[i] -= th[i] * Z[i];
        V[i] = std::max(V[i], lo[i]);
        if constexpr (kAdapt) {
          A[i] = pa[i] * A[i] + Z[i];
          VTA[i] = th[i] + beta[i] * A[i];
        }
        Z[i] = 0.0;
        const double threshold = kAdapt ? VTA[i] : th[i];
        psi[i] =
            eprop::surrogate_gradient(static_cast<eprop::Surrogate>(code[i]), R[i], V[i], threshold, hgt[i], wid[i]);
        bool spike;
        if (forced[i] != 0.0) {
          until[i] -= 1.0;
          spike = until[i] == 0.0;
          if (spike) until[i] = interval[i];
        } else {
          spike = V[i] >= threshold && R[i] == 0.0;
        }
        if (spike) {
          N[i] += 1.0;
          emit(ctx, i, t + 1);
          Z[i] = 1.0;
          R[i] = refr[i];
          last[i] = static_cast<double>(t);
        } else if (last[i] > 0.0 && static_cast<double>(t) - last[i] >= flush_every[i]) {
          // Silent for flush_event_send_interval since the last spike or flush event.
          ctx.spikes->push_back(EmittedSpike::marker(first_gid_ + static_cast<uint32_t>(i), t + 1));
          last[i] = static_cast<double>(t);
        }
        if (EpropEntry* e = archive_->append(i, t)) e->signal = psi[i];
        if (interval_step == U - 1) {
          if (archive_->recording(i)) {
            const double f_av = N[i] / static_cast<double>(U);
            archive_->add_firing_rate_reg(i, t + 1, creg[i] * (f_av - ftarget[i] * h_) / static_cast<double>(U));
          }
          N[i] = 0.0;
        }
        // The learning signal of a step arrives three steps later.
        L[i] = archive_->recording(i) ? archive_->learning_signal(i, t - 3) : 0.0;
        I[i] = in_cur[i] + ie[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(t, begin, end);
    }
  }
};

template <bool kAdapt>
ModelInfo make_iaf_info(const std::string& name) {
  ModelInfo m(name, NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "eprop";
  m.archiving = false;  // an e-prop history, not NEST's ArchivingNode: STDP synapses are refused
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(c_reg, "c_reg", 0.0, "", non_negative(), "Coefficient of firing rate regularization")
      .param(E_L, "E_L", -70.0, "mV", {}, "Leak / resting membrane potential")
      .param(f_target, "f_target", 0.01, "", non_negative(),
             "Target firing rate of rate regularization (set in spikes/s, shown in spikes/ms as NEST)")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant external input current")
      .flag(regular_spike_arrival, "regular_spike_arrival", true,
            "Input spikes arrive at the end (true) or the beginning (false) of a step")
      .param(surrogate_gradient_height, "surrogate_gradient_height", 0.3, "", positive(),
             "Height of the surrogate gradient")
      .param(surrogate_gradient_width, "surrogate_gradient_width", 1.0, "", positive(),
             "Width of the surrogate gradient")
      .param(t_ref, "t_ref", 2.0, "ms", non_negative(), "Duration of the refractory period")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Time constant of the membrane")
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of the membrane")
      .param(V_th, "V_th", -55.0, "mV", {}, "Spike threshold voltage")
      .param(flush_event_send_interval, "flush_event_send_interval", std::numeric_limits<double>::infinity(), "ms",
             positive(), "Inactivity after which a flush event updates the outgoing e-prop synapses")
      .flag(ignore_and_spike, "ignore_and_spike", false, "Spike at fixed intervals, ignoring the dynamics")
      .param(ignore_and_spike_offset, "ignore_and_spike_offset", 1.0, "ms", positive(),
             "Time of the first forced spike")
      .param(ignore_and_spike_interval, "ignore_and_spike_interval", 100.0, "ms", positive(),
             "Interval between forced spikes");
  if (kAdapt)
    m.param(adapt_beta, "adapt_beta", 1.0, "", non_negative(), "Prefactor of the threshold adaptation")
        .param(adapt_tau, "adapt_tau", 10.0, "ms", positive(), "Time constant of the threshold adaptation");
  else
    m.internal(adapt_beta, "_adapt_beta").internal(adapt_tau, "_adapt_tau");
  eprop::declare_recurrent_state(m, kAdapt, kColumns, v, flush_interval);
  m.validate = [name](const ParamRow& row) {
    eprop::validate_recurrent(name, row);
    restart_forced_spikes_if_given(row, isp_offset_seen);
    // NEST checks the flush interval against the kernel's update interval at every change.
    const double interval = eprop_kernel_settings_of_grid(row.grid).update_interval;
    if (const double flush = row.num("flush_event_send_interval"); flush < interval) {
      std::ostringstream m;
      m << name << ": flush_event_send_interval >= eprop_update_interval required, got " << flush << " ms < "
        << interval << " ms.";
      throw BadProperty(m.str());
    }
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<EpropIafBss<kAdapt>>(info); };
  return m;
}

// ----------------------------------------------------------------------------------------
// eprop_readout_bsshslm_2020

// clang-format off
enum RCol : int {
  rC_m, rE_L, rI_e, r_regular_spike_arrival, r_tau_m, rV_min,
  r_error_signal, r_readout_signal, r_readout_signal_unnorm, r_target_signal,
  // state: v relative to E_L, input current, the other readouts' normalisation sum
  r_v, r_i_in, r_norm_rate,
  // constants derived before each run
  rP_v_m, rP_i_in, rP_z_in, r_lower, r_cross_entropy,
};
// clang-format on
enum RObj : int { kLoss };
enum Port : long { kReadoutPort = 1, kTargetPort = 2 };

class EpropReadoutBss final : public eprop::EpropPopulation {
 public:
  explicit EpropReadoutBss(const ModelInfo& info) : EpropPopulation(info, EpropArchive::Kind::kBssReadout) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    md_ = rc.min_delay;
    const std::size_t len = n_ * static_cast<std::size_t>(md_);
    // A run that continues the last one routes the last interval's values first: keep them.
    if (errors_.size() != len) errors_.assign(len, 0.0);
    if (unnorm_.size() != len) unnorm_.assign(len, 0.0);
    archive_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(rP_v_m) = std::exp(-h_ / c(r_tau_m));
      c(rP_i_in) = c(r_tau_m) / c(rC_m) * (1.0 - c(rP_v_m));
      c(rP_z_in) = c(r_regular_spike_arrival) != 0.0 ? 1.0 : 1.0 - c(rP_v_m);
      c(r_lower) = c(rV_min) - c(rE_L);
      c(r_cross_entropy) = std::get<std::string>(obj_[kLoss][i]) == "cross_entropy" ? 1.0 : 0.0;
      EpropNodeConstants& k = archive_->constants(i);
      k.P_v_m = c(rP_v_m);
      k.P_z_in = c(rP_z_in);
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    report_archive_errors();
    const Intervals iv = intervals(ctx);
    const long U = iv.update_interval;
    if (begin == 0) {
      archive_->update_interval = U;
      archive_->learning_window = iv.learning_window;
    }
    const long shift = 3;
    double *V = col(r_v), *I = col(r_i_in), *E = col(r_error_signal), *Y = col(r_readout_signal);
    double *Yu = col(r_readout_signal_unnorm), *T = col(r_target_signal), *norm = col(r_norm_rate);
    const double *pv = col(rP_v_m), *pi = col(rP_i_in), *pz = col(rP_z_in), *lo = col(r_lower), *ie = col(rI_e);
    const double *el = col(rE_L), *ce = col(r_cross_entropy);
    const std::size_t md = static_cast<std::size_t>(md_);
    for (long lag = from; lag < to; ++lag) {
      const long t = ctx.slice_origin + lag;
      const long interval_step = (t - shift) % U;
      const long interval_step_signals = (t - shift - 1) % U;
      double* in_spk = input_.row(kSpikes, t);
      double* in_cur = input_.row(kCurrent, t);
      for (std::size_t i = begin; i < end; ++i) {
        if (interval_step == 0) {
          if (archive_->recording(i)) archive_->erase_used_intervals(i);
          if (iv.reset) V[i] = 0.0;
        }
        V[i] = pi[i] * I[i] + pz[i] * in_spk[i] + pv[i] * V[i];
        V[i] = std::max(V[i], lo[i]);
        if (ce[i] != 0.0) {
          Y[i] = Yu[i] / (norm[i] + Yu[i]);
          Yu[i] = std::exp(V[i] + el[i]);
        } else {
          Y[i] = Yu[i];
          Yu[i] = V[i] + el[i];
        }
        E[i] = Y[i] - T[i];
        if (interval_step_signals < U - iv.learning_window) T[i] = Y[i] = E[i] = 0.0;
        norm[i] = 0.0;
        errors_[i * md + static_cast<std::size_t>(lag)] = E[i];
        unnorm_[i * md + static_cast<std::size_t>(lag)] = Yu[i];
        if (EpropEntry* e = archive_->append(i, t - 1)) e->signal = E[i];
        I[i] = in_cur[i] + ie[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(t, begin, end);
    }
  }

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(kSpikes, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  // Target signal (port 2) and the other readouts' unnormalised signals (port 1, summed):
  // the interval's first value, weighted, as NEST takes it.
  void deliver_secondary(const SecondaryBatch& b) override {
    if (b.kind != Secondary::kDelayedRate || b.length == 0) return;
    if (b.receptor == kTargetPort) {
      double* dst = col(r_target_signal);
      for (std::size_t k = 0; k < b.count; ++k) dst[b.target[k] - first_gid_] = b.weight[k] * b.values[0];
    } else {
      double* dst = col(r_norm_rate);
      for (std::size_t k = 0; k < b.count; ++k) dst[b.target[k] - first_gid_] += b.weight[k] * b.values[0];
    }
  }

  // Error signals to the recurrent nodes; with cross_entropy the unnormalised readout
  // signals to the other readouts.
  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    const std::size_t md = static_cast<std::size_t>(md_);
    length = 0;
    if (kind == Secondary::kLearningSignal) {
      length = md;
      return errors_.data() + i * md;
    }
    if (kind == Secondary::kDelayedRate && num_[r_cross_entropy][i] != 0.0) {
      length = md;
      return unnorm_.data() + i * md;
    }
    return nullptr;
  }

  double recordable(int rec, std::size_t i) const override {
    const std::string& name = info_->recordables[static_cast<std::size_t>(rec)];
    if (name == "V_m") return num_[r_v][i] + num_[rE_L][i];
    if (name == "eprop_history_duration")
      return h_ * static_cast<double>(archive_->recording(i) ? archive_->length(i) : 0);
    if (name == "error_signal") return num_[r_error_signal][i];
    if (name == "readout_signal") return num_[r_readout_signal][i];
    if (name == "readout_signal_unnorm") return num_[r_readout_signal_unnorm][i];
    return num_[r_target_signal][i];
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[r_v][i] + num_[rE_L][i];
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[r_v][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[rE_L][i];
  }

 private:
  double h_ = 1.0;
  long md_ = 1;
  std::vector<double> errors_;  // the interval's error signals, per node
  std::vector<double> unnorm_;  // the interval's unnormalised readout signals, per node
};

ModelInfo make_readout_info() {
  const std::string name = "eprop_readout_bsshslm_2020";
  ModelInfo m(name, NodeKind::kNeuron, "https://nest-simulator.readthedocs.io/en/stable/models/" + name + ".html");
  m.family = "eprop";
  m.archiving = false;
  m.param(rC_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(rE_L, "E_L", 0.0, "mV", {}, "Leak / resting membrane potential")
      .param(rI_e, "I_e", 0.0, "pA", {}, "Constant external input current")
      .flag(r_regular_spike_arrival, "regular_spike_arrival", true,
            "Input spikes arrive at the end (true) or the beginning (false) of a step")
      .param(r_tau_m, "tau_m", 10.0, "ms", positive(), "Time constant of the membrane")
      .param(rV_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of the membrane")
      .state(r_error_signal, "error_signal", 0.0, "", "Error signal")
      .state(r_readout_signal, "readout_signal", 0.0, "", "Readout signal")
      .state(r_readout_signal_unnorm, "readout_signal_unnorm", 0.0, "", "Unnormalized readout signal")
      .state(r_target_signal, "target_signal", 0.0, "", "Target signal");
  for (int c = r_v; c <= r_cross_entropy; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.object("loss", PType::kString, std::string("mean_squared_error"), "",
           "Loss function (mean_squared_error, cross_entropy)");
  m.derived_state("V_m", 0.0, "mV", "Membrane voltage");
  m.recordables = {"V_m",          "eprop_history_duration", "error_signal", "readout_signal", "readout_signal_unnorm",
                   "target_signal"};
  m.receptor_types = {{"readout_signal", kReadoutPort}, {"target_signal", kTargetPort}};
  m.secondary_in = secondary_bit(Secondary::kDelayedRate);
  m.secondary_out = secondary_bit(Secondary::kLearningSignal) | secondary_bit(Secondary::kDelayedRate);
  m.secondary_receptors = {kReadoutPort, kTargetPort};
  m.check_source = [name](const ModelInfo& source, long receptor) -> std::string {
    if (source.name == "step_rate_generator" && receptor != kTargetPort)
      return name + " neurons expect a connection with a step_rate_generator node through receptor_type 2 (got " +
             std::to_string(receptor) + ").";
    return {};
  };
  m.validate = [name](const ParamRow& row) {
    const std::string loss = std::get<std::string>(row.get("loss"));
    if (loss != "mean_squared_error" && loss != "cross_entropy")
      throw BadProperty(name + ": loss = \"" + loss +
                        "\" is unknown; allowed: \"mean_squared_error\", \"cross_entropy\"");
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<EpropReadoutBss>(info); };
  return m;
}

}  // namespace

const ModelInfo& eprop_iaf_bsshslm_2020_model() {
  static const ModelInfo info = make_iaf_info<false>("eprop_iaf_bsshslm_2020");
  return info;
}
const ModelInfo& eprop_iaf_adapt_bsshslm_2020_model() {
  static const ModelInfo info = make_iaf_info<true>("eprop_iaf_adapt_bsshslm_2020");
  return info;
}
const ModelInfo& eprop_readout_bsshslm_2020_model() {
  static const ModelInfo info = make_readout_info();
  return info;
}

}  // namespace nestkit
