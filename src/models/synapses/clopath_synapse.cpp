// clopath_synapse: voltage-based STDP (Clopath et al. 2010) as NEST 3.10. The
// postsynaptic neuron records the depression amount and the potentiation density
// from its filtered membrane potentials (ClopathArchive); at each presynaptic
// spike t the synapse, with its whole delay d counted as dendritic,
//   1. potentiates by dw_j * x_bar(t_j + d) for every LTP entry t_j in
//      (t_last - d, t - d], x_bar decayed from the last spike (capped at Wmax),
//   2. depresses by the LTD amount recorded at t - d (floored at Wmin),
//   3. advances its presynaptic trace x_bar (jumps by 1 / tau_x).
#include <cmath>

#include "models/synapses/families.hpp"
#include "nestkit/clopath_archive.hpp"

namespace nestkit::synapses {
namespace {

enum ClopathCol : int { tau_x, Wmin, Wmax, x_bar, t_last };

void send_clopath(SynapseSpike& s) {
  const double t = s.t_spike;
  for_each_synapse(
      s,
      [&](std::size_t k, const double* r) {
        const double d = s.delay_ms(k);
        const std::size_t post = s.target[k] - s.post_first;
        double w = s.weight[k];
        const auto [a, b] = s.clopath->ltp_history(post, r[t_last] - d, t - d);
        for (const ClopathEntry* e = a; e != b; ++e) {
          const double minus_dt = r[t_last] - (e->t + d);
          w += e->dw * (r[x_bar] * std::exp(minus_dt / r[tau_x]));
          w = w < r[Wmax] ? w : r[Wmax];
        }
        w -= s.clopath->ltd_value(post, t - d);
        w = w > r[Wmin] ? w : r[Wmin];
        s.weight[k] = s.out_weight[k] = w;
      },
      [&](double* r) {
        r[x_bar] = r[x_bar] * std::exp((r[t_last] - t) / r[tau_x]) + 1.0 / r[tau_x];
        r[t_last] = t;
      });
}

// The sign of a value as NEST's set_status compares them: +1 or -1.
int sign_ge(double v) { return (v >= 0) - (v < 0); }
int sign_gt(double v) { return (v > 0) - (v <= 0); }

SynapseInfo make_clopath() {
  SynapseInfo s("clopath_synapse", "Voltage-based STDP (Clopath et al. 2010)");
  s.param(tau_x, "tau_x", 15.0, "ms", {}, "Time constant of the presynaptic trace x_bar")
      .param(Wmin, "Wmin", 0.0, "", {}, "Minimum allowed weight")
      .param(Wmax, "Wmax", 100.0, "", {}, "Maximum allowed weight")
      .state(x_bar, "x_bar", 0.0, "", {}, "Low-pass filtered presynaptic spike train")
      .hidden(t_last, "_t_lastspike", 0.0);
  s.plastic = true;
  // Registers with the target like every STDP-type synapse (NEST's
  // register_stdp_connection), and reads the Clopath history.
  s.needs_archive = true;
  s.needs_clopath = true;
  s.check = [](const auto& v) {
    const double w = v("weight");
    if (sign_ge(w) != sign_ge(v("Wmin"))) throw BadProperty("Weight and Wmin must have same sign.");
    if (sign_ge(w) != sign_gt(v("Wmax"))) throw BadProperty("Weight and Wmax must have same sign.");
  };
  s.send = send_clopath;
  return s;
}

}  // namespace

void register_clopath(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo clopath = make_clopath();
  out.push_back(&clopath);
}

}  // namespace nestkit::synapses
