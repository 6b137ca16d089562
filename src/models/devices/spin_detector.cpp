// spin_detector: records the states of binary neurons (NEST 3.10, spin_detector.cpp).
//
// A binary neuron sends an up transition as a spike of multiplicity 2 and a down
// transition as multiplicity 1. The spin detector is a device without proxies, so
// NEST hands it every spike whole, at once, while the sender updates; it records
// (sender, time, state) with this decoder, reproduced exactly:
//   - multiplicity 2: the pending event (if any) is written, then (sender, t, 1);
//   - otherwise: the pending event (if any) is written; if there was none, this
//     event becomes pending with state 0 (state 1 if a later multiplicity-1 event
//     repeats its sender and time); if there was one, this event is dropped;
//   - the detector's own update writes the pending event.
// A consequence NEST has: of two down transitions that reach the detector between
// two of its updates, the second is lost.
//
// Order: NEST updates the nodes of a thread in id order, so the detector sees, per
// slice (or chunk of one), the spikes of lower ids (sorted by sender, then time),
// then writes its pending event, then sees the spikes of higher ids. nestkit hands
// recorders a chunk's spikes after all nodes have updated, so the detector keeps
// them and replays that order when the chunk is complete (at the next update or at
// the end of the Simulate call).
#include <algorithm>
#include <climits>
#include <string>

#include "models/neurons/binary/source_kinds.hpp"
#include "nestkit/errors.hpp"
#include "nestkit/recorders.hpp"
#include "nestkit/registry.hpp"

namespace nestkit {
namespace {

class SpinDetector final : public Recorder {
 public:
  using Recorder::Recorder;

  void update(StepContext&, long, long, std::size_t, std::size_t) override {
    replay();
    chunk_open_ = true;
  }
  void flush_outputs() override {
    replay();
    Recorder::flush_outputs();
  }

  void deliver_spikes(const SpikeBatch& b) override {
    grow();
    for (std::size_t k = 0; k < b.count; ++k) {
      const std::size_t i = b.target[k] - first_gid_;
      const uint32_t m = b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
      if (m == 0 || !window_[i].contains(b.stamp)) continue;
      node_[i].chunk.push_back({b.source, b.stamp, m});
    }
  }

 protected:
  std::vector<std::string> long_names(std::size_t) const override { return {"state"}; }

 private:
  struct In {
    uint32_t sender;
    long stamp;
    uint32_t multiplicity;
  };
  struct Node {
    std::vector<In> chunk;     // this chunk's spikes, in arrival order
    uint32_t last_sender = 0;  // 0: nothing pending
    long last_stamp = LONG_MIN;
    In pending{};
    long pending_state = 0;
  };

  void grow() {
    if (node_.size() < n_) node_.resize(n_);
  }

  void write(std::size_t i, uint32_t sender, long stamp, long state) {
    record(i, sender, stamp, 0.0, sender, nullptr, 0, &state, 1);
  }

  void handle(std::size_t i, const In& e) {
    Node& s = node_[i];
    if (e.multiplicity == 1 && e.sender == s.last_sender && e.stamp == s.last_stamp) s.pending_state = 1;
    if (s.last_sender != 0) write(i, s.pending.sender, s.pending.stamp, s.pending_state);
    if (e.multiplicity == 2) {
      write(i, e.sender, e.stamp, 1);
      s.last_sender = 0;
    } else if (s.last_sender == 0) {
      s.pending = e;
      s.pending_state = 0;
      s.last_sender = e.sender;
      s.last_stamp = e.stamp;
    } else {
      s.last_sender = 0;
    }
  }

  void own_update(std::size_t i) {
    Node& s = node_[i];
    if (s.last_sender == 0) return;
    write(i, s.pending.sender, s.pending.stamp, s.pending_state);
    s.last_sender = 0;
  }

  // Replays the last chunk in NEST's order: lower ids, own update, higher ids.
  void replay() {
    if (!chunk_open_) return;
    chunk_open_ = false;
    grow();
    for (std::size_t i = 0; i < n_; ++i) {
      auto& c = node_[i].chunk;
      std::stable_sort(c.begin(), c.end(), [](const In& a, const In& b) {
        return a.sender != b.sender ? a.sender < b.sender : a.stamp < b.stamp;
      });
      const uint32_t me = first_gid_ + static_cast<uint32_t>(i);
      std::size_t k = 0;
      for (; k < c.size() && c[k].sender < me; ++k) handle(i, c[k]);
      own_update(i);
      for (; k < c.size(); ++k) handle(i, c[k]);
      c.clear();
    }
  }

  std::vector<Node> node_;
  bool chunk_open_ = false;
};

ModelInfo make_info() {
  // The spike recorder's parameters (window and recording backend), under this name.
  ModelInfo m = spike_recorder_model();
  m.name = "spin_detector";
  m.doc_url = "https://nest-simulator.readthedocs.io/en/stable/models/spin_detector.html";
  const Validator base = m.validate;
  m.validate = [base](const ParamRow& row) {
    try {
      base(row);
    } catch (const BadProperty& e) {
      std::string msg = e.what();
      const std::string prefix = "BadProperty: ";
      if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
      for (std::size_t p; (p = msg.find("spike_recorder")) != std::string::npos;) msg.replace(p, 14, "spin_detector");
      throw BadProperty(msg);
    }
  };
  m.check_source = [](const ModelInfo& s, long) { return binary::binary_receiver_check(s); };
  m.make = [](const ModelInfo& info) { return std::make_unique<SpinDetector>(info); };
  return m;
}

}  // namespace

const ModelInfo& spin_detector_model() {
  static const ModelInfo info = make_info();
  return info;
}

}  // namespace nestkit
