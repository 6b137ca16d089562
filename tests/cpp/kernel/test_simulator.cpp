// Kernel semantics through the public API: chunked runs, thread-count
// independence, min/max delay, delay rounding and the error contract (exception
// type, suggestion in the message, nothing changed after a failed call).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

using testing::as_number;
using testing::status_number;
using testing::syn;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- chunking and threads -------------------------------------------------------------

struct NetworkRecord {
  Events spikes, trace;
};

// 100 neurons with Poisson drive and random fixed_indegree recurrence (random
// delays from 1.5 to 3.0 ms, so min_delay is 15 steps), run in the given chunks.
// Further devices: a high-rate Poisson generator (large-mean sampler), a
// spike_generator with weights and a dc_generator with a window.
NetworkRecord run_network(int threads, const std::vector<double>& chunks, long seed = 1234) {
  Simulator sim;
  sim.set_kernel_status({{"local_num_threads", static_cast<long>(threads)}, {"rng_seed", seed}});
  NodeCollection exc = sim.create("iaf_psc_alpha", 80, {{"I_e", 100.0}});
  NodeCollection inh = sim.create("iaf_psc_alpha", 20, {{"I_e", 100.0}});
  NodeCollection all = exc + inh;
  NodeCollection noise = sim.create("poisson_generator", 1, {{"rate", 4000.0}});
  NodeCollection sr = sim.create("spike_recorder");
  NodeCollection mm = sim.create(
      "multimeter", 1, {{"record_from", std::vector<std::string>{"V_m", "I_syn_ex", "I_syn_in"}}, {"interval", 0.1}});
  sim.connect(noise, all, {}, syn(15.0, 1.5));
  SynSpec e;
  e.weight = ParamSource::of(40.0);
  e.delay = ParamSource::of(Distribution{"uniform", 1.5, 3.0});
  sim.connect(exc, all, {"fixed_indegree", {{"indegree", 10L}}}, e);
  sim.connect(inh, all, {"fixed_indegree", {{"indegree", 5L}, {"allow_autapses", false}}}, syn(-160.0, 1.5));
  NodeCollection fast = sim.create("poisson_generator", 1, {{"rate", 300000.0}});  // 30 spikes per step
  sim.connect(fast, all.slice(0, 100, 3), {}, syn(0.5, 2.0));
  NodeCollection sg = sim.create("spike_generator", 1,
                                 {{"spike_times", std::vector<double>{5.0, 5.1, 33.3, 61.7, 61.8}},
                                  {"spike_weights", std::vector<double>{2.0, -1.0, 3.0, 1.5, 4.0}}});
  sim.connect(sg, all.slice(10, 60, 1), {}, syn(100.0, 1.7));
  NodeCollection dc = sim.create("dc_generator", 1, {{"amplitude", 80.0}, {"start", 20.0}, {"stop", 70.0}});
  sim.connect(dc, all.slice(50, 100, 1), {}, syn(1.0, 1.5));
  sim.connect(all, sr);
  sim.connect(mm, all.slice(0, 100, 9));
  for (double t : chunks) sim.simulate(t);
  return {sim.events(sr[0]), sim.events(mm[0])};
}

void expect_identical(const NetworkRecord& a, const NetworkRecord& b) {
  EXPECT_EQ(a.spikes.senders, b.spikes.senders);
  EXPECT_EQ(a.spikes.times, b.spikes.times);
  EXPECT_EQ(a.trace.senders, b.trace.senders);
  EXPECT_EQ(a.trace.times, b.trace.times);
  ASSERT_EQ(a.trace.values.size(), b.trace.values.size());
  for (std::size_t r = 0; r < a.trace.values.size(); ++r) {
    EXPECT_EQ(a.trace.values[r].first, b.trace.values[r].first);
    EXPECT_EQ(a.trace.values[r].second, b.trace.values[r].second) << a.trace.values[r].first;  // bitwise
  }
}

TEST(Kernel, ReferenceNetworkIsActive) {
  const NetworkRecord r = run_network(1, {100.0});
  EXPECT_GT(r.spikes.times.size(), 100u);
  EXPECT_GT(r.trace.times.size(), 10u * 900u);
  // Spikes arrive at the recorder in time order, on the grid, within the run.
  EXPECT_TRUE(std::is_sorted(r.spikes.times.begin(), r.spikes.times.end()));
  for (double t : r.spikes.times) {
    EXPECT_GT(t, 0.0);
    EXPECT_LE(t, 100.0 + 1e-9);
    EXPECT_NEAR(t * 10, std::round(t * 10), 1e-9);
  }
  // Some other seed gives another realisation.
  const NetworkRecord other = run_network(1, {100.0}, 4321);
  EXPECT_NE(r.spikes.times, other.spikes.times);
}

