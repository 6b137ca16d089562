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

}  // namespace nestkit::eprop
