// Brunel (2000) network with alpha PSCs through the C++ API only (no Python):
// NEST's brunel_alpha at a given order. Prints one JSON line like ../../shared/bench/brunel.py.
//   nestkit_brunel [order=2500] [simtime_ms=1000] [threads=1] [seed=1]
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "nestkit/simulator.hpp"

namespace {
// PSC amplitude giving a 1 mV PSP peak for alpha currents; the peak time by a
// golden-section search of the (unimodal) PSP shape.
double psp_norm(double tau_m, double tau_s, double c_m) {
  const double b = 1.0 / tau_s - 1.0 / tau_m;
  auto shape = [&](double t) { return (std::exp(-t / tau_m) - std::exp(-t / tau_s)) / b - t * std::exp(-t / tau_s); };
  double lo = 0.0, hi = 10.0 * tau_m;
  const double r = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int i = 0; i < 200; ++i) {
    const double a1 = hi - r * (hi - lo), a2 = lo + r * (hi - lo);
    if (shape(a1) < shape(a2))
      lo = a1;
    else
      hi = a2;
  }
  const double t = 0.5 * (lo + hi);
  return 1.0 / (std::exp(1.0) / (tau_s * c_m * b) * shape(t));
}
}  // namespace

int main(int argc, char** argv) {
  using nestkit::Dict;
  const long order = argc > 1 ? std::atol(argv[1]) : 2500;
  const double simtime = argc > 2 ? std::atof(argv[2]) : 1000.0;
  const long threads = argc > 3 ? std::atol(argv[3]) : 1;
  const long seed = argc > 4 ? std::atol(argv[4]) : 1;
  const long ne = 4 * order, ni = order, ce = ne / 10, ci = ni / 10;
  const double tau_m = 20.0, tau_s = 0.5, c_m = 250.0, theta = 20.0, g = 5.0, eta = 2.0, delay = 1.5, j = 0.1;
  const double j_ex = j * psp_norm(tau_m, tau_s, c_m), nu_th = theta / (j * ce * tau_m);
  const double p_rate = 1000.0 * eta * nu_th * ce;

  const auto t0 = std::chrono::steady_clock::now();
  nestkit::Simulator sim;
  sim.set_kernel_status({{"resolution", 0.1}, {"local_num_threads", threads}, {"rng_seed", seed}});
  const Dict params = {{"C_m", c_m}, {"tau_m", tau_m}, {"tau_syn_ex", tau_s}, {"tau_syn_in", tau_s}, {"t_ref", 2.0},
                       {"E_L", 0.0}, {"V_reset", 0.0}, {"V_m", 0.0},          {"V_th", theta}};
  auto exc = sim.create("iaf_psc_alpha", ne, params);
  auto inh = sim.create("iaf_psc_alpha", ni, params);
  auto noise = sim.create("poisson_generator", 1, {{"rate", p_rate}});
  auto spikes = sim.create("spike_recorder");
  sim.copy_model("static_synapse", "excitatory", {{"weight", j_ex}, {"delay", delay}});
  sim.copy_model("static_synapse", "inhibitory", {{"weight", -g * j_ex}, {"delay", delay}});
  nestkit::SynSpec ex_syn, in_syn;
  ex_syn.synapse_model = "excitatory";
  in_syn.synapse_model = "inhibitory";
  const auto all = exc + inh;
  sim.connect(noise, all, {}, ex_syn);
  sim.connect(exc.slice(0, 50, 1), spikes);
  sim.connect(exc, all, {"fixed_indegree", {{"indegree", ce}}}, ex_syn);
  sim.connect(inh, all, {"fixed_indegree", {{"indegree", ci}}}, in_syn);
  const auto t1 = std::chrono::steady_clock::now();
  sim.simulate(simtime);
  const auto t2 = std::chrono::steady_clock::now();

  const double n_events = static_cast<double>(sim.events(spikes[0]).times.size());
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"backend\": \"nestkit-cpp\", \"order\": %ld, \"threads\": %ld, \"simtime_ms\": %.1f, \"build_s\": %.3f, "
      "\"sim_s\": %.3f, \"rate_hz\": %.3f, \"synapses\": %zu, \"bytes_per_synapse\": %.2f, \"peak_rss_mb\": %.1f}\n",
      order, threads, simtime, std::chrono::duration<double>(t1 - t0).count(),
      std::chrono::duration<double>(t2 - t1).count(), n_events / (50.0 * simtime / 1000.0), sim.num_connections(),
      sim.bytes_per_synapse(), ru.ru_maxrss / 1024.0);
  return 0;
}
