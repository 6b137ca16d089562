// iaf_psc_alpha through the Simulator, against closed-form solutions of its ODEs:
// free membrane under I_e, the alpha PSP (height and time of the peak), the spike
// train under constant drive with its refractory clamps, and parameter checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

using testing::alpha_current;
using testing::alpha_psp;
using testing::column;
using testing::status_number;
using testing::syn;

const double kResolutions[] = {0.1, 0.05, 0.25};

NodeCollection meter(Simulator& sim, double interval, std::vector<std::string> record_from = {"V_m"}) {
  return sim.create("multimeter", 1, {{"record_from", std::move(record_from)}, {"interval", interval}});
}

// Samples every `interval`: times interval, 2 interval, ... up to at most T, with
// only the last min-delay slice (here <= 1 ms) possibly still pending.
void expect_regular_sampling(const Events& ev, double interval, double t_end) {
  ASSERT_GE(ev.times.size(), static_cast<std::size_t>((t_end - 1.0) / interval) - 1);
  ASSERT_LE(ev.times.size(), static_cast<std::size_t>(std::lround(t_end / interval)));
  for (std::size_t k = 0; k < ev.times.size(); ++k)
    ASSERT_NEAR(ev.times[k], (k + 1) * interval, 1e-9) << "sample " << k;
}

TEST(IafPscAlpha, DefaultsAreNest310Defaults) {
  Simulator sim;
  const Dict d = sim.get_defaults("iaf_psc_alpha");
  auto num = [&](const char* k) { return testing::as_number(d.at(k)); };
  EXPECT_EQ(num("C_m"), 250.0);
  EXPECT_EQ(num("tau_m"), 10.0);
  EXPECT_EQ(num("t_ref"), 2.0);
  EXPECT_EQ(num("E_L"), -70.0);
  EXPECT_EQ(num("V_reset"), -70.0);
  EXPECT_EQ(num("V_th"), -55.0);
  EXPECT_EQ(num("V_m"), -70.0);
  EXPECT_EQ(num("I_e"), 0.0);
  EXPECT_EQ(num("tau_syn_ex"), 2.0);
  EXPECT_EQ(num("tau_syn_in"), 2.0);
  EXPECT_EQ(num("V_min"), -std::numeric_limits<double>::infinity());
  const auto rec = std::get<std::vector<std::string>>(d.at("recordables"));
  EXPECT_NE(std::find(rec.begin(), rec.end(), "V_m"), rec.end());
  EXPECT_NE(std::find(rec.begin(), rec.end(), "I_syn_ex"), rec.end());
  EXPECT_NE(std::find(rec.begin(), rec.end(), "I_syn_in"), rec.end());
}

// --- free membrane ------------------------------------------------------------------

TEST(IafPscAlpha, FreeMembraneUnderConstantCurrent) {
  // V(t) = E_L + R I_e (1 - exp(-t/tau_m)), R = tau_m / C_m; R I_e = 12 mV < V_th - E_L.
  for (double h : kResolutions) {
    Simulator sim;
    sim.set_kernel_status({{"resolution", h}});
    NodeCollection n = sim.create("iaf_psc_alpha", 1, {{"I_e", 300.0}});
    NodeCollection mm = meter(sim, h);
    sim.connect(mm, n);
    sim.simulate(50.0);
    const Events ev = sim.events(mm[0]);
    expect_regular_sampling(ev, h, 50.0);
    const std::vector<double> v = column(ev, "V_m");
    ASSERT_EQ(v.size(), ev.times.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      const double t = ev.times[k];
      ASSERT_NEAR(v[k], -70.0 + 10.0 / 250.0 * 300.0 * (1 - std::exp(-t / 10.0)), 1e-10) << "h " << h << " t " << t;
      ASSERT_EQ(ev.senders[k], static_cast<long>(n[0]));
    }
  }
}

