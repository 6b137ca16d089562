// When input arrives: a spike stamped s sent with a delay of d steps is consumed
// in the update step that ends at s + d (NEST's ring-buffer semantics).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

using testing::column;
using testing::syn;

struct Trace {
  std::vector<double> times, v, i_ex;
  Events spikes;
};

// A spike_generator spike at t_spike through a static_synapse (w, d) into one
// `model` neuron; V_m and I_syn_ex sampled every step.
Trace run(const std::string& model, double h, double t_spike, double d, double w, double t_end) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", h}});
  NodeCollection n = sim.create(model, 1, {{"V_th", 1e3}});
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{t_spike}}});
  NodeCollection mm =
      sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"V_m", "I_syn_ex"}}, {"interval", h}});
  NodeCollection sr = sim.create("spike_recorder");
  sim.connect(sg, n, {}, syn(w, d));
  sim.connect(sg, sr);
  sim.connect(mm, n);
  sim.simulate(t_end);
  const Events ev = sim.events(mm[0]);
  return {ev.times, column(ev, "V_m"), column(ev, "I_syn_ex"), sim.events(sr[0])};
}

struct Case {
  double h, t_spike, delay;
};
const Case kCases[] = {{0.1, 5.0, 2.0},   {0.1, 3.3, 0.1},   {0.1, 4.0, 3.7}, {0.25, 5.0, 0.25},
                       {0.25, 2.5, 1.75}, {0.05, 1.0, 1.05}, {1.0, 4.0, 3.0}};

TEST(RingBuffer, SpikeGeneratorStampsItsSpikesAtTheGivenTime) {
  for (const Case& c : kCases) {
    const Trace r = run("iaf_psc_alpha", c.h, c.t_spike, c.delay, 100.0, c.t_spike + c.delay + 5.0);
    ASSERT_EQ(r.spikes.times.size(), 1u);
    EXPECT_NEAR(r.spikes.times[0], c.t_spike, 1e-9);
  }
}

TEST(RingBuffer, ExponentialSynapseJumpsAtStampPlusDelay) {
  // iaf_psc_exp: I_syn_ex jumps by w in the step ending at t + d, and decays as
  // w exp(-(t - t0)/tau_syn_ex) afterwards; before that it is exactly zero.
  const double w = 100.0, tau = 2.0;
  for (const Case& c : kCases) {
    const Trace r = run("iaf_psc_exp", c.h, c.t_spike, c.delay, w, c.t_spike + c.delay + 5.0);
    const double t0 = c.t_spike + c.delay;
    std::size_t first = r.times.size();
    for (std::size_t k = 0; k < r.times.size(); ++k)
      if (r.i_ex[k] != 0.0) {
        first = k;
        break;
      }
    ASSERT_LT(first, r.times.size()) << "the spike never arrived";
    EXPECT_NEAR(r.times[first], t0, 1e-9) << "h " << c.h << " t " << c.t_spike << " d " << c.delay;
    for (std::size_t k = first; k < r.times.size(); ++k)
      EXPECT_NEAR(r.i_ex[k], w * std::exp(-(r.times[k] - t0) / tau), 1e-9 * w) << "t " << r.times[k];
  }
}

TEST(RingBuffer, AlphaSynapseReceivesTheSpikeInTheStepEndingAtStampPlusDelay) {
  // iaf_psc_alpha: the spike sets dI/dt in the step ending at t0 = t + d, so I_syn_ex
  // and V_m are still at rest at t0 and one step later equal the alpha response
  //   I(t0 + h) = w e/tau h e^{-h/tau},   V(t0 + h) - E_L = alpha_psp(h).
  // (Had it arrived one step later, both would still be zero at t0 + h.)
  const double w = 100.0, tau = 2.0;
  for (const Case& c : kCases) {
    const Trace r = run("iaf_psc_alpha", c.h, c.t_spike, c.delay, w, c.t_spike + c.delay + 5.0);
    const double t0 = c.t_spike + c.delay;
    bool seen_t0 = false, seen_next = false;
    for (std::size_t k = 0; k < r.times.size(); ++k) {
      const double t = r.times[k];
      if (t < t0 + 0.5 * c.h) {
        EXPECT_EQ(r.i_ex[k], 0.0) << "t " << t;
        EXPECT_EQ(r.v[k], -70.0) << "t " << t;
        seen_t0 |= std::fabs(t - t0) < 1e-9;
      } else if (std::fabs(t - (t0 + c.h)) < 1e-9) {
        seen_next = true;
        EXPECT_NEAR(r.i_ex[k], testing::alpha_current(c.h, w, tau), 1e-12 * w);
        EXPECT_NEAR(r.v[k], -70.0 + testing::alpha_psp(c.h, w, tau, 10.0, 250.0), 1e-12);
        EXPECT_GT(r.v[k], -70.0);
      }
    }
    EXPECT_TRUE(seen_t0 && seen_next) << "h " << c.h;
  }
}

