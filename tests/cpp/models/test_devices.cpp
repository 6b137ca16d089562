// Devices: recording windows (origin + start, origin + stop], multimeter
// schedules, resetting events, and the poisson_generator's spike statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "nestkit/simulator.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

using testing::syn;

std::vector<double> recorded_times(Simulator& sim, const Dict& recorder_params, const std::vector<double>& spikes,
                                   double t_end) {
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", spikes}});
  NodeCollection sr = sim.create("spike_recorder", 1, recorder_params);
  sim.connect(sg, sr);
  sim.simulate(t_end);
  return sim.events(sr[0]).times;
}

void expect_times(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-9) << k;
}

TEST(SpikeRecorder, RecordsStampsInTheHalfOpenWindow) {
  const std::vector<double> spikes = {1.0, 5.0, 5.1, 7.0, 10.0, 10.1, 12.0};
  {
    Simulator sim;
    expect_times(recorded_times(sim, {}, spikes, 20.0), spikes);
  }
  {
    Simulator sim;
    expect_times(recorded_times(sim, {{"start", 5.0}, {"stop", 10.0}}, spikes, 20.0), {5.1, 7.0, 10.0});
  }
  {
    Simulator sim;  // origin shifts the window: (2 + 3, 2 + 8]
    expect_times(recorded_times(sim, {{"origin", 2.0}, {"start", 3.0}, {"stop", 8.0}}, spikes, 20.0), {5.1, 7.0, 10.0});
  }
  {
    Simulator sim;
    sim.set_kernel_status({{"resolution", 0.25}});
    expect_times(recorded_times(sim, {{"start", 5.0}, {"stop", 10.0}}, {5.0, 5.25, 10.0, 10.25}, 20.0), {5.25, 10.0});
  }
}

TEST(SpikeRecorder, WindowMustBeOnTheGridAndOrdered) {
  Simulator sim;
  EXPECT_THROW(sim.create("spike_recorder", 1, {{"start", 5.0}, {"stop", 4.0}}), BadProperty);
  EXPECT_THROW(sim.create("spike_recorder", 1, {{"start", 0.05}}), BadProperty);
  EXPECT_EQ(sim.network_size(), 0u);
}

TEST(SpikeRecorder, NEventsCountsAndResets) {
  Simulator sim;
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.0, 3.0}}});
  NodeCollection sr = sim.create("spike_recorder");
  sim.connect(sg, sr);
  sim.simulate(10.0);
  EXPECT_EQ(std::get<long>(sim.get_status(sr, {"n_events"})[0].at("n_events")), 3);
  sim.set_status(sr, {{"n_events", 0L}});
  EXPECT_EQ(std::get<long>(sim.get_status(sr, {"n_events"})[0].at("n_events")), 0);
  EXPECT_TRUE(sim.events(sr[0]).times.empty());
  EXPECT_THROW(sim.set_status(sr, {{"n_events", 2L}}), BadProperty);
}

TEST(SpikeGenerator, MultiplicitiesAndValidation) {
  Simulator sim;
  NodeCollection sg =
      sim.create("spike_generator", 1,
                 {{"spike_times", std::vector<double>{1.0, 2.0}}, {"spike_multiplicities", std::vector<long>{3, 1}}});
  NodeCollection sr = sim.create("spike_recorder");
  sim.connect(sg, sr);
  sim.simulate(5.0);
  expect_times(sim.events(sr[0]).times, {1.0, 1.0, 1.0, 2.0});
  EXPECT_THROW(sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{2.0, 1.0}}}), BadProperty);
  EXPECT_THROW(sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.05}}}), BadProperty);
  EXPECT_THROW(
      sim.create("spike_generator", 1,
                 {{"spike_times", std::vector<double>{1.0, 2.0}}, {"spike_weights", std::vector<double>{1.0}}}),
      BadProperty);
}

// --- multimeter -------------------------------------------------------------------

NodeCollection v_meter(Simulator& sim, Dict params) {
  params["record_from"] = std::vector<std::string>{"V_m"};
  return sim.create("multimeter", 1, params);
}