TEST(IafPscAlpha, RelaxationFromAnInitialPotentialWithOtherParameters) {
  // V(t) = E_L + (V0 - E_L) e^{-t/tau_m} + R I_e (1 - e^{-t/tau_m}) with R = 0.2 GOhm.
  const double C = 100, tau = 20, EL = -60, Ie = 60, V0 = -45;
  for (double h : kResolutions) {
    Simulator sim;
    sim.set_kernel_status({{"resolution", h}});
    NodeCollection n = sim.create("iaf_psc_alpha", 1,
                                  {{"C_m", C}, {"tau_m", tau}, {"E_L", EL}, {"I_e", Ie}, {"V_th", -30.0}, {"V_m", V0}});
    EXPECT_DOUBLE_EQ(status_number(sim, n[0], "V_m"), V0);
    NodeCollection mm = meter(sim, 0.5);
    sim.connect(mm, n);
    sim.simulate(40.0);
    const Events ev = sim.events(mm[0]);
    expect_regular_sampling(ev, 0.5, 40.0);
    const std::vector<double> v = column(ev, "V_m");
    for (std::size_t k = 0; k < v.size(); ++k) {
      const double t = ev.times[k], e = std::exp(-t / tau);
      ASSERT_NEAR(v[k], EL + (V0 - EL) * e + tau / C * Ie * (1 - e), 1e-10) << "h " << h << " t " << t;
    }
    // get_status reports the state after the run: at t = 40 ms.
    const double e = std::exp(-40.0 / tau);
    EXPECT_NEAR(status_number(sim, n[0], "V_m"), EL + (V0 - EL) * e + tau / C * Ie * (1 - e), 1e-10);
  }
}

// --- postsynaptic potentials --------------------------------------------------------

struct PspRun {
  std::vector<double> times, v, i_ex, i_in;
};

// One spike at t_spike through a synapse (w, d) into a neuron with the given
// time constants; samples V_m and both synaptic currents every step.
PspRun run_psp(double h, double w, double d, double t_spike, double tau_syn, double tau_m, double t_end) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", h}});
  NodeCollection n = sim.create("iaf_psc_alpha", 1,
                                {{"tau_syn_ex", tau_syn}, {"tau_syn_in", tau_syn}, {"tau_m", tau_m}, {"V_th", 1e3}});
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{t_spike}}});
  NodeCollection mm = meter(sim, h, {"V_m", "I_syn_ex", "I_syn_in"});
  sim.connect(sg, n, {}, syn(w, d));
  sim.connect(mm, n);
  sim.simulate(t_end);
  const Events ev = sim.events(mm[0]);
  return {ev.times, column(ev, "V_m"), column(ev, "I_syn_ex"), column(ev, "I_syn_in")};
}

TEST(IafPscAlpha, SingleSpikePspFollowsTheClosedForm) {
  // A spike at t_s with delay d reaches the neuron at t0 = t_s + d: from there
  // I(t) = w e/tau_s (t-t0) e^{-(t-t0)/tau_s} and V - E_L = alpha_psp(t - t0).
  const double w = 800.0, d = 1.5, ts = 10.0, C = 250.0;
  for (double h : kResolutions)
    for (auto [tau_s, tau_m] : {std::pair{2.0, 10.0}, std::pair{0.5, 20.0}, std::pair{10.0, 10.0}}) {
      const PspRun r = run_psp(h, w, d, ts, tau_s, tau_m, 60.0);
      ASSERT_GE(r.times.size(), static_cast<std::size_t>(59.0 / h) - 1);
      for (std::size_t k = 0; k < r.times.size(); ++k) {
        const double s = r.times[k] - (ts + d);
        const double psp = alpha_psp(s, w, tau_s, tau_m, C);
        ASSERT_NEAR(r.v[k], -70.0 + psp, 1e-10 + 1e-10 * psp) << "h " << h << " tau_s " << tau_s << " t " << r.times[k];
        ASSERT_NEAR(r.i_ex[k], alpha_current(s, w, tau_s), 1e-9 * w) << "h " << h << " t " << r.times[k];
        ASSERT_EQ(r.i_in[k], 0.0);
      }
    }
}

