// Synapses with more than a send: those a node drives (a volume_transmitter triggers the update of
// every synapse whose model names it, NEST's trigger_update_weight) and models delivered serially
// (they change their model's common values at delivery). The kernel knows them by SynapseInfo's
// trigger and serial, and nodes by ModelInfo::drives_synapses, never by name.
//
// When a trigger runs. NEST updates each thread's nodes in the order of their ids, the
// volume_transmitter among them, and its update ends with the trigger; spikes reach synapses at the
// start of the next slice (models with a trigger take no spikes from devices). A target updated
// before the transmitter has already recorded this slice's spikes in its history when the trigger
// reads it, which matters through the pruning of the history (entries that every incoming synapse
// has read go, and after a trigger a synapse may read some twice). nestkit updates devices, the
// transmitter among them, before the neurons: a segment whose targets' ids are below the
// transmitter's (targets of a segment form one population) is triggered "late", after the neurons'
// update and before the slice's spikes are delivered; the others "early", in the transmitter's update.
#include <algorithm>
#include <vector>

#include "nestkit/simulator.hpp"
#include "thread_shares.hpp"

namespace nestkit {

void Simulator::index_special_synapses() {
  driven_segments_.clear();
  any_serial_ = false;
  if (!special_synapses_) return;
  const auto& segs = store_.segments();
  for (std::size_t j = 0; j < segs.size(); ++j) {
    const Segment& sg = segs[j];
    const SynapseProto& proto = synapse_protos_[sg.synapse_model];
    any_serial_ |= proto.info->serial;
    if (!proto.info->trigger) continue;
    const uint32_t vt = proto.volume_transmitter;
    if (vt == 0) throw BadProperty(proto.name + ": No volume transmitter has been assigned to the synapse model.");
    driven_segments_.push_back({vt, pops_[sg.pop]->first_gid() < vt, static_cast<uint32_t>(j)});
  }
  std::sort(driven_segments_.begin(), driven_segments_.end());
}

void Simulator::attach_model_context(SynapseSpike& ss, uint8_t synapse_model) {
  SynapseProto& proto = synapse_protos_[synapse_model];
  if (proto.info->trigger && proto.volume_transmitter != 0) {
    const Population& driver = pop_of(proto.volume_transmitter);
    if (const auto* spikes = driver.modulator_spikes(proto.volume_transmitter - driver.first_gid())) {
      ss.modulator = spikes->data();
      ss.modulator_count = spikes->size();
    }
  }
  if (proto.info->serial) ss.common_state = proto.common.data();
}

void Simulator::trigger_synapses(uint32_t driver, long stamp) {
  const auto begin = std::lower_bound(driven_segments_.begin(), driven_segments_.end(), DrivenSegment{driver, true, 0});
  const bool any_late = begin != driven_segments_.end() && begin->driver == driver;
  if (any_late) {
    const Population& p = pop_of(driver);
    const auto* spikes = p.modulator_spikes(driver - p.first_gid());
    late_triggers_.push_back({driver, stamp, spikes ? *spikes : std::vector<ModulatorSpike>{}});
  }
  const auto early =
      std::lower_bound(driven_segments_.begin(), driven_segments_.end(), DrivenSegment{driver, false, 0});
  if (early == driven_segments_.end() || early->driver != driver || early->late) return;
  // Each thread updates the segments it delivers to: their targets' spike histories are its own.
  run_thread_shares(threads_, true, [&](int tid, int nt) { run_triggers(driver, false, stamp, nullptr, tid, nt); });
}

void Simulator::run_late_triggers(int tid, int nt) {
  for (const LateTrigger& lt : late_triggers_) run_triggers(lt.driver, true, lt.stamp, &lt.spikes, tid, nt);
}

void Simulator::run_triggers(uint32_t driver, bool late, long stamp, const std::vector<ModulatorSpike>* spikes, int tid,
                             int nt) {
  auto it = std::lower_bound(driven_segments_.begin(), driven_segments_.end(), DrivenSegment{driver, late, 0});
  for (; it != driven_segments_.end() && it->driver == driver && it->late == late; ++it) {
    const Segment& sg = store_.segments()[it->segment];
    if (sg.thread % nt != tid) continue;
    const SynapseProto& proto = synapse_protos_[sg.synapse_model];
    Population& tp = *pops_[sg.pop];
    SynapseSpike ss;
    ss.source = sg.source;
    ss.stamp = stamp;
    ss.t_spike = grid_.steps_to_ms(stamp);
    ss.resolution = grid_.resolution();
    ss.count = sg.count;
    ss.target = store_.targets(sg, scratch_[tid].targets);
    ss.weight = sg.weight_each() ? store_.weights_mut(sg) : nullptr;
    ss.shared_weight = sg.weight;
    ss.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
    ss.record = store_.record(sg);
    ss.record_each = sg.rec_each();
    ss.record_size = sg.rec_size;
    ss.common = proto.common.data();
    ss.post = tp.archive();
    ss.post_first = tp.first_gid();
    ss.seed = seed_;
    ss.row_position = sg.pos;
    attach_model_context(ss, sg.synapse_model);
    if (spikes) {
      ss.modulator = spikes->data();
      ss.modulator_count = spikes->size();
    }
    proto.info->trigger(ss);
  }
}

void Simulator::deliver_serial(int tid, const std::vector<EmittedSpike>* slice) {
  if (!any_serial_) return;
  auto deliver = [&](uint32_t source, long stamp, uint32_t multiplicity, double offset) {
    const auto [first_seg, last_seg] = store_.row(source);
    if (first_seg == last_seg) return;
    for (uint32_t j = first_seg; j < last_seg; ++j) {
      const Segment& sg = store_.segments()[j];
      if (!synapse_protos_[sg.synapse_model].info->serial) continue;
      if (pops_[sg.pop]->info().kind == NodeKind::kRecorder) continue;
      deliver_plastic(sg, source, stamp, multiplicity, offset, tid);
    }
  };
  // NEST delivers device spikes during the device's update, and a slice's neuron spikes at the start
  // of the next slice in the order the neurons emitted them: by neuron (the update order), then by time.
  if (!slice)
    for (const Event& e : device_events_)
      if (e.kind == Event::kSpike) deliver(e.source, e.stamp, e.multiplicity, e.offset);
  if (!slice) return;
  std::vector<const EmittedSpike*> order;
  order.reserve(slice->size());
  for (const EmittedSpike& sp : *slice) order.push_back(&sp);
  std::stable_sort(order.begin(), order.end(), [](const EmittedSpike* a, const EmittedSpike* b) {
    return a->gid != b->gid ? a->gid < b->gid : a->stamp < b->stamp;
  });
  for (const EmittedSpike* sp : order) deliver(sp->gid, sp->stamp, sp->multiplicity, sp->offset);
}

}  // namespace nestkit
