#pragma once
// Pieces shared by NEST 3.10's e-prop neurons: the surrogate gradients (pseudo-
// derivatives of the spike threshold), the parameters every e-prop node declares
// and the e-prop history they keep for eprop_synapse.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "models/neurons/neuron_base.hpp"
#include "nestkit/eprop_archive.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/schema.hpp"

namespace nestkit::eprop {

enum class Surrogate : int { kPiecewiseLinear, kExponential, kFastSigmoidDerivative, kArctanDerivative };

inline const char* const kSurrogateNames[] = {"piecewise_linear", "exponential", "fast_sigmoid_derivative",
                                              "arctan_derivative"};

// The surrogate gradient psi(v) with x = v_m - v_th: zero while refractory (r > 0),
// else height times a bump of the given width around the threshold.
inline double surrogate_gradient(Surrogate f, double r, double v_m, double v_th, double height, double width) {
  if (r > 0.0) return 0.0;
  const double x = v_m - v_th;
  switch (f) {
    case Surrogate::kPiecewiseLinear:
      return height * std::max(0.0, 1.0 - std::abs(x) / width);
    case Surrogate::kExponential:
      return height * std::exp(-std::abs(x) / width);
    case Surrogate::kFastSigmoidDerivative:
      return height * std::pow(1.0 + std::abs(x) / width, -2.0);
    case Surrogate::kArctanDerivative:
      return height / (1.0 + std::pow(x / width, 2.0));
  }
  return 0.0;
}

// The function named by surrogate_gradient_function, or a BadProperty listing the valid names.
inline Surrogate surrogate_by_name(const std::string& model, const std::string& name) {
  for (int k = 0; k < 4; ++k)
    if (name == kSurrogateNames[k]) return static_cast<Surrogate>(k);
  std::string allowed;
  for (const char* n : kSurrogateNames) allowed += std::string(allowed.empty() ? "" : ", ") + "\"" + n + "\"";
  throw BadProperty(model + ": surrogate_gradient_function = \"" + name + "\" is unknown; allowed: " + allowed);
}

// eprop_isi_trace_cutoff (ms) in steps; infinity (the default) as a bound no run reaches.
inline long cutoff_steps(const TimeGrid& grid, double ms) {
  constexpr long kNever = std::numeric_limits<long>::max() / 4;
  if (!std::isfinite(ms) || ms / grid.resolution() >= static_cast<double>(kNever)) return kNever;
  return grid.ms_to_steps(ms);
}

// NEST reads f_target in spikes/s and keeps (and shows) it in spikes/ms: a value the
// user gives is divided by 1000, as NEST's set_status does.
inline void convert_f_target(const ParamRow& row) {
  if (row.given("f_target")) {
    auto& v = const_cast<ParamRow&>(row).at("f_target");
    v = std::get<double>(v) / 1000.0;
  }
}

// A neuron population that keeps an e-prop history once an eprop_synapse targets it.
class EpropPopulation : public NeuronPopulation {
 public:
  EpropPopulation(const ModelInfo& info, EpropArchive::Kind kind)
      : NeuronPopulation(info), archive_(std::make_unique<EpropArchive>(kind)) {}
  EpropArchive* eprop_archive() const override { return archive_.get(); }

 protected:
  // Errors met while synapses read the history surface at the next update.
  void report_archive_errors() {
    if (std::string e = archive_->take_error(); !e.empty()) report_error(e);
  }
  std::unique_ptr<EpropArchive> archive_;
};

// The columns a recurrent e-prop neuron shares with its family (each model's own enum values).
struct RecurrentColumns {
  int E_L, V_th, adapt_beta, ignore_and_spike_offset;              // parameters
  int learning_signal, surrogate_gradient, adaptation;             // state shown to users
  int v, v_th_adapt, adaptation_seen, isp_until, isp_offset_seen;  // state: relative to E_L, bookkeeping
};

// What eprop_iaf(_adapt, _psc_delta...) and eprop_iaf(_adapt)_bsshslm_2020 share besides the
// dynamics: spike and current input (channels 0 and 1), the readouts' learning signals
// (written `learning_signal_offset` steps before the event's stamp: 2 for eprop_iaf, 3
// for the _bsshslm_2020 models), the recordables and V_m / V_th_adapt shown relative to E_L.
template <bool kAdapt>
class RecurrentPopulation : public EpropPopulation {
 public:
  enum Channel : int { kSpikes, kCurrent, kChannels };

  RecurrentPopulation(const ModelInfo& info, EpropArchive::Kind kind, const RecurrentColumns& c,
                      long learning_signal_offset)
      : EpropPopulation(info, kind), c_(c), learning_signal_offset_(learning_signal_offset) {}

  void deliver_spikes(const SpikeBatch& b) override {
    for (std::size_t k = 0; k < b.count; ++k) {
      const uint32_t m = multiplicity(b, k);
      if (m == 0) continue;
      input_.add(kSpikes, b.stamp + b.delay[k] - 1, b.target[k] - first_gid_, b.weight[k] * b.weight_factor * m);
    }
  }
  void deliver_current(const CurrentBatch& b) override { deliver_current_to(b, kCurrent); }