TEST(IafPscAlpha, PspPeakHeightAndTime) {
  // The continuous PSP peaks where dV/dt = 0, i.e. I(t)/C = V(t)/tau_m; the sampled
  // maximum lies within one step of that time and below the continuous peak by at
  // most max|V''| h^2 / 8 (the nearest grid point is within h/2).
  const double w = 800.0, d = 1.5, ts = 10.0, C = 250.0, tau_s = 2.0, tau_m = 10.0;
  auto V = [&](double s) { return alpha_psp(s, w, tau_s, tau_m, C); };
  auto f = [&](double s) { return alpha_current(s, w, tau_s) / C - V(s) / tau_m; };
  double lo = 1e-6, hi = 50.0;  // f > 0 at lo, < 0 at hi
  ASSERT_GT(f(lo), 0.0);
  ASSERT_LT(f(hi), 0.0);
  for (int it = 0; it < 200; ++it) (f(0.5 * (lo + hi)) > 0 ? lo : hi) = 0.5 * (lo + hi);
  const double t_peak = 0.5 * (lo + hi), v_peak = V(t_peak);
  // V'' = I'(t)/C - V'(t)/tau_m, with I'(t) = w e/tau_s e^{-t/tau_s} (1 - t/tau_s).
  auto V2 = [&](double s) {
    const double dI = w * M_E / tau_s * std::exp(-s / tau_s) * (1 - s / tau_s);
    return dI / C - f(s) / tau_m;
  };
  for (double h : kResolutions) {
    const PspRun r = run_psp(h, w, d, ts, tau_s, tau_m, 40.0);
    std::size_t best = 0;
    for (std::size_t k = 1; k < r.v.size(); ++k)
      if (r.v[k] > r.v[best]) best = k;
    const double t_max = r.times[best] - (ts + d);
    double curv = 0;
    for (double s = t_peak - h; s <= t_peak + h; s += h / 50) curv = std::max(curv, std::fabs(V2(s)));
    EXPECT_LE(std::fabs(t_max - t_peak), h + 1e-9) << "h " << h;
    EXPECT_LE(r.v[best] + 70.0, v_peak + 1e-12) << "h " << h;
    EXPECT_GE(r.v[best] + 70.0, v_peak - curv * h * h / 8 - 1e-12) << "h " << h;
    EXPECT_NEAR(r.v[best] + 70.0, V(t_max), 1e-10) << "h " << h;
  }
}

TEST(IafPscAlpha, InhibitoryPspIsTheMirrorImage) {
  // Negative weights go to the inhibitory synapse; the response is linear in w.
  const double h = 0.1, w = -600.0, d = 2.0, ts = 5.0, tau_s = 3.0;
  const PspRun r = run_psp(h, w, d, ts, tau_s, 10.0, 40.0);
  for (std::size_t k = 0; k < r.times.size(); ++k) {
    const double s = r.times[k] - (ts + d);
    const double psp = alpha_psp(s, w, tau_s, 10.0, 250.0);
    ASSERT_NEAR(r.v[k], -70.0 + psp, 1e-10 + 1e-10 * std::fabs(psp)) << "t " << r.times[k];
    ASSERT_NEAR(r.i_in[k], alpha_current(s, w, tau_s), 1e-9 * std::fabs(w));
    ASSERT_EQ(r.i_ex[k], 0.0);
  }
}

TEST(IafPscAlpha, VMinIsALowerBound) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 1, {{"V_min", -71.0}});
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{2.0}}});
  NodeCollection mm = meter(sim, 0.1);
  sim.connect(sg, n, {}, syn(-5000.0, 1.0));  // alone this would pull V far below -71 mV
  sim.connect(mm, n);
  sim.simulate(30.0);
  const std::vector<double> v = column(sim.events(mm[0]), "V_m");
  double lowest = 0;
  for (double x : v) lowest = std::min(lowest, x);
  EXPECT_EQ(lowest, -71.0);
  EXPECT_LT(alpha_psp(5.0, -5000.0, 2.0, 10.0, 250.0), -1.0);  // the unclamped PSP would reach below
}