TEST(Kernel, ChunkedSimulateGivesIdenticalEvents) {
  const NetworkRecord whole = run_network(1, {100.0});
  expect_identical(whole, run_network(1, {37.3, 62.7}));
  // Chunks that are not multiples of min_delay (1.5 ms), down to a single step.
  expect_identical(whole, run_network(1, {0.1, 0.2, 1.3, 2.9, 7.1, 13.4, 25.0, 50.0}));
  expect_identical(whole, run_network(1, std::vector<double>(40, 2.5)));
}

TEST(Kernel, ThreadCountDoesNotChangeResults) {
  const NetworkRecord one = run_network(1, {100.0});
  expect_identical(one, run_network(2, {100.0}));
  expect_identical(one, run_network(3, {100.0}));
  expect_identical(one, run_network(2, {37.3, 62.7}));
}

// --- delays ---------------------------------------------------------------------------

TEST(Kernel, MinAndMaxDelayComeFromTheConnections) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 3);
  sim.connect(n.slice(0, 1, 1), n.slice(1, 2, 1), {}, syn(1.0, 1.5));
  sim.connect(n.slice(1, 2, 1), n.slice(2, 3, 1), {}, syn(1.0, 3.0));
  sim.connect(n.slice(2, 3, 1), n.slice(0, 1, 1), {}, syn(1.0, 2.2));
  Dict d = sim.kernel_status();
  EXPECT_DOUBLE_EQ(as_number(d.at("min_delay")), 1.5);
  EXPECT_DOUBLE_EQ(as_number(d.at("max_delay")), 3.0);
  sim.simulate(5.0);
  EXPECT_EQ(sim.min_delay_steps(), 15);
  EXPECT_EQ(sim.max_delay_steps(), 30);
  d = sim.kernel_status();
  EXPECT_DOUBLE_EQ(as_number(d.at("min_delay")), 1.5);
  EXPECT_DOUBLE_EQ(as_number(d.at("max_delay")), 3.0);
}

TEST(Kernel, DelaysAreRoundedToTheNearestStep) {
  for (auto [h, asked, expected] :
       {std::tuple{0.1, 1.04, 1.0}, std::tuple{0.1, 1.06, 1.1}, std::tuple{0.1, 2.0, 2.0}, std::tuple{0.25, 1.1, 1.0},
        std::tuple{0.25, 1.2, 1.25}, std::tuple{0.25, 0.375, 0.5}, std::tuple{1.0, 1.6, 2.0}}) {
    Simulator sim;
    sim.set_kernel_status({{"resolution", h}});
    NodeCollection n = sim.create("iaf_psc_alpha", 2);
    sim.connect(n.slice(0, 1, 1), n.slice(1, 2, 1), {}, syn(1.0, asked));
    const SynapseCollection c = sim.get_connections();
    ASSERT_EQ(c.index.size(), 1u);
    const ConnectionTable t = sim.connection_values(c, {"delay"});
    EXPECT_NEAR(as_number(t.columns[0][0]), expected, 1e-12) << "h " << h << " delay " << asked;
  }
}

TEST(Kernel, DelayBelowResolutionIsABadDelayAndConnectsNothing) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 4);
  sim.connect(n.slice(0, 1, 1), n.slice(1, 2, 1), {}, syn(1.0, 1.0));
  ASSERT_EQ(sim.num_connections(), 1u);
  EXPECT_THROW(sim.connect(n, n, {}, syn(1.0, 0.04)), BadDelay);
  EXPECT_THROW(sim.connect(n, n, {}, syn(1.0, 0.0)), BadDelay);
  EXPECT_THROW(sim.connect(n, n, {}, syn(1.0, -1.0)), BadDelay);
  EXPECT_THROW(sim.connect(n, n, {"fixed_indegree", {{"indegree", 2L}}}, syn(1.0, 0.04)), BadDelay);
  // One bad delay among several: the whole call is rejected.
  SynSpec mixed;
  mixed.delay = ParamSource::of(std::vector<double>{1.0, 1.0, 0.01});
  EXPECT_THROW(sim.connect_arrays({1, 2, 3}, {2, 3, 4}, mixed), BadDelay);
  EXPECT_EQ(sim.num_connections(), 1u);
  EXPECT_EQ(sim.get_connections().index.size(), 1u);
  EXPECT_THROW(sim.set_defaults("static_synapse", {{"delay", 0.01}}), BadDelay);
  EXPECT_DOUBLE_EQ(as_number(sim.get_defaults("static_synapse").at("delay")), 1.0);
}