TEST(Multimeter, IntervalOffsetAndWindow) {
  auto sample_times = [](const Dict& params) {
    Simulator sim;
    NodeCollection n = sim.create("iaf_psc_alpha");
    NodeCollection mm = v_meter(sim, params);
    sim.connect(mm, n);
    sim.simulate(10.0);
    sim.simulate(2.0);  // hands over the samples of the previous run's last slice
    std::vector<double> t;
    for (double x : sim.events(mm[0]).times)
      if (x <= 10.0 + 1e-9) t.push_back(x);
    return t;
  };
  expect_times(sample_times({{"interval", 1.0}}), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  expect_times(sample_times({{"interval", 2.5}}), {2.5, 5.0, 7.5, 10.0});
  expect_times(sample_times({{"interval", 1.0}, {"start", 3.0}, {"stop", 6.0}}), {4, 5, 6});
  expect_times(sample_times({{"interval", 1.0}, {"offset", 0.5}}), {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5});
}

// NEST's documented offset semantics: samples at offset + k interval, independent of
// when the multimeter was created; start/stop/origin only filter them.
TEST(Multimeter, OffsetSamplesAreRelativeToTimeZero) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", 0.125}});
  NodeCollection n = sim.create("iaf_psc_alpha");
  NodeCollection mm = v_meter(sim, {{"interval", 3.0}, {"offset", 5.0}});
  sim.connect(mm, n);
  sim.simulate(15.0);
  expect_times(sim.events(mm[0]).times, {5.0, 8.0, 11.0, 14.0});
}

TEST(Multimeter, OffsetWithWindowForMetersCreatedLater) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", 0.125}});
  NodeCollection n = sim.create("iaf_psc_alpha");
  const Dict p = {{"start", 20.0}, {"stop", 30.0}, {"interval", 3.0}, {"offset", 5.0}};
  NodeCollection mm1 = v_meter(sim, p);
  sim.connect(mm1, n);
  sim.simulate(10.0);
  NodeCollection mm2 = v_meter(sim, p);
  sim.connect(mm2, n);
  sim.simulate(20.0);
  expect_times(sim.events(mm1[0]).times, {23.0, 26.0, 29.0});
  expect_times(sim.events(mm2[0]).times, {23.0, 26.0, 29.0});
}

TEST(Multimeter, ChangingOriginShiftsOnlyTheWindow) {
  Simulator sim;
  sim.set_kernel_status({{"resolution", 0.125}});
  NodeCollection n = sim.create("iaf_psc_alpha");
  NodeCollection mm = v_meter(sim, {{"start", 3.0}, {"stop", 15.0}, {"interval", 3.0}, {"offset", 5.0}});
  sim.connect(mm, n);
  sim.simulate(20.0);
  expect_times(sim.events(mm[0]).times, {5.0, 8.0, 11.0, 14.0});
  sim.set_status(mm, {{"origin", 20.0}});
  sim.simulate(20.0);
  expect_times(sim.events(mm[0]).times, {5.0, 8.0, 11.0, 14.0, 26.0, 29.0, 32.0, 35.0});
}

TEST(Multimeter, FirstSampleAfterCreationFollowsTheOffsetGrid) {
  for (auto [t_init, expected] : {std::pair{110.0, std::vector<double>{170.3, 230.3, 290.3, 350.3}},
                                  std::pair{250.0, std::vector<double>{290.3, 350.3, 410.3, 470.3}}}) {
    Simulator sim;
    NodeCollection n = sim.create("iaf_psc_exp");
    sim.simulate(t_init);
    NodeCollection mm = v_meter(sim, {{"interval", 60.0}, {"offset", 170.3}});
    sim.connect(mm, n, {}, syn(1.0, 0.1));
    sim.simulate(250.0);
    expect_times(sim.events(mm[0]).times, expected);
  }
}

TEST(Multimeter, ScheduleCannotChangeOnceConnected) {
  // NEST: "The recording interval, the interval offset and the list of properties
  // to record cannot be changed after the multimeter has been connected to nodes."
  for (const Dict& change :
       {Dict{{"offset", 5.0}}, Dict{{"interval", 2.0}}, Dict{{"record_from", std::vector<std::string>{"I_syn_ex"}}}}) {
    Simulator sim;
    NodeCollection n = sim.create("iaf_psc_alpha");
    NodeCollection mm = v_meter(sim, {{"interval", 1.0}});
    sim.connect(mm, n);
    EXPECT_THROW(sim.set_status(mm, change), BadProperty) << change.begin()->first << " before Simulate";
    sim.simulate(2.0);
    EXPECT_THROW(sim.set_status(mm, change), BadProperty) << change.begin()->first << " after Simulate";
    EXPECT_EQ(testing::status_number(sim, mm[0], "interval"), 1.0);
    EXPECT_EQ(testing::status_number(sim, mm[0], "offset"), 0.0);
  }
  // Without targets the schedule can still be changed.
  Simulator sim;
  NodeCollection mm = v_meter(sim, {{"interval", 1.0}});
  sim.set_status(mm, {{"interval", 2.0}, {"offset", 1.0}});
  EXPECT_EQ(testing::status_number(sim, mm[0], "interval"), 2.0);
}

TEST(Multimeter, IntervalMustBeAMultipleOfTheResolution) {
  Simulator sim;
  EXPECT_THROW(v_meter(sim, {{"interval", 0.15}}), BadProperty);
  EXPECT_THROW(v_meter(sim, {{"interval", 0.05}}), BadProperty);
  EXPECT_THROW(v_meter(sim, {{"interval", 0.0}}), BadProperty);
  EXPECT_EQ(sim.network_size(), 0u);
}

