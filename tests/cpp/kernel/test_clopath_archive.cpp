// The Clopath archive (NEST's ClopathArchivingNode): the delay line of the filtered
// potentials, the LTD ring looked up by exact time, the LTP list read in (t1, t2]
// and pruned once every incoming synapse has read it.
#include <gtest/gtest.h>

#include "nestkit/clopath_archive.hpp"

namespace nestkit {
namespace {

constexpr double kRes = 0.1;
const ClopathRule kRule{14.0e-5, 8.0e-5, 60.0, -45.3, -70.6, true};

// Writes `steps` steps of constant state for node 0, the step ending at k * kRes.
void write_steps(ClopathArchive& a, long first, long last, double u, double ubp, double ubm, double ubb = -70.6) {
  for (long k = first; k <= last; ++k) a.write(0, k * kRes, u, ubp, ubm, ubb, kRule, kRes);
}

TEST(ClopathArchive, NothingIsRecordedWithoutIncomingConnections) {
  ClopathArchive a;
  a.init(0, 5, 3);
  write_steps(a, 1, 20, -40.0, -50.0, -60.0);
  EXPECT_EQ(a.ltp_length(0), 0u);
  EXPECT_EQ(a.ltd_value(0, 1.0), 0.0);
}

TEST(ClopathArchive, DelayLineStartsAtZeroAndDelaysByItsLength) {
  ClopathArchive a;
  a.init(0, 3, 100);
  a.register_connection(0);
  // u_bar_minus at the resting threshold: only the zero-filled delay line yields LTD,
  // for the first 3 steps; afterwards the delayed value equals theta_minus (no entry).
  write_steps(a, 1, 10, -70.0, -70.6, -70.6);
  for (long k = 1; k <= 3; ++k) EXPECT_DOUBLE_EQ(a.ltd_value(0, k * kRes), 14.0e-5 * 70.6) << k;
  EXPECT_EQ(a.ltd_value(0, 4 * kRes), 0.0);
  // A value written at step 11 appears 3 steps later.
  a.write(0, 1.1, -70.0, -70.6, -60.6, -70.6, kRule, kRes);
  write_steps(a, 12, 14, -70.0, -70.6, -70.6);
  EXPECT_EQ(a.ltd_value(0, 1.3), 0.0);
  EXPECT_DOUBLE_EQ(a.ltd_value(0, 1.4), 14.0e-5 * 10.0);
}

TEST(ClopathArchive, LtdRingKeepsMaxDelayPlusOneEntries) {
  ClopathArchive a;
  a.init(0, 0, 4);  // no delay; a ring of 5
  a.register_connection(0);
  write_steps(a, 1, 12, -70.0, -70.6, -65.6);
  for (long k = 1; k <= 7; ++k) EXPECT_EQ(a.ltd_value(0, k * kRes), 0.0) << k;
  for (long k = 8; k <= 12; ++k) EXPECT_DOUBLE_EQ(a.ltd_value(0, k * kRes), 14.0e-5 * 5.0) << k;
  EXPECT_EQ(a.ltd_value(0, -0.1), 0.0);
}

TEST(ClopathArchive, WeightDependentLtd) {
  ClopathArchive a;
  a.init(0, 0, 1);
  a.register_connection(0);
  ClopathRule rule = kRule;
  rule.A_LTD_const = false;
  a.write(0, 0.1, -70.0, -70.6, -60.6, -20.0, rule, kRes);
  EXPECT_DOUBLE_EQ(a.ltd_value(0, 0.1), 14.0e-5 * -20.0 * -20.0 * 10.0 / 60.0);
}

TEST(ClopathArchive, LtpWindowAndPruning) {
  ClopathArchive a;
  a.init(0, 0, 1);
  a.register_connection(0);
  a.register_connection(0);
  write_steps(a, 1, 10, -40.0, -60.6, -80.0);  // LTP at every step, no LTD
  EXPECT_EQ(a.ltp_length(0), 10u);
  auto [b, e] = a.ltp_history(0, 0.2, 0.5);  // (0.2, 0.5]: 0.3, 0.4, 0.5
  ASSERT_EQ(e - b, 3);
  EXPECT_DOUBLE_EQ(b->t, 0.3);
  EXPECT_DOUBLE_EQ(b->dw, 8.0e-5 * (-40.0 + 45.3) * (-60.6 + 70.6) * kRes);
  // Read once of two incoming: nothing goes yet.
  write_steps(a, 11, 11, -40.0, -60.6, -80.0);
  EXPECT_EQ(a.ltp_length(0), 11u);
  a.ltp_history(0, -1.0, 0.4);  // the second reader: 0.3, 0.4 now read by both
  a.ltp_history(0, -1.0, 0.2);  // the first reader catches up: 0.1 .. 0.4 read by both
  write_steps(a, 12, 12, -40.0, -60.6, -80.0);
  EXPECT_EQ(a.ltp_length(0), 12u - 4u);
  auto [b2, e2] = a.ltp_history(0, 0.0, 10.0);
  EXPECT_DOUBLE_EQ(b2->t, 0.5);
  EXPECT_EQ(e2 - b2, 8);
}

}  // namespace
}  // namespace nestkit
