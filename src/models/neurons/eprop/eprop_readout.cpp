// eprop_readout: leaky readout neuron for e-prop plasticity, as NEST 3.10. Per step
// (v relative to E_L): v <- P_i_in i_in + z_in + P_v_m v, v >= V_min; the readout
// signal is v + E_L, the error signal readout - target; all three are then multiplied
// by the learning-window signal. The target and learning-window signals come from
// rate generators through rate_connection_delayed on receptor_type 2 (target_signal)
// and 1 (eprop_learning_window); each interval's value replaces the previous one (NEST
// takes the event's single value, which requires a min delay of one step). The error
// signals of an interval leave through eprop_learning_signal_connection, and go to the
// node's e-prop history for its incoming eprop_synapses.
#include <cmath>
#include <limits>

#include "models/neurons/eprop/eprop_common.hpp"
#include "models/neurons/eprop/eprop_models.hpp"

namespace nestkit {
namespace {

// clang-format off
enum Col : int {
  // parameters
  C_m, E_L, I_e, tau_m, V_min, eprop_isi_trace_cutoff,
  // state shown to users
  error_signal, readout_signal, target_signal,
  // state: v relative to E_L, input current, learning-window signal
  v, i_in, learning_window,
  // constants derived before each run
  P_v_m, P_i_in, lower,
};
// clang-format on
enum Channel : int { kSpikes, kCurrent, kChannels };
enum Rec : int { kVm, kHistoryDuration, kError, kReadout, kTarget };
enum Port : long { kLearningWindowPort = 1, kTargetPort = 2 };

class EpropReadout final : public eprop::EpropPopulation {
 public:
  explicit EpropReadout(const ModelInfo& info) : EpropPopulation(info, EpropArchive::Kind::kReadout) {}

  void prepare(const RunContext& rc) override {
    prepare_input(rc, kChannels);
    h_ = rc.grid->resolution();
    md_ = rc.min_delay;
    // A run that continues the last one routes the last interval's values first: keep them.
    if (sent_.size() != n_ * static_cast<std::size_t>(md_)) sent_.assign(n_ * static_cast<std::size_t>(md_), 0.0);
    archive_->resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      auto c = [&](int k) -> double& { return num_[k][i]; };
      c(P_v_m) = std::exp(-h_ / c(tau_m));
      c(P_i_in) = c(tau_m) / c(C_m) * (1.0 - c(P_v_m));
      c(lower) = c(V_min) - c(E_L);
      EpropNodeConstants& k = archive_->constants(i);
      k.P_v_m = c(P_v_m);
      k.cutoff = eprop::cutoff_steps(*rc.grid, c(eprop_isi_trace_cutoff));
    }
  }

