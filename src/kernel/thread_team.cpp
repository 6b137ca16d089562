#include "nestkit/thread_team.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

namespace nestkit {

namespace {
// A measuring window: kBlocks blocks of kBlock chunks, the ways alternating from block to block.
// A block's first chunk is not counted: it pays for the switch (the team's threads waking from
// sleep, caches warmed by other threads), which the chosen way does not pay chunk after chunk.
constexpr int kBlock = 4;
constexpr int kBlocks = 4;
// Windows start again after this many chunks, twice as many after each window that confirms the
// choice, up to kMaxProbeEvery (at most about 0.2 % of the chunks then run the slower way).
constexpr long kFirstProbeEvery = 64;
constexpr long kMaxProbeEvery = 4096;
// Only chunks shorter than this on the team are timed both ways: running the shares one after
// another wins only where waking and meeting the threads costs more than half the chunk's work,
// and that costs tens of microseconds (more on a loaded machine). Brunel's chunks (12,500 neurons,
// 15 steps) take about 2 ms and are never run serially.
constexpr double kSmallChunk = 1e-3;
constexpr double kWeight = 0.125;  // of a new chunk in the team's running mean
}  // namespace

ThreadTeamChoice::ThreadTeamChoice() {
  if (const char* v = std::getenv("NESTKIT_THREAD_TEAM")) {
    const std::string_view s(v);
    if (s == "team") mode_ = Mode::kTeam;
    if (s == "serial") mode_ = Mode::kSerial;
  }
}

void ThreadTeamChoice::start_window(bool first_team) {
  measuring_ = true;
  first_team_ = first_team;
  chunk_ = 0;
  sum_[0] = sum_[1] = 0.0;
  count_[0] = count_[1] = 0;
}

bool ThreadTeamChoice::use_team(int threads) {
  if (threads <= 1 || mode_ == Mode::kTeam) return true;
  if (mode_ == Mode::kSerial) return false;
  if (threads != threads_) {  // a new thread count: the team first, measured after a few chunks
    threads_ = threads;
    current_ = true;
    measuring_ = false;
    team_chunk_ = 0.0;
    until_probe_ = kBlock;
    probe_every_ = kFirstProbeEvery;
  }
  if (!measuring_) return current_;
  return ((chunk_ / kBlock) % 2 == 0) == first_team_;
}

void ThreadTeamChoice::record(bool team, double seconds, long steps) {
  if (mode_ != Mode::kAuto || threads_ <= 1 || steps <= 0) return;
  if (!measuring_) {
    if (team) team_chunk_ = team_chunk_ == 0.0 ? seconds : team_chunk_ + kWeight * (seconds - team_chunk_);
    if (--until_probe_ > 0) return;
    if (!current_ || team_chunk_ < kSmallChunk)
      start_window(!current_);
    else
      until_probe_ = probe_every_;
    return;
  }
  if (chunk_ % kBlock != 0) {
    sum_[team ? 1 : 0] += seconds / static_cast<double>(steps);
    ++count_[team ? 1 : 0];
  }
  if (++chunk_ < kBlock * kBlocks) return;
  measuring_ = false;
  const bool faster_team = sum_[1] / count_[1] <= sum_[0] / count_[0];
  if (faster_team == current_) {
    probe_every_ = std::min(2 * probe_every_, kMaxProbeEvery);
  } else {
    current_ = faster_team;
    probe_every_ = kFirstProbeEvery;
  }
  until_probe_ = probe_every_;
}

}  // namespace nestkit