// --- spikes and refractoriness ------------------------------------------------------

struct DriveCase {
  double h, t_ref;
  long refractory_steps;  // round-up of t_ref / h, worked out by hand
};

TEST(IafPscAlpha, SpikeTrainAndRefractoryClampUnderConstantDrive) {
  // Constant I_e, R I_e = 16 mV, threshold 15 mV above E_L, reset 2 mV below E_L.
  // Starting at rest, V(m h) relative to E_L after m free steps from v_s is
  //   v_s e^{-mh/tau} + R I_e (1 - e^{-mh/tau});
  // a spike is stamped at the first step with V >= V_th; V is then V_reset at the
  // spike step and for the next n = ceil(t_ref / h) steps, and evolves freely after.
  const double C = 250, tau = 10, EL = -70, Vth = -55, Vreset = -72, Ie = 400, RI = tau / C * Ie;
  const DriveCase cases[] = {{0.1, 2.0, 20},  {0.1, 2.05, 21}, {0.25, 2.1, 9},
                             {0.05, 1.0, 20}, {0.1, 0.0, 0},   {0.25, 0.3, 2}};
  for (const DriveCase& c : cases) {
    const double h = c.h, t_end = 150.0;
    const long n_steps = std::lround(t_end / h);
    auto free_v = [&](double vs, long m) {
      const double e = std::exp(-m * h / tau);
      return vs * e + RI * (1 - e);
    };
    // Expected spike steps, from the closed form on the grid.
    std::vector<long> spikes;
    long start = 0;
    double vs = 0.0;
    while (true) {
      long m = 1;
      while (free_v(vs, m) < Vth - EL) ++m;
      ASSERT_GT(free_v(vs, m) - (Vth - EL), 1e-7) << "threshold crossing too close to a grid point";
      ASSERT_LT(free_v(vs, m - 1), Vth - EL - 1e-7);
      if (start + m > n_steps) break;
      spikes.push_back(start + m);
      start = start + m + c.refractory_steps;
      vs = Vreset - EL;
    }
    ASSERT_GE(spikes.size(), 3u);
    auto expected_v = [&](long k) {
      long last = -1;
      for (long s : spikes)
        if (s <= k) last = s;
      if (last < 0) return EL + free_v(0.0, k);
      if (k - last <= c.refractory_steps) return Vreset;
      return EL + free_v(Vreset - EL, k - last - c.refractory_steps);
    };

    Simulator sim;
    sim.set_kernel_status({{"resolution", h}});
    NodeCollection n =
        sim.create("iaf_psc_alpha", 1, {{"I_e", Ie}, {"V_reset", Vreset}, {"t_ref", c.t_ref}, {"V_th", Vth}});
    NodeCollection mm = meter(sim, h);
    NodeCollection sr = sim.create("spike_recorder");
    sim.connect(mm, n);
    sim.connect(n, sr);
    sim.simulate(t_end);

    // Every recorded spike is an expected one, in order; all expected spikes before
    // the last min-delay slice (1 ms) must have been recorded.
    const Events fired = sim.events(sr[0]);
    const long settled = n_steps - std::lround(1.0 / h);
    const auto n_settled = std::count_if(spikes.begin(), spikes.end(), [&](long s) { return s <= settled; });
    ASSERT_GE(fired.times.size(), static_cast<std::size_t>(n_settled)) << "h " << h << " t_ref " << c.t_ref;
    ASSERT_LE(fired.times.size(), spikes.size());
    for (std::size_t j = 0; j < fired.times.size(); ++j) {
      EXPECT_NEAR(fired.times[j], spikes[j] * h, 1e-9) << "spike " << j << " h " << h << " t_ref " << c.t_ref;
      EXPECT_NEAR(fired.times[j] / h, std::round(fired.times[j] / h), 1e-9) << "spike off the grid";
      EXPECT_EQ(fired.senders[j], static_cast<long>(n[0]));
    }

    const Events ev = sim.events(mm[0]);
    expect_regular_sampling(ev, h, t_end);
    const std::vector<double> v = column(ev, "V_m");
    for (std::size_t k = 0; k < v.size(); ++k) {
      const long step = testing::step_of(ev.times[k], h);
      ASSERT_NEAR(v[k], expected_v(step), 1e-9) << "h " << h << " t_ref " << c.t_ref << " t " << ev.times[k];
    }
    // The clamp lasts exactly n steps after the spike step: V_reset at stamps
    // s .. s + n, and no longer V_reset at s + n + 1.
    for (long s : spikes) {
      if (s + c.refractory_steps + 1 > static_cast<long>(v.size())) break;
      for (long k = s; k <= s + c.refractory_steps; ++k) EXPECT_EQ(v[k - 1], Vreset) << "stamp " << k;
      EXPECT_GT(v[s + c.refractory_steps], Vreset) << "stamp " << s + c.refractory_steps + 1;
    }
  }
}