  void update(StepContext& ctx, long from, long to, std::size_t begin, std::size_t end) override {
    report_archive_errors();
    double *V = col(v), *I = col(i_in), *E = col(error_signal), *Y = col(readout_signal), *T = col(target_signal);
    const double *pv = col(P_v_m), *pi = col(P_i_in), *lo = col(lower), *ie = col(I_e), *el = col(E_L);
    const double* lw = col(learning_window);
    for (long lag = from; lag < to; ++lag) {
      const long step = ctx.slice_origin + lag;
      double* in_spk = input_.row(kSpikes, step);
      double* in_cur = input_.row(kCurrent, step);
      for (std::size_t i = begin; i < end; ++i) {
        V[i] = pi[i] * I[i] + in_spk[i] + pv[i] * V[i];
        V[i] = std::max(V[i], lo[i]);
        Y[i] = V[i] + el[i];
        E[i] = Y[i] - T[i];
        T[i] *= lw[i];
        Y[i] *= lw[i];
        E[i] *= lw[i];
        sent_[i * static_cast<std::size_t>(md_) + static_cast<std::size_t>(lag)] = E[i];
        if (EpropEntry* e = archive_->append(i, step)) e->signal = E[i];
        I[i] = in_cur[i] + ie[i];
        in_spk[i] = in_cur[i] = 0.0;
      }
      sample(step, begin, end);
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

  // Target and learning-window signals: the interval's (first) value, weighted.
  void deliver_secondary(const SecondaryBatch& b) override {
    if (b.kind != Secondary::kDelayedRate || b.length == 0) return;
    double* dst = col(b.receptor == kTargetPort ? target_signal : learning_window);
    for (std::size_t k = 0; k < b.count; ++k) dst[b.target[k] - first_gid_] = b.weight[k] * b.values[0];
  }

  const double* secondary_values(Secondary kind, std::size_t i, std::size_t& length) const override {
    length = kind == Secondary::kLearningSignal ? static_cast<std::size_t>(md_) : 0;
    return length ? sent_.data() + i * static_cast<std::size_t>(md_) : nullptr;
  }

  double recordable(int r, std::size_t i) const override {
    switch (r) {
      case kVm:
        return num_[v][i] + num_[E_L][i];
      case kHistoryDuration:
        return h_ * static_cast<double>(archive_->recording(i) ? archive_->length(i) : 0);
      case kError:
        return num_[error_signal][i];
      case kReadout:
        return num_[readout_signal][i];
      default:
        return num_[target_signal][i];
    }
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[v][i] + num_[E_L][i];
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[v][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[E_L][i];
  }

 private:
  double h_ = 1.0;
  long md_ = 1;
  std::vector<double> sent_;  // the interval's error signals, per node
};

ModelInfo make_info() {
  ModelInfo m("eprop_readout", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/eprop_readout.html");
  m.family = "eprop";
  m.archiving = false;  // an e-prop history, not NEST's ArchivingNode: STDP synapses are refused
  m.param(C_m, "C_m", 250.0, "pF", positive(), "Capacitance of the membrane")
      .param(E_L, "E_L", 0.0, "mV", {}, "Leak / resting membrane potential")
      .param(I_e, "I_e", 0.0, "pA", {}, "Constant external input current")
      .param(tau_m, "tau_m", 10.0, "ms", positive(), "Time constant of the membrane")
      .param(V_min, "V_min", -std::numeric_limits<double>::max(), "mV", {}, "Absolute lower bound of the membrane")
      .param(eprop_isi_trace_cutoff, "eprop_isi_trace_cutoff", std::numeric_limits<double>::infinity(), "ms",
             non_negative(), "Cutoff of the e-prop trace integration after a spike")
      .state(error_signal, "error_signal", 0.0, "", "Error signal")
      .state(readout_signal, "readout_signal", 0.0, "", "Readout signal")
      .state(target_signal, "target_signal", 0.0, "", "Target signal");
  for (int c = v; c <= lower; ++c) m.internal(c, "_internal_" + std::to_string(c));
  m.derived_state("V_m", 0.0, "mV", "Membrane voltage");
  m.recordables = {"V_m", "eprop_history_duration", "error_signal", "readout_signal", "target_signal"};
  m.receptor_types = {{"eprop_learning_window", kLearningWindowPort}, {"target_signal", kTargetPort}};
  m.secondary_in = secondary_bit(Secondary::kDelayedRate);
  m.secondary_out = secondary_bit(Secondary::kLearningSignal);
  m.secondary_receptors = {kLearningWindowPort, kTargetPort};
  m.check_source = [](const ModelInfo& source, long receptor) -> std::string {
    if (source.name == "step_rate_generator" && receptor != kLearningWindowPort && receptor != kTargetPort)
      return "eprop_readout neurons expect a connection with a step_rate_generator node through receptor_type 1 "
             "or 2 (got " +
             std::to_string(receptor) + ").";
    return {};
  };
  m.make = [](const ModelInfo& info) { return std::make_unique<EpropReadout>(info); };
  return m;
}

}  // namespace

const ModelInfo& eprop_readout_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
