// correlospinmatrix_detector: auto- and cross-correlations of the states of
// binary neurons on N_channels inputs (NEST 3.10's correlospinmatrix_detector).
//
// It decodes the binary neurons' transitions from the spike stream as NEST does
// (one channel and time remembered; multiplicity 2, or two single events of the
// same channel and time, is an up transition; a single event is a tentative down
// transition, confirmed by the next event that is not its second half). At each
// confirmed down transition of channel i the on-period [t_on, t_off) of i is
// correlated with every remembered on-period j: count_covariance[i][j][t0 - D]
// and [j][i][t0 + D] gain the overlap (in steps) of the two periods when j is
// shifted by D delta_tau, t0 = tau_max / delta_tau. Periods that ended more than
// tau_max + delta_tau + min_delay before the earliest start among the neurons now
// up are forgotten.
#include <algorithm>
#include <climits>
#include <deque>

#include "models/devices/correlation_common.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

using namespace devices::corr;

class CorrelospinmatrixDetector final : public DetectorBase {
 public:
  using DetectorBase::DetectorBase;

  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    if (key != "count_covariance") return false;
    out = state(i).count;
    return true;
  }
  std::vector<std::string> extra_keys() const override { return {"count_covariance"}; }

 protected:
  bool initialised(std::size_t i) const override { return i < state_.size() && state_[i].initialised; }
  void reset(std::size_t i) override {
    if (state_.size() < n_) state_.resize(n_);
    State& s = state_[i];
    const auto n = static_cast<std::size_t>(channels(i));
    s = State{};
    s.initialised = true;
    s.channels = n;
    // NEST sizes with 1 + 2.0 * tau_max / delta_tau (in steps), truncated.
    s.bins = static_cast<std::size_t>(1 + 2.0 * tau_max_steps(i) / delta_steps(i));
    s.up.assign(n, 0);
    s.last_change.assign(n, 0);
    s.count.assign(n * n * s.bins, 0);
  }

  void handle(std::size_t idx, const Event& e) override {
    State& s = state_[idx];
    const long cur = e.channel;
    bool down = false;
    if (e.multiplicity == 1) {
      if (cur == s.last_i && e.stamp == s.t_last) {
        // The second half of an up transition.
        s.up[cur] = 1;
        s.last_change[cur] = e.stamp;
        s.tentative_down = false;
      } else {
        down = s.tentative_down;  // the previous single event was a down transition
        s.tentative_down = true;
      }
    } else if (e.multiplicity == 2) {
      s.up[cur] = 1;
      down = s.tentative_down;
      s.up[s.last_i] = 0;  // as NEST
      s.last_change[cur] = e.stamp;
      s.tentative_down = false;
    }
    if (down) correlate(idx, s);
    s.last_i = cur;
    s.t_last = e.stamp;
  }

 private:
  struct Pulse {
    long t_on, t_off, channel;
  };
  struct State {
    bool initialised = false;
    std::size_t channels = 1, bins = 0;
    long last_i = 0;
    long t_last = LONG_MIN;
    bool tentative_down = false;
    std::vector<char> up;
    std::vector<long> last_change;
    std::deque<Pulse> incoming;  // sorted by t_off
    std::vector<long> count;
  };

  // The down transition of channel s.last_i at time s.t_last.
  void correlate(std::size_t idx, State& s) {
    const long i = s.last_i, t_i_on = s.last_change[i], t_i_off = s.t_last;
    long t_min_on = t_i_on;
    for (std::size_t n = 0; n < s.channels; ++n)
      if (s.up[n] && s.last_change[n] < t_min_on) t_min_on = s.last_change[n];
    const long tau = tau_max_steps(idx), dt = delta_steps(idx);
    const double tau_edge = static_cast<double>(tau + dt);
    while (!s.incoming.empty() && static_cast<double>(t_min_on - s.incoming.front().t_off) >= tau_edge + min_delay_)
      s.incoming.pop_front();
    const Pulse p{t_i_on, t_i_off, i};
    auto pos = std::find_if(s.incoming.begin(), s.incoming.end(), [&](const Pulse& x) { return x.t_off > t_i_off; });
    s.incoming.insert(pos, p);
    const long t0 = tau / dt;
    for (const Pulse& q : s.incoming) {
      const long j = q.channel;
      const long d_min = std::max(q.t_on - t_i_off, -tau), d_max = std::min(q.t_off - t_i_on, tau);
      const long overlap = std::min(t_i_off, q.t_off) - std::max(t_i_on, q.t_on);
      if (overlap > 0) {
        s.count[at(s, i, j, t0)] += overlap;
        if (i != j) s.count[at(s, j, i, t0)] += overlap;
      }
      for (long d = d_min / dt; d < 0; ++d) add_shifted(s, i, j, t0, d, dt, t_i_on, t_i_off, q);
      if (i != j)
        for (long d = 1; d <= d_max / dt; ++d) add_shifted(s, i, j, t0, d, dt, t_i_on, t_i_off, q);
    }
    s.last_change[i] = t_i_off;
  }
  static void add_shifted(State& s, long i, long j, long t0, long d, long dt, long on, long off, const Pulse& q) {
    const long overlap = std::min(off, q.t_off - d * dt) - std::max(on, q.t_on - d * dt);
    if (overlap <= 0) return;
    s.count[at(s, i, j, t0 - d)] += overlap;
    s.count[at(s, j, i, t0 + d)] += overlap;
  }
  static std::size_t at(const State& s, long a, long b, long bin) {
    return (static_cast<std::size_t>(a) * s.channels + static_cast<std::size_t>(b)) * s.bins +
           static_cast<std::size_t>(bin);
  }
  const State& state(std::size_t i) const {
    static const State empty;
    return i < state_.size() ? state_[i] : empty;
  }
  std::vector<State> state_;
};

ModelInfo make_info() {
  ModelInfo m("correlospinmatrix_detector", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/correlospinmatrix_detector.html");
  declare_params(m, 0.1, 1, 1.0, true);
  m.validate = [](const ParamRow& row) {
    for (const char* k : {"delta_tau", "tau_max", "Tstart", "Tstop"})
      if (row.num(k) < 0.0)
        throw BadProperty(std::string("correlospinmatrix_detector: ") + k + " = " + std::to_string(row.num(k)) +
                          " ms must not be negative.");
    validate_params(row, "correlospinmatrix_detector");
    mark_reset(row, {"N_channels", "delta_tau", "tau_max", "Tstart", "Tstop"});
  };
  m.check_source = [](const ModelInfo& s, long) { return binary::binary_receiver_check(s); };
  m.make = [](const ModelInfo& info) { return std::make_unique<CorrelospinmatrixDetector>(info); };
  return m;
}

}  // namespace

const ModelInfo& correlospinmatrix_detector_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
