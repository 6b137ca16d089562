// correlomatrix_detector: auto- and cross-covariances of N_channels pooled spike
// inputs for non-negative lags (NEST 3.10's correlomatrix_detector).
//
// All remembered spikes (one time-ordered list over the channels) pair with each
// counted spike i, itself included. For a pair the earlier spike's channel is the
// first index (the later one's when i is earlier); the bin is the lag in units of
// delta_tau, rounded so that bins are left-closed below the diagonal and
// right-closed on and above it (NEST's two formulas). Zero-lag bins are filled
// symmetrically, except for a spike with itself. Spikes older than tau_max +
// delta_tau/2 + min_delay are forgotten.
#include <cmath>
#include <cstdlib>
#include <deque>

#include "models/devices/correlation_common.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

using namespace devices::corr;

class CorrelomatrixDetector final : public DetectorBase {
 public:
  using DetectorBase::DetectorBase;

  // Covariances are N x N x bins; handed out flat, the Python side shapes them.
  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    const State& s = state(i);
    if (key == "covariance")
      out = s.covariance;
    else if (key == "count_covariance")
      out = s.count;
    else
      return false;
    return true;
  }
  std::vector<std::string> extra_keys() const override { return {"covariance", "count_covariance"}; }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("n_events")] = state(i).n_events;
  }
  bool initialised(std::size_t i) const override { return i < state_.size() && state_[i].initialised; }
  void reset(std::size_t i) override {
    if (state_.size() < n_) state_.resize(n_);
    State& s = state_[i];
    const auto n = static_cast<std::size_t>(channels(i));
    s = State{};
    s.initialised = true;
    s.channels = n;
    s.bins = static_cast<std::size_t>(1 + tau_max_steps(i) / delta_steps(i));
    s.n_events.assign(n, 0);
    s.covariance.assign(n * n * s.bins, 0.0);
    s.count.assign(n * n * s.bins, 0);
  }

  void handle(std::size_t i, const Event& e) override {
    State& s = state_[i];
    const long sender = e.channel;
    const double w_i = e.multiplicity * e.weight;
    auto pos = std::find_if(s.incoming.begin(), s.incoming.end(), [&](const Spike& x) { return x.stamp > e.stamp; });
    s.incoming.insert(pos, Spike{e.stamp, w_i, sender});
    const double dt = static_cast<double>(delta_steps(i));
    const double tau_edge = static_cast<double>(tau_max_steps(i)) + 0.5 * dt;
    while (!s.incoming.empty() && static_cast<double>(e.stamp - s.incoming.front().stamp) >= tau_edge + min_delay_)
      s.incoming.pop_front();
    if (!counting(i, e.stamp)) return;
    ++s.n_events[sender];
    for (const Spike& j : s.incoming) {
      const long other = j.channel;
      const bool i_first = e.stamp < j.stamp;
      const long a = i_first ? other : sender, b = i_first ? sender : other;
      const double lag = static_cast<double>(std::labs(e.stamp - j.stamp));
      const double bin_d = a <= b ? -std::floor((0.5 * dt - lag) / dt) : std::floor((0.5 * dt + lag) / dt);
      const auto bin = static_cast<std::size_t>(bin_d);
      if (bin >= s.bins) continue;
      const double w = w_i * j.weight;
      const bool mirror = bin == 0 && (e.stamp != j.stamp || other != sender);
      s.covariance[at(s, a, b, bin)] += w;
      if (mirror) s.covariance[at(s, b, a, bin)] += w;
      s.count[at(s, a, b, bin)] += e.multiplicity;
      if (mirror) s.count[at(s, b, a, bin)] += e.multiplicity;
    }
  }

 private:
  struct Spike {
    long stamp;
    double weight;
    long channel;
  };
  struct State {
    bool initialised = false;
    std::size_t channels = 1, bins = 0;
    std::vector<long> n_events{0};
    std::deque<Spike> incoming;
    std::vector<double> covariance;
    std::vector<long> count;
  };
  static std::size_t at(const State& s, long a, long b, std::size_t bin) {
    return (static_cast<std::size_t>(a) * s.channels + static_cast<std::size_t>(b)) * s.bins + bin;
  }
  const State& state(std::size_t i) const {
    static const State empty;
    return i < state_.size() ? state_[i] : empty;
  }
  std::vector<State> state_;
};

ModelInfo make_info() {
  ModelInfo m("correlomatrix_detector", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/correlomatrix_detector.html");
  declare_params(m, 0.5, 5, 5.0, true);
  m.object("n_events", PType::kLongVec, std::vector<long>{0}, "", "Spikes counted per channel", Role::kReadOnly);
  m.validate = [](const ParamRow& row) {
    validate_params(row, "correlomatrix_detector");
    if (row.grid && row.grid->ms_to_steps(row.num("delta_tau")) % 2 != 1)
      throw BadProperty("correlomatrix_detector: delta_tau = " + std::to_string(row.num("delta_tau")) +
                        " ms must be an odd multiple of the resolution.");
    mark_reset(row, {"N_channels", "delta_tau", "tau_max", "Tstart", "Tstop"});
  };
  m.check_source = [](const ModelInfo& s, long) { return binary::spike_receiver_check(s); };
  m.make = [](const ModelInfo& info) { return std::make_unique<CorrelomatrixDetector>(info); };
  return m;
}

}  // namespace

const ModelInfo& correlomatrix_detector_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
