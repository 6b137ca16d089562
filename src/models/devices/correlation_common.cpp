// Declarations and checks shared by the correlation detectors.
#include "models/devices/correlation_common.hpp"

#include <cmath>
#include <sstream>

namespace nestkit::devices::corr {

void declare_params(ModelInfo& m, double delta_tau_default_ms, long steps, double tau_max_default_ms,
                    bool n_channels_param) {
  // A node with proxies in NEST: spikes reach it like a neuron's input (next slice),
  // but it shows as a recorder.
  m.family = "detector";
  m.element_type = "recorder";
  declare_window(m);
  // NaN: resolved against the kernel's resolution when a node is created.
  m.param(delta_tau, "delta_tau", std::nan(""), "ms", positive(), "Width of a histogram bin")
      .param(tau_max, "tau_max", tau_max_default_ms, "ms", non_negative(),
             "One-sided width of the histogram (a multiple of delta_tau)")
      .param(Tstart, "Tstart", 0.0, "ms", {}, "Spikes before this time are not counted")
      .param(Tstop, "Tstop", std::numeric_limits<double>::infinity(), "ms", {},
             "Spikes after this time are not counted");
  if (n_channels_param)
    m.integer(N_channels, "N_channels", 1, at_least(1), "Number of input channels (receptor_type 0 to N_channels-1)");
  else
    m.internal(N_channels, "_channels");
  m.internal(kReset, "_reset");
  m.emits_spikes = false;
  m.accepts_current = false;
  m.archiving = false;
  const auto k = static_cast<std::size_t>(m.index_of("delta_tau"));
  m.resolve_defaults = [delta_tau_default_ms, steps, k](const TimeGrid& g, std::vector<Value>& row) {
    // NEST's default is fixed at the default resolution and replaced by `steps`
    // resolutions when the resolution makes it off-grid.
    auto& dt = std::get<double>(row[k]);
    if (std::isnan(dt)) dt = g.on_grid(delta_tau_default_ms) ? delta_tau_default_ms : steps * g.resolution();
  };
}

void validate_params(const ParamRow& row, const std::string& model) {
  validate_window(row, model);
  for (const char* k : {"delta_tau", "tau_max", "Tstart", "Tstop"}) {
    const double v = row.num(k);
    if (std::isnan(v) || (std::isinf(v) && std::string(k) != "Tstop"))
      throw BadProperty(model + ": " + k + " = " + std::to_string(v) + " must be a finite number.");
  }
  if (!row.grid) return;
  const TimeGrid& g = *row.grid;
  const double dt = row.num("delta_tau"), tm = row.num("tau_max");
  if (!g.on_grid(dt)) {
    std::ostringstream s;
    s << model << ": delta_tau = " << dt << " ms must be a multiple of the resolution " << g.resolution() << " ms.";
    throw BadProperty(s.str());
  }
  const long dts = g.ms_to_tics(dt), tms = g.ms_to_tics(tm);
  if (dts <= 0 || tms % dts != 0) {
    std::ostringstream s;
    s << model << ": tau_max = " << tm << " ms must be a multiple of delta_tau = " << dt << " ms.";
    throw BadProperty(s.str());
  }
}

void mark_reset(const ParamRow& row, const std::vector<std::string>& keys) {
  for (const auto& k : keys) {
    if (!row.given(k)) continue;
    // The row being validated is the one about to be written; the mark travels
    // with it to write_derived.
    const_cast<ParamRow&>(row).at("_reset") = 1.0;
    return;
  }
}

}  // namespace nestkit::devices::corr