TEST(Multimeter, RecordsEveryConnectedNodeWithItsSender) {
  Simulator sim;
  NodeCollection n = sim.create("iaf_psc_alpha", 3, {{"I_e", 100.0}});
  sim.set_status(n, {{"I_e", std::vector<double>{0.0, 100.0, 200.0}}});
  NodeCollection mm =
      sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"V_m"}}, {"interval", 1.0}});
  sim.connect(mm, n);
  sim.simulate(20.0);
  const Events ev = sim.events(mm[0]);
  const std::vector<double> v = testing::column(ev, "V_m");
  ASSERT_EQ(v.size(), ev.senders.size());
  std::map<long, int> per_sender;
  for (std::size_t k = 0; k < v.size(); ++k) {
    const long s = ev.senders[k];
    ++per_sender[s];
    const double ie = 100.0 * static_cast<double>(s - static_cast<long>(n[0]));
    EXPECT_NEAR(v[k], -70.0 + 10.0 / 250.0 * ie * (1 - std::exp(-ev.times[k] / 10.0)), 1e-10);
  }
  ASSERT_EQ(per_sender.size(), 3u);
  EXPECT_EQ(per_sender[n[0]], per_sender[n[1]]);
  EXPECT_EQ(per_sender[n[1]], per_sender[n[2]]);
  EXPECT_GE(per_sender[n[0]], 19);
  // Unknown recordables are refused by Connect (NEST: IllegalConnection), which
  // then makes no connection.
  NodeCollection bad =
      sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"V_mm"}}, {"interval", 1.0}});
  const std::size_t before = sim.num_connections();
  EXPECT_THROW(sim.connect(bad, n), IllegalConnection);
  EXPECT_EQ(sim.num_connections(), before);
}

// --- poisson_generator ------------------------------------------------------------

TEST(PoissonGenerator, CountsArePoissonAndTrainsIndependentPerTarget) {
  // rate 1000 Hz for 1 s into 50 parrots: each count ~ Poisson(1000).
  Simulator sim;
  sim.set_kernel_status({{"rng_seed", 5L}});
  const double rate = 1000.0, t_end = 1000.0, mean = rate * t_end / 1000.0;
  const int n = 50;
  NodeCollection pg = sim.create("poisson_generator", 1, {{"rate", rate}});
  NodeCollection parrots = sim.create("parrot_neuron", n);
  NodeCollection sr = sim.create("spike_recorder");
  sim.connect(pg, parrots, {}, syn(1.0, 1.0));
  sim.connect(parrots, sr);
  sim.simulate(t_end + 2.0);
  const Events ev = sim.events(sr[0]);
  std::map<long, std::vector<double>> trains;
  for (std::size_t k = 0; k < ev.times.size(); ++k)
    if (ev.times[k] <= t_end + 1.0) trains[ev.senders[k]].push_back(ev.times[k]);  // 1 ms transmission delay
  ASSERT_EQ(trains.size(), static_cast<std::size_t>(n));
  double sum = 0, sum2 = 0;
  for (auto& [s, t] : trains) {
    sum += t.size();
    sum2 += double(t.size()) * t.size();
  }
  const double m = sum / n, var = sum2 / n - m * m;
  EXPECT_NEAR(sum, n * mean, 5 * std::sqrt(n * mean));
  EXPECT_NEAR(var, mean, 5 * mean * std::sqrt(2.0 / (n - 1)));
  // Independent trains: two targets share a step only by chance, with
  // probability ~ mu per step (mu = rate h = 0.1): about 10 % of the spikes.
  const auto& a = trains.begin()->second;
  const auto& b = std::next(trains.begin())->second;
  std::size_t shared = 0;
  for (double t : a) shared += std::binary_search(b.begin(), b.end(), t);
  EXPECT_LT(shared, a.size() / 5);
  // The first spike cannot precede the 1 ms delay plus one step.
  for (auto& [s, t] : trains) EXPECT_GE(t.front(), 1.1 - 1e-9);
}

TEST(PoissonGenerator, RateZeroIsSilentAndNegativeRateIsRejected) {
  Simulator sim;
  NodeCollection pg = sim.create("poisson_generator", 1, {{"rate", 0.0}});
  NodeCollection parrot = sim.create("parrot_neuron");
  NodeCollection sr = sim.create("spike_recorder");
  sim.connect(pg, parrot);
  sim.connect(parrot, sr);
  sim.simulate(100.0);
  EXPECT_TRUE(sim.events(sr[0]).times.empty());
  EXPECT_THROW(sim.set_status(pg, {{"rate", -1.0}}), BadProperty);
}

}  // namespace
}  // namespace nestkit
