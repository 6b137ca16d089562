#pragma once
// Whether a chunk's per-thread shares run on the OpenMP team, or one after another on the calling
// thread. Each share is the same either way (the partition of neurons and synapses depends on the
// thread count only, and the serial parts sit between the same phases), so results are identical;
// only the time differs. A small network does a few microseconds of work per thread and step, less
// than waking the other threads and meeting them at the chunk's barriers costs on a shared VM: NEST's
// e-prop sine-wave network (200 neurons, one step per chunk) ran 2.6x slower on 2 threads than on 1
// while another process kept one core busy. So where a chunk is short enough for that to matter,
// both ways are timed now and then, and the faster is used.
#include <cstdint>

namespace nestkit {

class ThreadTeamChoice {
 public:
  // NESTKIT_THREAD_TEAM=team|serial fixes the choice (tests, benchmarks); unset or "auto" measures.
  ThreadTeamChoice();
  // For the next chunk: run the shares on the team? (Always for one thread.)
  bool use_team(int threads);
  // The chunk just run, with the choice use_team gave: its wall time and its length in steps.
  void record(bool team, double seconds, long steps);

 private:
  enum class Mode : uint8_t { kAuto, kTeam, kSerial };
  void start_window(bool first_team);

  Mode mode_ = Mode::kAuto;
  int threads_ = 0;
  bool current_ = true;  // the choice outside measuring windows
  // A measuring window times both ways in alternating blocks of chunks, so that both see the
  // same stretch of the simulation (a network's work per step drifts).
  bool measuring_ = false;
  bool first_team_ = true;      // the way of the window's first block
  int chunk_ = 0;               // chunks of the window run so far
  double sum_[2] = {0.0, 0.0};  // seconds per step summed: [serial, team]
  int count_[2] = {0, 0};
  long until_probe_ = 0;  // chunks before the next measuring window
  long probe_every_ = 0;
  double team_chunk_ = 0.0;  // running mean of a team chunk's seconds
};

}  // namespace nestkit