TEST(Kernel, DelaysOutsideTheFrozenRangeAreRejectedAfterSimulate) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 2);
  sim.connect(n.slice(0, 1, 1), n.slice(1, 2, 1), {}, syn(1.0, 1.0));
  sim.connect(n.slice(1, 2, 1), n.slice(0, 1, 1), {}, syn(1.0, 2.0));
  sim.simulate(1.0);
  EXPECT_THROW(sim.connect(n, n, {}, syn(1.0, 0.5)), BadDelay);
  EXPECT_THROW(sim.connect(n, n, {}, syn(1.0, 2.5)), BadDelay);
  EXPECT_EQ(sim.num_connections(), 2u);
  sim.connect(n, n, {}, syn(1.0, 1.5));
  EXPECT_EQ(sim.num_connections(), 6u);
}

// --- unknown names ----------------------------------------------------------------

TEST(Kernel, UnknownModelNameSuggestsTheClosestName) {
  Simulator sim;
  try {
    sim.create("iaf_psc_alfa");
    FAIL() << "expected UnknownModelName";
  } catch (const UnknownModelName& e) {
    EXPECT_EQ(e.kind(), "UnknownModelName");
    EXPECT_TRUE(contains(e.what(), "iaf_psc_alfa")) << e.what();
    EXPECT_TRUE(contains(e.what(), "Did you mean 'iaf_psc_alpha'")) << e.what();
  }
  try {
    NodeCollection n = sim.create("iaf_psc_alpha", 2);
    SynSpec s;
    s.synapse_model = "static_synapes";
    sim.connect(n, n, {}, s);
    FAIL() << "expected UnknownModelName";
  } catch (const UnknownModelName& e) {
    EXPECT_TRUE(contains(e.what(), "'static_synapse'")) << e.what();
  }
  EXPECT_EQ(sim.num_connections(), 0u);
  EXPECT_THROW(sim.get_defaults("no_such_model_at_all"), UnknownModelName);
  EXPECT_EQ(sim.network_size(), 2u);
}

TEST(Kernel, UnknownParameterSuggestsTheClosestName) {
  Simulator sim;
  try {
    sim.create("iaf_psc_alpha", 1, {{"tau_mm", 5.0}});
    FAIL() << "expected UnknownParameter";
  } catch (const UnknownParameter& e) {
    EXPECT_TRUE(contains(e.what(), "tau_mm")) << e.what();
    EXPECT_TRUE(contains(e.what(), "Did you mean 'tau_m'")) << e.what();
  }
  EXPECT_EQ(sim.network_size(), 0u);
  NodeCollection n = sim.create("iaf_psc_alpha");
  try {
    sim.set_status(n, {{"tau_syn_exc", 1.0}});
    FAIL() << "expected UnknownParameter";
  } catch (const UnknownParameter& e) {
    EXPECT_TRUE(contains(e.what(), "'tau_syn_ex'")) << e.what();
  }
  try {
    sim.get_status(n, {"C_n"});
    FAIL() << "expected UnknownParameter";
  } catch (const UnknownParameter& e) {
    EXPECT_TRUE(contains(e.what(), "'C_m'")) << e.what();
  }
  try {
    sim.set_kernel_status({{"resolutoin", 0.2}});
    FAIL() << "expected UnknownParameter";
  } catch (const UnknownParameter& e) {
    EXPECT_TRUE(contains(e.what(), "'resolution'")) << e.what();
  }
  try {
    sim.connect(n, n, {"fixed_indegree", {{"indegre", 1L}}});
    FAIL() << "expected UnknownParameter";
  } catch (const UnknownParameter& e) {
    EXPECT_TRUE(contains(e.what(), "'indegree'")) << e.what();
  }
  EXPECT_EQ(sim.num_connections(), 0u);
}

// --- kernel properties --------------------------------------------------------------

TEST(Kernel, ResolutionAndThreadsAreFrozenOnceNodesExist) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", 0.25}});
  sim.create("iaf_psc_alpha");
  EXPECT_THROW(sim.set_kernel_status({{"resolution", 0.5}}), KernelException);
  EXPECT_THROW(sim.set_kernel_status({{"local_num_threads", 2L}}), KernelException);
  EXPECT_DOUBLE_EQ(sim.resolution(), 0.25);
  EXPECT_EQ(std::get<long>(sim.kernel_status().at("local_num_threads")), 1);
  // A failed call changes nothing else either.
  EXPECT_THROW(sim.set_kernel_status({{"rng_seed", 99L}, {"resolution", 0.5}}), KernelException);
  EXPECT_EQ(std::get<long>(sim.kernel_status().at("rng_seed")), 143202461);
  sim.reset();
  EXPECT_DOUBLE_EQ(sim.resolution(), 0.1);
  EXPECT_EQ(sim.network_size(), 0u);
  sim.set_kernel_status({{"resolution", 0.5}, {"local_num_threads", 2L}});
  EXPECT_DOUBLE_EQ(sim.resolution(), 0.5);
  EXPECT_EQ(std::get<long>(sim.kernel_status().at("local_num_threads")), 2);
}