TEST(RingBuffer, ParrotRepeatsTheSpikeAtStampPlusDelay) {
  // spike_generator -(d1)-> parrot_neuron -(d2)-> parrot_neuron: the first parrot
  // emits at t + d1, the second at t + d1 + d2.
  for (const Case& c : kCases) {
    Simulator sim;
    sim.set_kernel_status({{"resolution", c.h}});
    NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{c.t_spike}}});
    NodeCollection p1 = sim.create("parrot_neuron");
    NodeCollection p2 = sim.create("parrot_neuron");
    NodeCollection sr = sim.create("spike_recorder");
    sim.connect(sg, p1, {}, syn(1.0, c.delay));
    sim.connect(p1, p2, {}, syn(1.0, 2 * c.delay));
    sim.connect(p1 + p2, sr);
    sim.simulate(c.t_spike + 3 * c.delay + 5.0);
    const Events ev = sim.events(sr[0]);
    ASSERT_EQ(ev.times.size(), 2u) << "h " << c.h;
    EXPECT_EQ(ev.senders[0], static_cast<long>(p1[0]));
    EXPECT_NEAR(ev.times[0], c.t_spike + c.delay, 1e-9);
    EXPECT_EQ(ev.senders[1], static_cast<long>(p2[0]));
    EXPECT_NEAR(ev.times[1], c.t_spike + 3 * c.delay, 1e-9);
  }
}

TEST(RingBuffer, InputBeyondTheCurrentChunkIsKept) {
  // A spike in flight when Simulate returns (sent at 5 ms with a 3.7 ms delay) is
  // delivered at the same step after a chunked run.
  for (const std::vector<double>& chunks :
       {std::vector<double>{20.0}, std::vector<double>{5.0, 15.0}, std::vector<double>{5.1, 3.2, 0.3, 11.4}}) {
    Simulator sim;
    NodeCollection n = sim.create("iaf_psc_exp", 1);
    NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{5.0}}});
    NodeCollection mm =
        sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"I_syn_ex"}}, {"interval", 0.1}});
    sim.connect(sg, n, {}, syn(50.0, 3.7));
    sim.connect(mm, n);
    for (double t : chunks) sim.simulate(t);
    const Events ev = sim.events(mm[0]);
    const std::vector<double> i = column(ev, "I_syn_ex");
    std::size_t first = 0;
    while (first < i.size() && i[first] == 0.0) ++first;
    ASSERT_LT(first, i.size());
    EXPECT_NEAR(ev.times[first], 8.7, 1e-9);
    EXPECT_NEAR(i[first], 50.0, 1e-12);
  }
}

TEST(RingBuffer, PerSynapseWeightsAndDelays) {
  // One spike at 4 ms through synapses with individual delays and weights (one
  // Connect call): each target sees it at 4 + d_k with its own weight w_k.
  const std::vector<double> delays = {0.1, 1.3, 2.7, 0.5};
  const std::vector<double> weights = {10.0, -20.0, 30.0, 40.0};
  Simulator sim;
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{4.0}}});
  NodeCollection parrots = sim.create("parrot_neuron", 4);
  NodeCollection cells = sim.create("iaf_psc_exp", 4, {{"V_th", 1e3}});
  NodeCollection sr = sim.create("spike_recorder");
  NodeCollection mm = sim.create(
      "multimeter", 1, {{"record_from", std::vector<std::string>{"I_syn_ex", "I_syn_in"}}, {"interval", 0.1}});
  SynSpec s;
  s.weight = ParamSource::of(weights);
  s.delay = ParamSource::of(delays);
  sim.connect(sg, parrots, {"all_to_all", {}}, s);
  sim.connect(sg, cells, {"all_to_all", {}}, s);
  sim.connect(parrots, sr);
  sim.connect(mm, cells);
  sim.simulate(10.0);

  const Events fired = sim.events(sr[0]);
  ASSERT_EQ(fired.times.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    const long idx = parrots.index_of(static_cast<uint32_t>(fired.senders[k]));
    ASSERT_GE(idx, 0);
    EXPECT_NEAR(fired.times[k], 4.0 + delays[idx], 1e-9) << "parrot " << idx;
  }
  const Events ev = sim.events(mm[0]);
  const std::vector<double> ex = column(ev, "I_syn_ex"), in = column(ev, "I_syn_in");
  for (std::size_t k = 0; k < 4; ++k) {
    double first_time = -1, first_value = 0;
    for (std::size_t j = 0; j < ev.times.size(); ++j) {
      if (ev.senders[j] != static_cast<long>(cells[k])) continue;
      const double v = weights[k] > 0 ? ex[j] : in[j];
      if (v != 0.0) {
        first_time = ev.times[j], first_value = v;
        break;
      }
    }
    EXPECT_NEAR(first_time, 4.0 + delays[k], 1e-9) << "cell " << k;
    EXPECT_NEAR(first_value, weights[k], 1e-12) << "cell " << k;
  }
}

}  // namespace
}  // namespace nestkit
