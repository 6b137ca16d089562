#pragma once
// NEST's construction and simulation timers (kernel status time_construction_create,
// time_construction_connect, time_simulate and their _cpu twins): wall-clock and process
// CPU seconds accumulated over the calls they time.
#include <chrono>
#include <ctime>

namespace nestkit {

struct Stopwatch {
  double wall = 0.0;
  double cpu = 0.0;
  bool running = false;  // a timed call made from inside another is not counted twice

  void reset() { wall = cpu = 0.0; }

  // Times one call: from construction to destruction; a no-op when already running.
  class Scope {
   public:
    explicit Scope(Stopwatch& sw) : sw_(sw.running ? nullptr : &sw) {
      if (!sw_) return;
      sw_->running = true;
      wall0_ = std::chrono::steady_clock::now();
      cpu0_ = std::clock();
    }
    ~Scope() {
      if (!sw_) return;
      sw_->wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count();
      sw_->cpu += static_cast<double>(std::clock() - cpu0_) / CLOCKS_PER_SEC;
      sw_->running = false;
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Stopwatch* sw_;
    std::chrono::steady_clock::time_point wall0_;
    std::clock_t cpu0_ = 0;
  };
};

}  // namespace nestkit
