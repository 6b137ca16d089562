// Neuron updates per second of the RKF45-integrated models (aeif_cond_alpha,
// hh_psc_alpha) under DC drive: nestkit's production path (structure-of-arrays
// populations stepped by the lock-step lane stepper, integrators/rkf45_lanes.hpp)
// against a straightforward baseline written here: one object per neuron
// holding its own parameters and state, the right-hand side reached through a
// function pointer plus void* (the shape of GSL's gsl_odeiv_system, as NEST uses
// it), stepped with the scalar integrators::evolve_apply and the same per-step
// spike logic, looped neuron by neuron. Both paths must produce the same spikes;
// the program checks the total count and every neuron's count, and exits
// non-zero on a mismatch.
//
//   nestkit_ode_update [reps=3] [scale=1.0]
// `scale` multiplies the simulated biological times (see kCases). One JSON line
// per (model, n, threads, variant); each time is the best of `reps` runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "integrators/rkf45.hpp"
#include "nestkit/simulator.hpp"

namespace {

namespace ig = nestkit::integrators;
constexpr double kResolution = 0.1;  // ms

// --- the baseline's type-erased ODE system -------------------------------------
// As gsl_odeiv_system: the stepper sees only a function pointer and an opaque
// parameter block, so every right-hand-side evaluation is an indirect call the
// compiler cannot inline.
struct OdeSystem {
  int (*function)(double t, const double* y, double* dydt, void* params);
  void* params;
};

// Adapts OdeSystem to the callable evolve_apply expects. It is deliberately
// opaque: the call goes through the pointer loaded from the neuron's object.
struct ErasedRhs {
  const OdeSystem* sys;
  bool operator()(double t, const double* y, double* dydt) const { return sys->function(t, y, dydt, sys->params) == 0; }
};

// --- aeif_cond_alpha, one object per neuron ---------------------------------------
struct AeifNeuron {
  // Parameters (NEST defaults; I_e set per neuron).
  double V_peak = 0.0, V_reset = -60.0, t_ref = 0.0, g_L = 30.0, C_m = 281.0, E_L = -70.6, Delta_T = 2.0, tau_w = 144.0,
         a = 4.0, b = 80.5, V_th = -50.4, I_e = 0.0, E_ex = 0.0, E_in = -85.0, tau_syn_ex = 0.2, tau_syn_in = 2.0,
         gsl_error_tol = 1e-6;
  // ODE state in NEST's order: V_m, dg_ex, g_ex, dg_in, g_in, w.
  double y[6] = {-70.6, 0.0, 0.0, 0.0, 0.0, 0.0};
  // Step bookkeeping: refractory count (read by the RHS), carried integration
  // step, current input of this step, spike threshold in use, refractory steps.
  long r = 0;
  double h = kResolution;
  double I_stim = 0.0;
  double V_peak_eff = 0.0;
  long refr_counts = 0;
  bool halted = false;
  long spikes = 0;
  OdeSystem sys{};
};

int aeif_rhs(double, const double* y, double* f, void* params) {
  const AeifNeuron& n = *static_cast<const AeifNeuron*>(params);
  // While refractory the potential is pinned at V_reset; otherwise capped at
  // V_peak so the exponential cannot overflow inside a trial step.
  const bool refractory = n.r > 0;
  const double V = refractory ? n.V_reset : std::min(y[0], n.V_peak);
  const double dg_ex = y[1], g_ex = y[2], dg_in = y[3], g_in = y[4], w = y[5];
  const double I_spike = n.Delta_T == 0. ? 0. : (n.g_L * n.Delta_T * std::exp((V - n.V_th) / n.Delta_T));
  const double I_syn_exc = g_ex * (V - n.E_ex);
  const double I_syn_inh = g_in * (V - n.E_in);
  f[0] = refractory ? 0. : (-n.g_L * (V - n.E_L) + I_spike - I_syn_exc - I_syn_inh - w + n.I_e + n.I_stim) / n.C_m;
  f[1] = -dg_ex / n.tau_syn_ex;
  f[2] = dg_ex - g_ex / n.tau_syn_ex;
  f[3] = -dg_in / n.tau_syn_in;
  f[4] = dg_in - g_in / n.tau_syn_in;
  f[5] = (n.a * (V - n.E_L) - w) / n.tau_w;
  return 0;
}

// One simulation step: accepted integration steps until the step is covered,
// with the runaway guard, refractory clamp and spike reset after each, then the
// refractory count-down (the production model's order).
void aeif_step(AeifNeuron& n) {
  if (n.halted) return;
  const ig::ErrorControl control = ig::ErrorControl::yp(n.gsl_error_tol, n.gsl_error_tol);
  const ErasedRhs rhs{&n.sys};
  double t = 0.0;
  while (t < kResolution) {
    ig::evolve_apply<6>(rhs, control, t, kResolution, n.h, n.y);
    if (n.y[0] < -1e3 || n.y[5] < -1e6 || n.y[5] > 1e6) {
      n.halted = true;
      return;
    }
    if (n.r > 0) {
      n.y[0] = n.V_reset;
    } else if (n.y[0] >= n.V_peak_eff) {
      n.y[0] = n.V_reset;
      n.y[5] += n.b;
      n.r = n.refr_counts > 0 ? n.refr_counts + 1 : 0;
      ++n.spikes;
    }
  }
  if (n.r > 0) --n.r;
  n.I_stim = 0.0;  // no current input in this benchmark
}

void aeif_init(AeifNeuron& n, double i_e) {
  n.I_e = i_e;
  n.V_peak_eff = n.Delta_T > 0.0 ? n.V_peak : n.V_th;
  n.refr_counts = std::lround(n.t_ref / kResolution);
  n.sys = {aeif_rhs, &n};
}

// --- hh_psc_alpha, one object per neuron ------------------------------------------
struct HhNeuron {
  double t_ref = 2.0, g_Na = 12000.0, g_K = 3600.0, g_L = 30.0, C_m = 100.0, E_Na = 50.0, E_K = -77.0, E_L = -54.402,
         tau_syn_ex = 0.2, tau_syn_in = 2.0, I_e = 0.0;
  // ODE state in NEST's order: V_m, m, h, n, dI_ex, I_ex, dI_in, I_in (gates set in hh_init).
  double y[8] = {-65.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  long r = 0;
  long ref_counts = 0;
  double h = kResolution;
  double I_stim = 0.0;
  long spikes = 0;
  OdeSystem sys{};
};

struct Rates {
  double alpha_n, beta_n, alpha_m, beta_m, alpha_h, beta_h;
  explicit Rates(double V)
      : alpha_n((0.01 * (V + 55.)) / (1. - std::exp(-(V + 55.) / 10.))),
        beta_n(0.125 * std::exp(-(V + 65.) / 80.)),
        alpha_m((0.1 * (V + 40.)) / (1. - std::exp(-(V + 40.) / 10.))),
        beta_m(4. * std::exp(-(V + 65.) / 18.)),
        alpha_h(0.07 * std::exp(-(V + 65.) / 20.)),
        beta_h(1. / (1. + std::exp(-(V + 35.) / 10.))) {}
};

int hh_rhs(double, const double* y, double* f, void* params) {
  const HhNeuron& p = *static_cast<const HhNeuron*>(params);
  const double V = y[0], m = y[1], h = y[2], n = y[3];
  const Rates rt(V);
  const double I_Na = p.g_Na * m * m * m * h * (V - p.E_Na);
  const double I_K = p.g_K * n * n * n * n * (V - p.E_K);
  const double I_L = p.g_L * (V - p.E_L);
  f[0] = (-(I_Na + I_K + I_L) + p.I_stim + p.I_e + y[5] + y[7]) / p.C_m;
  f[1] = rt.alpha_m * (1 - m) - rt.beta_m * m;
  f[2] = rt.alpha_h * (1 - h) - rt.beta_h * h;
  f[3] = rt.alpha_n * (1 - n) - rt.beta_n * n;
  f[4] = -y[4] / p.tau_syn_ex;
  f[5] = y[4] - (y[5] / p.tau_syn_ex);
  f[6] = -y[6] / p.tau_syn_in;
  f[7] = y[6] - (y[7] / p.tau_syn_in);
  return 0;
}

// One simulation step; a spike is a local maximum of V_m above 0 mV outside refractoriness.
void hh_step(HhNeuron& n) {
  const ig::ErrorControl control = ig::ErrorControl::y(1e-3, 0.0);
  const ErasedRhs rhs{&n.sys};
  const double u_old = n.y[0];
  double t = 0.0;
  while (t < kResolution) ig::evolve_apply<8>(rhs, control, t, kResolution, n.h, n.y);
  if (n.r > 0) {
    --n.r;
  } else if (n.y[0] >= 0.0 && u_old > n.y[0]) {
    n.r = n.ref_counts;
    ++n.spikes;
  }
  n.I_stim = 0.0;
}

void hh_init(HhNeuron& n, double i_e) {
  n.I_e = i_e;
  // Gates at their steady state at the initial -65 mV, as the model's defaults.
  const Rates rt(n.y[0]);
  n.y[1] = rt.alpha_m / (rt.alpha_m + rt.beta_m);
  n.y[2] = rt.alpha_h / (rt.alpha_h + rt.beta_h);
  n.y[3] = rt.alpha_n / (rt.alpha_n + rt.beta_n);
  n.ref_counts = std::lround(n.t_ref / kResolution);
  n.sys = {hh_rhs, &n};
}

// --- measurement -------------------------------------------------------------------
struct Result {
  double seconds = 0.0;
  // Process CPU time: less sensitive than wall time to other jobs on the machine
  // (for 2 threads it includes OpenMP's spin-waiting at barriers).
  double cpu_seconds = 0.0;
  long spikes = 0;
  std::vector<long> per_neuron;
};

// A spread of DC amplitudes (base .. 1.2 base) desynchronises the neurons, so the
// adaptive step sequences differ from neuron to neuron as in a real network
// rather than every neuron replaying the same steps.
double cpu_now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double dc_of(double base, std::size_t i, std::size_t n) { return base * (1.0 + 0.2 * static_cast<double>(i) / n); }

Result run_production(const std::string& model, double base_dc, std::size_t n, int threads, long steps) {
  nestkit::Simulator sim;
  sim.set_kernel_status({{"resolution", kResolution}, {"local_num_threads", static_cast<long>(threads)}});
  std::vector<nestkit::Dict> per_node(n);
  for (std::size_t i = 0; i < n; ++i) per_node[i] = {{"I_e", dc_of(base_dc, i, n)}};
  auto pop = sim.create(model, n, {}, per_node, {});
  // Recording every spike costs little next to the integration (a few spikes per
  // neuron against thousands of RKF45 stages) and gives the count to compare.
  auto rec = sim.create("spike_recorder");
  sim.connect(pop, rec);
  const double c0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  sim.simulate(static_cast<double>(steps) * kResolution);
  const auto t1 = std::chrono::steady_clock::now();
  Result res;
  res.seconds = std::chrono::duration<double>(t1 - t0).count();
  res.cpu_seconds = cpu_now() - c0;
  const auto ev = sim.events(rec[0]);
  res.spikes = static_cast<long>(ev.times.size());
  res.per_neuron.assign(n, 0);
  const long first = static_cast<long>(pop[0]);
  for (long s : ev.senders) ++res.per_neuron[static_cast<std::size_t>(s - first)];
  return res;
}

template <class Neuron, class Init, class Step>
Result run_baseline(double base_dc, std::size_t n, int threads, long steps, Init init, Step step) {
  // Sized once and never resized: each object's OdeSystem points at the object itself.
  std::vector<Neuron> pop(n);
  for (std::size_t i = 0; i < n; ++i) init(pop[i], dc_of(base_dc, i, n));
  const long nn = static_cast<long>(n);
  const double c0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  for (long s = 0; s < steps; ++s) {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (long i = 0; i < nn; ++i) step(pop[static_cast<std::size_t>(i)]);
  }
  const auto t1 = std::chrono::steady_clock::now();
  Result res;
  res.seconds = std::chrono::duration<double>(t1 - t0).count();
  res.cpu_seconds = cpu_now() - c0;
  res.per_neuron.resize(n);
  for (std::size_t i = 0; i < n; ++i) res.spikes += res.per_neuron[i] = pop[i].spikes;
  return res;
}

struct Case {
  const char* model;
  double dc;  // pA, base of the spread
  std::size_t n;
  double sim_ms;  // biological time; shorter for the large populations to bound the run
};

// Windows: 20 ms for AdEx and 10 ms for HH at both sizes, so that every
// neuron fires within the window (the per-neuron spike counts are then a real
// check) and the integration covers the approach to threshold, the spikes and
// the adaptive step sequences around them. Three repetitions of everything take
// about three minutes on 2 cores.
constexpr Case kCases[] = {
    {"aeif_cond_alpha", 700.0, 10000, 20.0},
    {"aeif_cond_alpha", 700.0, 100000, 20.0},
    {"hh_psc_alpha", 1000.0, 10000, 10.0},
    {"hh_psc_alpha", 1000.0, 100000, 10.0},
};

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 3;
  const double scale = argc > 2 ? std::atof(argv[2]) : 1.0;
  int mismatches = 0;
  for (const Case& c : kCases) {
    const long steps = std::lround(c.sim_ms * scale / kResolution);
    for (int threads : {1, 2}) {
      const bool aeif = std::string(c.model) == "aeif_cond_alpha";
      auto run_prod = [&] { return run_production(c.model, c.dc, c.n, threads, steps); };
      auto run_base = [&] {
        return aeif ? run_baseline<AeifNeuron>(c.dc, c.n, threads, steps, aeif_init, aeif_step)
                    : run_baseline<HhNeuron>(c.dc, c.n, threads, steps, hh_init, hh_step);
      };
      // The two variants alternate within each repetition so that a change of the
      // machine's load (other builds share it) hits both alike; the best is kept.
      Result prod = run_prod(), base = run_base();
      for (int k = 1; k < reps; ++k) {
        const Result p = run_prod(), b = run_base();
        prod.seconds = std::min(prod.seconds, p.seconds);
        prod.cpu_seconds = std::min(prod.cpu_seconds, p.cpu_seconds);
        base.seconds = std::min(base.seconds, b.seconds);
        base.cpu_seconds = std::min(base.cpu_seconds, b.cpu_seconds);
      }
      const double updates = static_cast<double>(c.n) * static_cast<double>(steps);
      const double ups_prod = updates / prod.seconds, ups_base = updates / base.seconds;
      const bool same = prod.per_neuron == base.per_neuron;
      if (!same) ++mismatches;
      const Result* rs[] = {&prod, &base};
      const char* names[] = {"production_soa_lanes", "baseline_aos_erased"};
      for (int v = 0; v < 2; ++v) {
        std::printf(
            "{\"model\": \"%s\", \"n\": %zu, \"threads\": %d, \"variant\": \"%s\", \"sim_ms\": %.1f, \"steps\": %ld, "
            "\"best_s\": %.4f, \"best_cpu_s\": %.4f, \"updates_per_s\": %.4g, \"updates_per_cpu_s\": %.4g, \"spikes\": "
            "%ld, \"spikes_match\": %s, "
            "\"speedup_production_over_baseline\": %.3f}\n",
            c.model, c.n, threads, names[v], steps * kResolution, steps, rs[v]->seconds, rs[v]->cpu_seconds,
            v == 0 ? ups_prod : ups_base, updates / rs[v]->cpu_seconds, rs[v]->spikes, same ? "true" : "false",
            ups_prod / ups_base);
        std::fflush(stdout);
      }
    }
  }
  return mismatches == 0 ? 0 : 1;
}