TEST(Kernel, ReadOnlyAndInvalidKernelProperties) {
  Simulator sim;
  EXPECT_THROW(sim.set_kernel_status({{"biological_time", 5.0}}), BadProperty);
  EXPECT_THROW(sim.set_kernel_status({{"rng_seed", 0L}}), BadProperty);
  EXPECT_THROW(sim.set_kernel_status({{"local_num_threads", 0L}}), BadProperty);
  sim.set_kernel_status({{"rng_seed", 7L}});
  EXPECT_EQ(std::get<long>(sim.kernel_status().at("rng_seed")), 7);
}

// --- connection errors ---------------------------------------------------------------

TEST(Kernel, FixedIndegreeBeyondTheSourcesWithoutMultapsesIsABadProperty) {
  Simulator sim;
  NodeCollection pre = sim.create("iaf_psc_alpha", 5);
  NodeCollection post = sim.create("iaf_psc_alpha", 3);
  EXPECT_THROW(sim.connect(pre, post, {"fixed_indegree", {{"indegree", 6L}, {"allow_multapses", false}}}), BadProperty);
  // Within one population and without autapses, only n - 1 sources are available.
  EXPECT_THROW(
      sim.connect(pre, pre,
                  {"fixed_indegree", {{"indegree", 5L}, {"allow_multapses", false}, {"allow_autapses", false}}}),
      BadProperty);
  EXPECT_EQ(sim.num_connections(), 0u);
  // With multapses the same indegree is fine.
  sim.connect(pre, post, {"fixed_indegree", {{"indegree", 6L}}});
  EXPECT_EQ(sim.num_connections(), 18u);
}

TEST(Kernel, IllegalConnectionsAndUnknownNodes) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 2);
  NodeCollection pg = sim.create("poisson_generator");
  NodeCollection sr = sim.create("spike_recorder");
  EXPECT_THROW(sim.connect(n, pg), IllegalConnection);  // generators receive nothing
  EXPECT_THROW(sim.connect(sr, n), IllegalConnection);  // recorders send nothing
  EXPECT_THROW(sim.connect(n, NodeCollection({99})), UnknownNode);
  EXPECT_THROW(sim.get_status(NodeCollection({42})), UnknownNode);
  EXPECT_THROW(sim.events(n[0]), BadProperty);  // not a recorder
  EXPECT_THROW(sim.create("iaf_psc_alpha", 0), BadProperty);
  EXPECT_EQ(sim.num_connections(), 0u);
  EXPECT_EQ(sim.network_size(), 4u);
}

TEST(Kernel, GetConnectionsFiltersBySourceAndTarget) {
  Simulator sim;
  NodeCollection a = sim.create("iaf_psc_alpha", 3);
  NodeCollection b = sim.create("iaf_psc_alpha", 3);
  sim.connect(a, b, {}, syn(2.0, 1.0));                   // 9 connections
  sim.connect(b, a, {"one_to_one", {}}, syn(-3.0, 1.5));  // 3 connections
  EXPECT_EQ(sim.num_connections(), 12u);
  EXPECT_EQ(sim.get_connections().index.size(), 12u);
  EXPECT_EQ(sim.get_connections(&a).index.size(), 9u);
  EXPECT_EQ(sim.get_connections(&b).index.size(), 3u);
  EXPECT_EQ(sim.get_connections(nullptr, &a).index.size(), 3u);
  const NodeCollection one = b.slice(1, 2, 1);
  const SynapseCollection c = sim.get_connections(&a, &one);
  ASSERT_EQ(c.index.size(), 3u);
  const ConnectionTable t = sim.connection_values(c, {"source", "target", "weight", "delay"});
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(std::get<long>(t.columns[0][k]), static_cast<long>(a[k]));
    EXPECT_EQ(std::get<long>(t.columns[1][k]), static_cast<long>(b[1]));
    EXPECT_EQ(as_number(t.columns[2][k]), 2.0);
    EXPECT_DOUBLE_EQ(as_number(t.columns[3][k]), 1.0);
  }
  const SynapseCollection back = sim.get_connections(&b);
  const ConnectionTable u = sim.connection_values(back, {"source", "target", "weight"});
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(std::get<long>(u.columns[0][k]), static_cast<long>(b[k]));
    EXPECT_EQ(std::get<long>(u.columns[1][k]), static_cast<long>(a[k]));
    EXPECT_EQ(as_number(u.columns[2][k]), -3.0);
  }
  // A collection taken before new connections is outdated afterwards.
  sim.connect(a, a, {"one_to_one", {}});
  EXPECT_THROW(sim.connection_values(back, {"weight"}), KernelException);
}

}  // namespace
}  // namespace nestkit
