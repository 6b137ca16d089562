// NEST's time representation: ms -> tics (nearest), tics -> steps (round up),
// delays -> steps (nearest), steps -> ms, for several resolutions.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nestkit/simulator.hpp"
#include "nestkit/time_grid.hpp"
#include "test_util.hpp"

namespace nestkit {
namespace {

TimeGrid grid(double h) {
  TimeGrid g;
  g.set_resolution(h);
  return g;
}

TEST(TimeGrid, DefaultsAreNestDefaults) {
  TimeGrid g;
  EXPECT_DOUBLE_EQ(g.resolution(), 0.1);
  EXPECT_DOUBLE_EQ(g.tics_per_ms(), 1000.0);
  EXPECT_EQ(g.tics_per_step(), 100);
}

TEST(TimeGrid, TicsPerStepForSeveralResolutions) {
  EXPECT_EQ(grid(0.1).tics_per_step(), 100);
  EXPECT_EQ(grid(0.25).tics_per_step(), 250);
  EXPECT_EQ(grid(1.0).tics_per_step(), 1000);
  EXPECT_EQ(grid(0.05).tics_per_step(), 50);
  EXPECT_EQ(grid(0.001).tics_per_step(), 1);
  EXPECT_DOUBLE_EQ(grid(0.25).resolution(), 0.25);
  EXPECT_DOUBLE_EQ(grid(1.0).resolution(), 1.0);
}

TEST(TimeGrid, MsRoundToTheNearestTic) {
  const TimeGrid g;
  EXPECT_EQ(g.ms_to_tics(0.0), 0);
  EXPECT_EQ(g.ms_to_tics(1.0), 1000);
  EXPECT_EQ(g.ms_to_tics(0.3), 300);  // 0.3 is not exact in binary
  EXPECT_EQ(g.ms_to_tics(1.0004), 1000);
  EXPECT_EQ(g.ms_to_tics(1.0006), 1001);
  EXPECT_EQ(g.ms_to_tics(37.3), 37300);
}

TEST(TimeGrid, TimesRoundUpToWholeSteps) {
  const TimeGrid g = grid(0.1);
  EXPECT_EQ(g.ms_to_steps(0.0), 0);
  EXPECT_EQ(g.ms_to_steps(0.1), 1);
  EXPECT_EQ(g.ms_to_steps(1.0), 10);
  EXPECT_EQ(g.ms_to_steps(2.0), 20);
  EXPECT_EQ(g.ms_to_steps(2.05), 21);    // 20.5 steps -> 21
  EXPECT_EQ(g.ms_to_steps(2.001), 21);   // one tic past a step -> next step
  EXPECT_EQ(g.ms_to_steps(2.0004), 20);  // rounds to 2000 tics first
  EXPECT_EQ(g.ms_to_steps(0.3), 3);
  EXPECT_EQ(g.ms_to_steps(37.3), 373);
  EXPECT_EQ(g.ms_to_steps(62.7), 627);

  const TimeGrid q = grid(0.25);
  EXPECT_EQ(q.ms_to_steps(1.0), 4);
  EXPECT_EQ(q.ms_to_steps(1.1), 5);  // 4.4 -> 5
  EXPECT_EQ(q.ms_to_steps(2.1), 9);  // 8.4 -> 9
  EXPECT_EQ(q.ms_to_steps(0.25), 1);
  EXPECT_EQ(q.ms_to_steps(0.26), 2);

  const TimeGrid one = grid(1.0);
  EXPECT_EQ(one.ms_to_steps(2.0), 2);
  EXPECT_EQ(one.ms_to_steps(2.5), 3);
  EXPECT_EQ(one.ms_to_steps(2.999), 3);
  EXPECT_EQ(one.ms_to_steps(3.0), 3);
}

TEST(TimeGrid, InfinitiesSaturate) {
  const TimeGrid g;
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(g.ms_to_steps(inf), TimeGrid::kInfSteps);
  EXPECT_EQ(g.ms_to_steps(-inf), -TimeGrid::kInfSteps);
  EXPECT_TRUE(g.on_grid(inf));
}

TEST(TimeGrid, DelaysRoundToTheNearestStep) {
  const TimeGrid g = grid(0.1);
  EXPECT_EQ(g.delay_to_steps(1.0), 10);
  EXPECT_EQ(g.delay_to_steps(1.04), 10);
  EXPECT_EQ(g.delay_to_steps(1.06), 11);
  EXPECT_EQ(g.delay_to_steps(0.04), 0);
  EXPECT_EQ(g.delay_to_steps(0.1), 1);
  EXPECT_EQ(g.delay_to_steps(1.5), 15);

  const TimeGrid q = grid(0.25);
  EXPECT_EQ(q.delay_to_steps(1.1), 4);    // 4.4 -> 4
  EXPECT_EQ(q.delay_to_steps(1.2), 5);    // 4.8 -> 5
  EXPECT_EQ(q.delay_to_steps(0.375), 2);  // exactly 1.5 steps: halves round up
  EXPECT_EQ(q.delay_to_steps(0.1), 0);
  EXPECT_DOUBLE_EQ(q.delay_to_ms(5), 1.25);

  const TimeGrid one = grid(1.0);
  EXPECT_EQ(one.delay_to_steps(1.4), 1);
  EXPECT_EQ(one.delay_to_steps(1.6), 2);
  EXPECT_EQ(one.delay_to_steps(2.5), 3);
}

TEST(TimeGrid, StepsToMs) {
  for (double h : {0.1, 0.25, 1.0, 0.05}) {
    const TimeGrid g = grid(h);
    for (long k : {0L, 1L, 3L, 7L, 10L, 373L, 1000L, 123456L})
      EXPECT_NEAR(g.steps_to_ms(k), k * h, 1e-12 * std::max(1.0, k * h)) << "h " << h << " k " << k;
    // Round trip: a grid time maps to its step and back.
    for (long k = 0; k < 2000; ++k) ASSERT_EQ(g.ms_to_steps(g.steps_to_ms(k)), k) << "h " << h;
  }
  // Quarter steps are exact in binary.
  EXPECT_EQ(grid(0.25).steps_to_ms(7), 1.75);
}

TEST(TimeGrid, OnGrid) {
  const TimeGrid g = grid(0.1);
  EXPECT_TRUE(g.on_grid(0.0));
  EXPECT_TRUE(g.on_grid(0.3));
  EXPECT_TRUE(g.on_grid(37.3));
  EXPECT_FALSE(g.on_grid(0.15));
  EXPECT_FALSE(g.on_grid(1.001));
  const TimeGrid q = grid(0.25);
  EXPECT_TRUE(q.on_grid(1.75));
  EXPECT_FALSE(q.on_grid(0.1));
}

TEST(TimeGrid, KernelStatusReflectsResolution) {
  for (double h : {0.1, 0.25, 1.0, 0.05}) {
    Simulator sim;
    sim.set_kernel_status({{"resolution", h}});
    const Dict d = sim.kernel_status();
    EXPECT_DOUBLE_EQ(testing::as_number(d.at("resolution")), h);
    EXPECT_EQ(std::get<long>(d.at("tics_per_step")), std::lround(h * 1000));
    EXPECT_DOUBLE_EQ(testing::as_number(d.at("tics_per_ms")), 1000.0);
    sim.create("iaf_psc_alpha");
    sim.simulate(3.0);
    EXPECT_NEAR(sim.biological_time(), 3.0, 1e-12);
  }
}

TEST(TimeGrid, ResolutionMustBeAMultipleOfTheTic) {
  Simulator sim;
  EXPECT_THROW(sim.set_kernel_status({{"resolution", 0.0}}), BadProperty);
  EXPECT_THROW(sim.set_kernel_status({{"resolution", -0.1}}), BadProperty);
  EXPECT_THROW(sim.set_kernel_status({{"resolution", 0.0004}}), BadProperty);
  EXPECT_DOUBLE_EQ(sim.resolution(), 0.1);
}

TEST(TimeGrid, SimulateTimeMustBeOnTheGrid) {
  Simulator sim;
  sim.create("iaf_psc_alpha");
  EXPECT_THROW(sim.simulate(1.05), BadParameterValue);
  EXPECT_THROW(sim.simulate(-1.0), BadParameterValue);
  EXPECT_DOUBLE_EQ(sim.biological_time(), 0.0);
  sim.simulate(1.1);
  EXPECT_NEAR(sim.biological_time(), 1.1, 1e-12);
}

}  // namespace
}  // namespace nestkit
