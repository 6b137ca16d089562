// ThreadTeamChoice: which way a chunk's thread shares run, from the chunks' timings.
#include <gtest/gtest.h>

#include <cstdlib>

#include "nestkit/thread_team.hpp"

namespace nestkit {
namespace {

// Runs `chunks` one-step chunks; the team takes `team_s` seconds each, the serial way `serial_s`.
// Returns how many of the last `tail` chunks ran on the team.
int team_chunks_at_end(ThreadTeamChoice& choice, int chunks, double team_s, double serial_s, int tail) {
  int team_at_end = 0;
  for (int k = 0; k < chunks; ++k) {
    const bool team = choice.use_team(2);
    if (k >= chunks - tail) team_at_end += team;
    choice.record(team, team ? team_s : serial_s, 1);
  }
  return team_at_end;
}

class ThreadTeamChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override { unsetenv("NESTKIT_THREAD_TEAM"); }
  void TearDown() override { unsetenv("NESTKIT_THREAD_TEAM"); }
};

TEST_F(ThreadTeamChoiceTest, OneThreadAlwaysRunsAsATeam) {
  ThreadTeamChoice choice;
  for (int k = 0; k < 100; ++k) {
    EXPECT_TRUE(choice.use_team(1));
    choice.record(true, 1e-5, 1);
  }
}

TEST_F(ThreadTeamChoiceTest, SmallChunksGoSerialWhenThatIsFaster) {
  ThreadTeamChoice choice;
  team_chunks_at_end(choice, 2000, 300e-6, 100e-6, 0);
  // Then every chunk runs serially, apart from the team's blocks of rare measuring windows.
  int team = 0;
  for (int k = 0; k < 1000; ++k) {
    const bool t = choice.use_team(2);
    team += t;
    choice.record(t, t ? 300e-6 : 100e-6, 1);
  }
  EXPECT_LE(team, 30);  // only probe windows' team blocks
}

TEST_F(ThreadTeamChoiceTest, SmallChunksStayOnTheTeamWhenThatIsFaster) {
  ThreadTeamChoice choice;
  team_chunks_at_end(choice, 500, 50e-6, 100e-6, 0);
  int serial = 0;
  for (int k = 0; k < 2000; ++k) {
    const bool t = choice.use_team(2);
    serial += !t;
    choice.record(t, t ? 50e-6 : 100e-6, 1);
  }
  EXPECT_LE(serial, 40);
}

TEST_F(ThreadTeamChoiceTest, TheChoiceFollowsAChangeOfSpeed) {
  ThreadTeamChoice choice;
  team_chunks_at_end(choice, 3000, 50e-6, 100e-6, 0);
  // The machine gets loaded: the team becomes slower than the serial way.
  EXPECT_LE(team_chunks_at_end(choice, 30000, 400e-6, 100e-6, 1000), 30);
}

TEST_F(ThreadTeamChoiceTest, LongChunksAreNeverRunSerially) {
  ThreadTeamChoice choice;
  for (int k = 0; k < 10000; ++k) {
    ASSERT_TRUE(choice.use_team(2)) << "chunk " << k;
    choice.record(true, 2e-3, 15);
  }
}

TEST_F(ThreadTeamChoiceTest, TheEnvironmentFixesTheChoice) {
  setenv("NESTKIT_THREAD_TEAM", "serial", 1);
  ThreadTeamChoice serial;
  setenv("NESTKIT_THREAD_TEAM", "team", 1);
  ThreadTeamChoice team;
  for (int k = 0; k < 200; ++k) {
    EXPECT_FALSE(serial.use_team(2));
    serial.record(false, 1.0, 1);
    EXPECT_TRUE(team.use_team(2));
    team.record(true, 1.0, 1);
  }
  EXPECT_TRUE(serial.use_team(1));  // one thread: nothing to choose
}

}  // namespace
}  // namespace nestkit