// --- parameter validation -----------------------------------------------------------

TEST(IafPscAlpha, InvalidParametersAreRejectedAndLeaveTheNodeUnchanged) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 2, {{"C_m", 200.0}, {"tau_m", 15.0}});
  const std::vector<std::pair<std::string, double>> bad = {
      {"C_m", 0.0},       {"C_m", -1.0},      {"tau_m", 0.0},  {"tau_m", -3.0},     {"t_ref", -0.1},
      {"V_reset", -55.0}, {"V_reset", -40.0}, {"V_th", -70.0}, {"tau_syn_ex", 0.0}, {"tau_syn_in", -2.0}};
  for (const auto& [key, value] : bad) {
    EXPECT_THROW(sim.set_status(n, {{key, value}}), BadProperty) << key << " = " << value;
    EXPECT_THROW(sim.create("iaf_psc_alpha", 1, {{key, value}}), BadProperty) << key << " = " << value;
  }
  // Several keys at once, one of them bad: nothing is applied.
  EXPECT_THROW(sim.set_status(n, {{"I_e", 100.0}, {"C_m", -5.0}}), BadProperty);
  // A per-node list where only the second node's value is bad: neither node changes.
  EXPECT_THROW(sim.set_status(n, {{"tau_m", std::vector<double>{12.0, -1.0}}}), BadProperty);
  for (const Dict& d : sim.get_status(n)) {
    EXPECT_EQ(testing::as_number(d.at("C_m")), 200.0);
    EXPECT_EQ(testing::as_number(d.at("tau_m")), 15.0);
    EXPECT_EQ(testing::as_number(d.at("t_ref")), 2.0);
    EXPECT_EQ(testing::as_number(d.at("V_reset")), -70.0);
    EXPECT_EQ(testing::as_number(d.at("V_th")), -55.0);
    EXPECT_EQ(testing::as_number(d.at("I_e")), 0.0);
    EXPECT_EQ(testing::as_number(d.at("tau_syn_ex")), 2.0);
    EXPECT_EQ(testing::as_number(d.at("tau_syn_in")), 2.0);
  }
  EXPECT_EQ(sim.network_size(), 2u);  // the failed Create calls made no nodes
  // Valid changes go through, also as one value per node.
  sim.set_status(n, {{"tau_m", std::vector<double>{12.0, 13.0}}, {"V_reset", -65.0}});
  EXPECT_EQ(status_number(sim, n[0], "tau_m"), 12.0);
  EXPECT_EQ(status_number(sim, n[1], "tau_m"), 13.0);
  EXPECT_EQ(status_number(sim, n[1], "V_reset"), -65.0);
}

TEST(IafPscAlpha, ChangingELKeepsTheAbsoluteMembranePotential) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 1, {{"V_m", -66.0}});
  sim.set_status(n, {{"E_L", -60.0}});
  EXPECT_DOUBLE_EQ(status_number(sim, n[0], "V_m"), -66.0);
  EXPECT_DOUBLE_EQ(status_number(sim, n[0], "E_L"), -60.0);
}

}  // namespace
}  // namespace nestkit