  // The readouts' error signals: NEST stamps the event with the interval's first step + 1
  // and adds every value to the history entry learning_signal_offset steps before that stamp.
  void deliver_secondary(const SecondaryBatch& b) override {
    if (b.kind != Secondary::kLearningSignal) return;
    const long entry = b.origin + 1 - learning_signal_offset_;
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t t = b.target[k] - first_gid_;
      if (!archive_->recording(t)) continue;
      for (std::size_t j = 0; j < b.length; ++j) archive_->add_learning_signal(t, entry, b.weight[k] * b.values[j]);
    }
  }

  double recordable(int rec, std::size_t i) const override {
    const std::string& name = info_->recordables[static_cast<std::size_t>(rec)];
    if (name == "V_m") return num_[c_.v][i] + num_[c_.E_L][i];
    if (name == "eprop_history_duration")
      return h_ * static_cast<double>(archive_->recording(i) ? archive_->length(i) : 0);
    if (name == "learning_signal") return num_[c_.learning_signal][i];
    if (name == "surrogate_gradient") return num_[c_.surrogate_gradient][i];
    if (name == "adaptation") return num_[c_.adaptation][i];
    return num_[c_.v_th_adapt][i] + num_[c_.E_L][i];  // V_th_adapt
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("V_m")] = num_[c_.v][i] + num_[c_.E_L][i];
    if constexpr (kAdapt) row[info_->index_of("V_th_adapt")] = num_[c_.v_th_adapt][i] + num_[c_.E_L][i];
  }
  void write_derived(std::size_t i, const std::vector<Value>& row) override {
    num_[c_.v][i] = std::get<double>(row[info_->index_of("V_m")]) - num_[c_.E_L][i];
    if constexpr (kAdapt) {
      // The adaptive threshold follows a newly set adaptation (NEST sets it only that way);
      // otherwise it keeps its absolute value when E_L changes, like V_m.
      if (num_[c_.adaptation][i] != num_[c_.adaptation_seen][i])
        num_[c_.v_th_adapt][i] = num_[c_.V_th][i] - num_[c_.E_L][i] + num_[c_.adapt_beta][i] * num_[c_.adaptation][i];
      else
        num_[c_.v_th_adapt][i] = std::get<double>(row[info_->index_of("V_th_adapt")]) - num_[c_.E_L][i];
      num_[c_.adaptation_seen][i] = num_[c_.adaptation][i];
    }
    const double offset = std::get<double>(row[info_->index_of("ignore_and_spike_offset")]);
    if (offset != num_[c_.isp_offset_seen][i]) {
      num_[c_.isp_offset_seen][i] = offset;
      num_[c_.isp_until][i] = -1.0;
    }
  }

  double h_ = 1.0;  // the resolution (set by prepare)

 private:
  RecurrentColumns c_;
  long learning_signal_offset_;
};

// The declarations of a recurrent e-prop neuron after its parameters: the state shown to
// users (learning_signal, surrogate_gradient, adaptation of the adaptive models, internal
// otherwise), the internal columns first_internal .. last_internal, the surrogate gradient
// function, V_m (and V_th_adapt), the recordables and the learning-signal input.
inline void declare_recurrent_state(ModelInfo& m, bool adapt, const RecurrentColumns& c, int first_internal,
                                    int last_internal) {
  m.state(c.learning_signal, "learning_signal", 0.0, "pA", "Learning signal")
      .state(c.surrogate_gradient, "surrogate_gradient", 0.0, "", "Surrogate gradient / pseudo-derivative");
  if (adapt)
    m.state(c.adaptation, "adaptation", 0.0, "", "Adaptation variable");
  else
    m.internal(c.adaptation, "_adaptation");
  for (int k = first_internal; k <= last_internal; ++k) m.internal(k, "_internal_" + std::to_string(k));
  m.object("surrogate_gradient_function", PType::kString, std::string("piecewise_linear"), "",
           "Surrogate gradient / pseudo-derivative function (piecewise_linear, exponential, "
           "fast_sigmoid_derivative, arctan_derivative)");
  m.derived_state("V_m", -70.0, "mV", "Membrane voltage");
  if (adapt) {
    m.derived_state("V_th_adapt", -55.0, "mV", "Adaptive spike threshold voltage");
    m.recordables = {
        "V_m", "V_th_adapt", "adaptation", "eprop_history_duration", "learning_signal", "surrogate_gradient"};
  } else {
    m.recordables = {"V_m", "eprop_history_duration", "learning_signal", "surrogate_gradient"};
  }
  m.secondary_in = secondary_bit(Secondary::kLearningSignal);
}

// The checks every recurrent e-prop neuron makes (f_target in spikes/s, the surrogate
// gradient's name, V_th >= V_min).
inline void validate_recurrent(const std::string& name, const ParamRow& row) {
  convert_f_target(row);
  surrogate_by_name(name, std::get<std::string>(row.get("surrogate_gradient_function")));
  if (row.num("V_th") < row.num("V_min")) throw BadProperty(name + ": V_th >= V_min required.");
}

}  // namespace nestkit::eprop
