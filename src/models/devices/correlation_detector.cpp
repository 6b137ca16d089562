// correlation_detector: cross-correlation histogram of two pooled spike inputs
// (receptor_type 0 and 1), NEST 3.10's correlation_detector.
//
// For each spike i counted (Tstart <= t_i <= Tstop) on port s, every remembered
// spike j of the other port adds to bin floor((tau_edge + sign (t_i - t_j)) /
// delta_tau), tau_edge = tau_max + delta_tau/2, sign = +1 for port 1, -1 for port 0:
// count_histogram gains the multiplicity, histogram the product of the weighted
// multiplicities (Kahan-summed, with histogram_correction the compensation). Spikes
// of the other port older than tau_edge (minus half a step for port 1, which makes
// the bins left-closed) are forgotten first. All spikes in the activity window are
// remembered, counted or not.
#include <cmath>
#include <deque>

#include "models/devices/correlation_common.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

using namespace devices::corr;

class CorrelationDetector final : public DetectorBase {
 public:
  using DetectorBase::DetectorBase;

  bool get_extra(std::size_t i, const std::string& key, Value& out) const override {
    const State& s = state(i);
    if (key == "histogram")
      out = s.histogram;
    else if (key == "histogram_correction")
      out = s.correction;
    else if (key == "count_histogram")
      out = s.count;
    else
      return false;
    return true;
  }
  std::vector<std::string> extra_keys() const override {
    return {"histogram", "histogram_correction", "count_histogram"};
  }

 protected:
  void read_derived(std::size_t i, std::vector<Value>& row) const override {
    row[info_->index_of("n_events")] = state(i).n_events;
  }
  bool initialised(std::size_t i) const override { return i < state_.size() && state_[i].initialised; }
  void reset(std::size_t i) override {
    if (state_.size() < n_) state_.resize(n_);
    State& s = state_[i];
    const std::size_t bins = static_cast<std::size_t>(1 + 2 * tau_max_steps(i) / delta_steps(i));
    s = State{};
    s.initialised = true;
    s.histogram.assign(bins, 0.0);
    s.correction.assign(bins, 0.0);
    s.count.assign(bins, 0);
  }

  void handle(std::size_t i, const Event& e) override {
    State& s = state_[i];
    const long sender = e.channel, other = 1 - sender;
    const double dt = static_cast<double>(delta_steps(i));
    const double tau_edge = static_cast<double>(tau_max_steps(i)) + 0.5 * dt;
    auto& others = s.incoming[other];
    while (!others.empty() && static_cast<double>(e.stamp - others.front().stamp) - 0.5 * other >= tau_edge)
      others.pop_front();
    const double w_i = e.multiplicity * e.weight;
    if (counting(i, e.stamp)) {
      ++s.n_events[sender];
      const long sign = 2 * sender - 1;
      for (const Spike& j : others) {
        const auto bin = static_cast<std::size_t>(std::floor((tau_edge + sign * (e.stamp - j.stamp)) / dt));
        if (bin >= s.histogram.size()) continue;  // cannot happen with the pruning above
        // Kahan summation, as NEST.
        const double y = w_i * j.weight - s.correction[bin];
        const double t = s.histogram[bin] + y;
        s.correction[bin] = (t - s.histogram[bin]) - y;
        s.histogram[bin] = t;
        s.count[bin] += e.multiplicity;
      }
    }
    // Remembered in time order; a spike goes after those of the same time.
    auto& own = s.incoming[sender];
    auto pos = std::find_if(own.begin(), own.end(), [&](const Spike& x) { return x.stamp > e.stamp; });
    own.insert(pos, Spike{e.stamp, w_i});
  }

 private:
  struct Spike {
    long stamp;
    double weight;
  };
  struct State {
    bool initialised = false;
    std::vector<long> n_events{0, 0};
    std::deque<Spike> incoming[2];
    std::vector<double> histogram, correction;
    std::vector<long> count;
  };
  const State& state(std::size_t i) const {
    static const State empty;
    return i < state_.size() ? state_[i] : empty;
  }
  std::vector<State> state_;
};

ModelInfo make_info() {
  ModelInfo m("correlation_detector", NodeKind::kNeuron,
              "https://nest-simulator.readthedocs.io/en/stable/models/correlation_detector.html");
  declare_params(m, 0.5, 5, 5.0, false);
  m.specs[static_cast<std::size_t>(m.index_of("_channels"))].default_value = 2.0;
  m.object("n_events", PType::kLongVec, std::vector<long>{0, 0}, "",
           "Spikes counted from port 0 and 1; setting it to [0, 0] clears the histograms");
  m.spike_receptors = {0, 1};
  m.validate = [](const ParamRow& row) {
    validate_params(row, "correlation_detector");
    if (row.given("n_events")) {
      const auto* v = std::get_if<std::vector<long>>(&row.get("n_events"));
      if (!v || v->size() != 2 || (*v)[0] != 0 || (*v)[1] != 0)
        throw BadProperty("correlation_detector: n_events can only be set to [0, 0] (which clears the histograms).");
    }
    mark_reset(row, {"delta_tau", "tau_max", "Tstart", "Tstop", "n_events"});
  };
  m.check_source = [](const ModelInfo& s, long) { return binary::spike_receiver_check(s); };
  m.make = [](const ModelInfo& info) { return std::make_unique<CorrelationDetector>(info); };
  return m;
}

}  // namespace

const ModelInfo& correlation_detector_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
