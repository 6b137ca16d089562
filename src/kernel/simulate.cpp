// The run loop: min-delay slices, spike exchange at slice ends, device events.
#include <algorithm>
#include <chrono>
#include <cmath>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nestkit/communicator.hpp"
#include "nestkit/simulator.hpp"
#include "thread_shares.hpp"

namespace nestkit {

namespace {
// cont_delay_synapse: each synapse adds its delay's continuous part to the spike's
// offset; a sum of a whole step or more arrives one step earlier with the remainder
// as its offset (NEST's rule). One batch per synapse.
void deliver_continuous(Population& tp, const SpikeBatch& b, const double* records, bool each, int rec_size, int col,
                        double h) {
  for (std::size_t k = 0; k < b.count; ++k) {
    const uint32_t m = b.per_synapse_multiplicity ? b.per_synapse_multiplicity[k] : b.multiplicity;
    if (m == 0) continue;
    const double total = b.offset + records[(each ? k * rec_size : 0) + col];
    const bool earlier = total >= h;
    SpikeBatch one = b;
    one.target = b.target + k;
    one.weight = SynColumn<double>::shared(b.weight[k]);
    one.delay = SynColumn<uint16_t>::shared(static_cast<uint16_t>(earlier ? b.delay[k] - 1 : b.delay[k]));
    one.offset = earlier ? total - h : total;
    one.receptor = SynColumn<uint8_t>::shared(b.receptor[k]);
    one.per_synapse_multiplicity = nullptr;
    one.multiplicity = m;
    one.count = 1;
    tp.deliver_spikes(one);
  }
}
}  // namespace

void Simulator::prepare() {
  finalize_store();
  if (!simulated_) {
    // min/max delay come from the connections and are frozen after the first run.
    min_delay_ = conn_min_delay_ > 0 ? conn_min_delay_ : 1;
    max_delay_ = std::max(min_delay_, conn_max_delay_ > 0 ? conn_max_delay_ : 1);
    // Extrema the user set hold instead (every delay lies within them).
    user_delay_extrema(min_delay_, max_delay_);
  }
  RunContext rc;
  rc.grid = &grid_;
  rc.min_delay = min_delay_;
  rc.max_delay = max_delay_;
  rc.ring_size = min_delay_ + max_delay_;
  rc.now = now_steps();
  rc.seed = seed_;
  rc.use_wfr = use_wfr_;
  rc.wfr_tol = wfr_tol_;
  rc.wfr_interpolation_order = wfr_order_;
  for (auto& p : pops_) {
    p->set_timing(&grid_, grid_.delay_to_ms(min_delay_));
    if (SpikeArchive* a = p->archive()) {
      // The traces use the node's current tau_minus and tau_minus_triplet.
      const ModelInfo& info = p->info();
      const int tm = info.index_of("tau_minus"), tt = info.index_of("tau_minus_triplet");
      for (std::size_t i = 0; i < p->size() && tm >= 0 && tt >= 0; ++i)
        a->set_time_constants(i, p->numeric_value(i, tm), p->numeric_value(i, tt));
    }
    p->prepare(rc);
  }
  wire_samplers();
  index_special_synapses();
  // Sources of secondary connections, in id order (the order their values are summed in).
  // Distributed, the list is shared (a collective) and so only rebuilt when connections
  // changed: the facade splits a Simulate into a number of calls that differs between
  // ranks, and every rank must make the same collective calls.
  if (ranks_ == 1 || shared_generation_ != store_.generation()) {
    secondary_sources_.clear();
    any_wfr_coupling_ = false;
    for (uint32_t gid = 1; gid < next_gid_; ++gid) {
      const auto [a, b] = store_.row(gid);
      bool any = false;
      for (uint32_t j = a; j < b; ++j) {
        const SynapseInfo& info = *synapse_protos_[store_.segments()[j].synapse_model].info;
        if (info.secondary == Secondary::kNone) continue;
        any = true;
        any_wfr_coupling_ |= info.supports_wfr;
      }
      if (any) secondary_sources_.push_back(gid);
    }
    if (ranks_ > 1) share_secondary_sources();
    shared_generation_ = store_.generation();
  }
  any_secondary_ = !secondary_sources_.empty();
  thread_spikes_.resize(threads_);
  scratch_.resize(threads_);
}

std::vector<uint32_t> Simulator::pop_starts() const {
  std::vector<uint32_t> s;
  s.reserve(pops_.size());
  for (const auto& p : pops_) s.push_back(p->first_gid());
  return s;
}

DeliveryBlocks Simulator::delivery_blocks() const {
  // Each virtual process (rank x thread) owns the same block of every neuron population
  // for update and for delivery, so delivery needs no atomics, and per-segment state is
  // one thread's. Blocks of other ranks are marked remote: their synapses are not kept.
  // Devices and recorders are not split: every rank has them whole, as NEST replicates them.
  DeliveryBlocks b;
  const int nvp = threads_ * ranks_;
  for (std::size_t p = 0; p < pops_.size(); ++p) {
    const Population& pop = *pops_[p];
    const bool split = pop.parallel() && pop.info().kind != NodeKind::kRecorder;
    for (int v = 0; v < (split ? nvp : 1); ++v) {
      const auto [lo, hi] = split ? vp_block(pop.size(), v) : std::pair<std::size_t, std::size_t>{0, pop.size()};
      if (split && lo == hi) continue;
      b.first.push_back(pop.first_gid() + static_cast<uint32_t>(lo));
      b.pop.push_back(static_cast<uint32_t>(p));
      const bool local = !split || v / threads_ == rank_;
      b.thread.push_back(local ? static_cast<uint8_t>(split ? v % threads_ : 0) : DeliveryBlocks::kRemote);
      b.replicated.push_back(split ? 0 : pop.info().kind == NodeKind::kRecorder ? 2 : 1);
    }
  }
  return b;
}

void Simulator::wire_samplers() {
  for (auto& p : pops_) p->samplers().clear();
  SamplingWiring w;
  w.targets_of = [this](uint32_t gid) {
    std::vector<uint32_t> out;
    const auto [sa, sb] = store_.row(gid);
    for (uint32_t j = sa; j < sb; ++j) {
      const Segment& sg = store_.segments()[j];
      out.resize(out.size() + sg.count);
      store_.copy_targets(sg, out.data() + out.size() - sg.count);
    }
    return out;
  };
  w.population_of = [this](uint32_t gid) -> Population& { return pop_of(gid); };
  for (auto& p : pops_) p->wire_sampling(w);
}

void Simulator::simulate(double ms) {
  const Stopwatch::Scope timed(sw_simulate_);
  if (!(ms >= 0.0) || !std::isfinite(ms))
    throw BadParameterValue("Simulate: the time must be finite and >= 0 ms, got " + std::to_string(ms));
  if (!grid_.on_grid(ms))
    throw BadParameterValue("Simulate: the time " + std::to_string(ms) + " ms is not a multiple of the resolution " +
                            std::to_string(grid_.resolution()) + " ms");
  long to_do = grid_.ms_to_steps(ms);
  RunScope outputs(*this);  // recorders' files: opened (unless in a session), flushed at the end
  sp_check_run();           // structural plasticity: the rules fit the network
  prepare();
  simulated_ = true;
  while (to_do > 0) {
    if (from_step_ == 0 && slice_ > 0) {
      for (auto& p : pops_) p->on_slice_start();
    }
    const long to = std::min(min_delay_, from_step_ + to_do);
    run_chunk(from_step_, to, to == min_delay_);
    to_do -= to - from_step_;
    if (to == min_delay_) {
      slice_spikes_.clear();
      slice_origin_ += min_delay_;
      from_step_ = 0;
      ++slice_;
    } else {
      from_step_ = to;
    }
  }
  outputs.finish();
}

void Simulator::deliver_previous_slice(bool team) {
  deliver_serial(0, &to_deliver_);
  auto share = [&](int tid, int nt) {
    std::vector<uint32_t> scratch;
    // Rows a few spikes ahead are fetched while this one is delivered (see prefetch_row_headers).
    constexpr std::size_t kColumnsAhead = 2, kHeadersAhead = 4;
    const std::size_t n = to_deliver_.size();
    for (std::size_t i = 0; i < std::min(n, kHeadersAhead); ++i) store_.prefetch_row_headers(to_deliver_[i].gid);
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kHeadersAhead < n) store_.prefetch_row_headers(to_deliver_[i + kHeadersAhead].gid);
      if (i + kColumnsAhead < n)
        store_.prefetch_row_columns(to_deliver_[i + kColumnsAhead].gid, static_cast<uint8_t>(tid));
      const EmittedSpike& sp = to_deliver_[i];
      Event e;
      e.source = sp.gid;
      e.stamp = sp.stamp;
      e.multiplicity = sp.multiplicity;
      e.offset = sp.offset;
      route(e, tid, nt, false, scratch);
    }
  };
  run_thread_shares(threads_, team, share);
  to_deliver_.clear();
  flush_weight_events();
}

void Simulator::run_chunk(long from, long to, bool slice_end) {
  const bool team = team_choice_.use_team(threads_);
  const auto started = std::chrono::steady_clock::now();
  run_chunk_shares(from, to, slice_end, team);
  team_choice_.record(team, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                      to - from);
}

void Simulator::run_chunk_shares(long from, long to, bool slice_end, bool team) {
  if (from == 0 && any_secondary_) {
    // The last interval's secondary events (NEST delivers them before the spikes).
    if (slice_ > 0) {
      if (ranks_ > 1) exchange_secondary();
      const long origin = slice_origin_ - min_delay_;
      run_thread_shares(threads_, team, [&](int tid, int) { route_secondary(false, origin, tid); });
    }
    if (use_wfr_ && any_wfr_coupling_) relax_interval();
  }
  if (from == 0 && !to_deliver_.empty()) deliver_previous_slice(team);
  if (from == 0 && sp_enabled_) sp_update_connectivity();  // after the delivery, as NEST
  StepContext base;
  base.kernel = this;
  base.grid = &grid_;
  base.slice_origin = slice_origin_;
  for (auto& t : thread_spikes_) t.clear();
  device_events_.clear();
  late_triggers_.clear();
  // Devices first, serially; their events are queued and routed below.
  for (auto& p : pops_) {
    if (p->parallel()) continue;
    StepContext ctx = base;
    ctx.spikes = &thread_spikes_[0];
    p->update(ctx, from, to, 0, p->size());
  }
  const std::size_t first_new = slice_spikes_.size();
  // Each thread's share of the update, then (once, all updates done) the chunk's spikes in a fixed
  // order, then each thread's share of the routing.
  auto update_share = [&](int tid, int nt) {
    StepContext ctx = base;
    ctx.spikes = &thread_spikes_[tid];
    for (auto& p : pops_) {
      if (!p->parallel()) continue;
      const auto [lo, hi] = vp_block(p->size(), rank_ * nt + tid);
      p->update(ctx, from, to, lo, hi);
    }
  };
  auto merge_spikes = [&](int tid) {
    // A fixed order (by stamp, then sender) makes every target's input sum
    // independent of the number of threads.
    for (auto& t : thread_spikes_) slice_spikes_.insert(slice_spikes_.end(), t.begin(), t.end());
    std::sort(slice_spikes_.begin() + first_new, slice_spikes_.end(), [](const EmittedSpike& a, const EmittedSpike& b) {
      return a.stamp != b.stamp ? a.stamp < b.stamp : a.gid < b.gid;
    });
    note_last_spikes(first_new);
    deliver_serial(tid, nullptr);
  };
  auto route_share = [&](int tid, int nt) {
    std::vector<uint32_t> scratch;
    for (const Event& e : device_events_) {
      route(e, tid, nt, false, scratch);
      if (tid == 0) route(e, tid, nt, true, scratch);
    }
    auto spike_event = [](const EmittedSpike& sp) {
      Event e;
      e.source = sp.gid;
      e.stamp = sp.stamp;
      e.multiplicity = sp.multiplicity;
      e.offset = sp.offset;
      return e;
    };
    // Recorders see spikes at once; neurons get them at the start of the next slice.
    if (tid == 0)
      for (std::size_t k = first_new; k < slice_spikes_.size(); ++k)
        route(spike_event(slice_spikes_[k]), tid, nt, true, scratch);
    run_late_triggers(tid, nt);  // this thread's segments, after its device spikes, before the slice's spikes
  };
  if (team) {
#pragma omp parallel num_threads(threads_)
    {
#ifdef _OPENMP
      const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
      const int tid = 0, nt = 1;
#endif
      update_share(tid, nt);
#pragma omp barrier
#pragma omp single
      merge_spikes(tid);
      route_share(tid, nt);
    }
  } else {
    for (int tid = 0; tid < threads_; ++tid) update_share(tid, threads_);
    merge_spikes(0);
    for (int tid = 0; tid < threads_; ++tid) route_share(tid, threads_);
  }
  sp_on_spikes(first_new);  // structural plasticity: calcium and elements of the neurons that spiked
  if (ranks_ == 1) {
    if (slice_end) to_deliver_ = slice_spikes_;
    flush_weight_events();
    for (auto& p : pops_)
      if (std::string error = p->take_error(); !error.empty()) throw KernelException(error);
    return;
  }
  flush_weight_events();
  std::string error;
  for (auto& p : pops_)
    if (std::string e = p->take_error(); !e.empty() && error.empty()) error = std::move(e);
  raise_on_all_ranks(error);
  if (slice_end) exchange_spikes();
}

void Simulator::raise_on_all_ranks(const std::string& local_error) {
  // Collective: every rank learns the first failing rank's message and throws it, so no
  // rank is left waiting in the next exchange.
  if (std::string e = communicator().first_error(local_error); !e.empty()) throw KernelException(e);
}

void Simulator::note_last_spikes(std::size_t first) {
  if (last_spike_stamp_.size() < next_gid_) {
    last_spike_stamp_.resize(next_gid_, 0);
    last_spike_offset_.resize(next_gid_, 0.0);
  }
  for (std::size_t k = first; k < slice_spikes_.size(); ++k) {
    const EmittedSpike& sp = slice_spikes_[k];
    if (EmittedSpike::is_marker(sp.multiplicity, sp.offset)) continue;
    last_spike_stamp_[sp.gid] = sp.stamp;
    last_spike_offset_[sp.gid] = sp.offset;
  }
}

void Simulator::exchange_spikes() {
  // One Allgatherv per min-delay interval (communicator.cpp says why). Every rank then holds
  // the interval's spikes of all ranks in (time, sender) order, the order a single process
  // delivers them in, so every target sums its input in the same order for any split.
  const auto t0 = std::chrono::steady_clock::now();
  communicator().allgather_spikes(slice_spikes_, to_deliver_);
  time_exchange_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::stable_sort(to_deliver_.begin(), to_deliver_.end(), [](const EmittedSpike& a, const EmittedSpike& b) {
    return a.stamp != b.stamp ? a.stamp < b.stamp : a.gid < b.gid;
  });
}

void Simulator::route(const Event& e, int tid, int nt, bool recorders, std::vector<uint32_t>& scratch) {
  const auto [first_seg, last_seg] = store_.row(e.source);
  if (first_seg == last_seg) return;
  if (e.kind == Event::kTargeted) {
    route_targeted(e, tid, recorders, first_seg, last_seg);
    return;
  }
  for (uint32_t j = first_seg; j < last_seg; ++j) {
    const Segment& sg = store_.segments()[j];
    if (sg.thread != tid) continue;
    Population& tp = *pops_[sg.pop];
    const bool is_recorder = tp.info().kind == NodeKind::kRecorder;
    if (is_recorder != recorders) continue;
    const SynapseProto& proto = synapse_protos_[sg.synapse_model];
    if (proto.info->secondary != Secondary::kNone) continue;  // carries secondary events only
    if (e.kind == Event::kSpike && EmittedSpike::is_marker(e.multiplicity, e.offset) && !proto.info->receives_markers)
      continue;
    if (proto.info->serial && e.kind == Event::kSpike) continue;  // delivered by deliver_serial
    if ((proto.info->send || proto.weight_recorder) && e.kind == Event::kSpike) {
      deliver_plastic(sg, e.source, e.stamp, e.multiplicity, e.offset, tid);
      continue;
    }
    const uint32_t* t = store_.targets(sg, scratch_[tid].targets);
    if (e.kind == Event::kCurrent) {
      CurrentBatch b;
      b.stamp = e.stamp;
      b.amplitude = e.value;
      b.target = t;
      b.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg)) : SynColumn<double>::shared(sg.weight);
      b.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
      b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
      b.count = sg.count;
      if (e.current) {
        // One batch per synapse, each with its own amplitude.
        thread_local std::vector<double> amps;
        amps.resize(sg.count);
        e.current->amplitudes(e.source, e.stamp, sg.pos, static_cast<uint32_t>(sg.count), amps.data());
        CurrentBatch one = b;
        one.count = 1;
        for (std::size_t k = 0; k < sg.count; ++k) {
          one.amplitude = amps[k];
          one.target = t + k;
          one.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg) + k) : b.weight;
          one.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg) + k) : b.delay;
          tp.deliver_current(one);
        }
        continue;
      }
      tp.deliver_current(b);
      continue;
    }
    SpikeBatch b;
    b.source = e.source;
    b.stamp = e.stamp;
    b.multiplicity = e.multiplicity;
    b.weight_factor = e.value;
    b.offset = e.offset;
    b.target = t;
    const double w = proto.info->weight_common ? proto.weight : sg.weight;
    b.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg)) : SynColumn<double>::shared(w);
    b.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
    b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
    b.count = sg.count;
    if (e.kind == Event::kDrawn) {
      scratch.resize(sg.count);
      if (!e.draw->draw(e.source, e.stamp, sg.pos, sg.count, scratch.data())) continue;
      b.per_synapse_multiplicity = scratch.data();
      b.multiplicity = 0;
    }
    if (proto.info->has_continuous_delay()) {
      deliver_continuous(tp, b, store_.record(sg), sg.rec_each(), sg.rec_size, proto.info->continuous_delay_column,
                         grid_.resolution());
      continue;
    }
    tp.deliver_spikes(b);
  }
}

void Simulator::route_targeted(const Event& e, int tid, bool recorders, uint32_t first_seg, uint32_t last_seg) {
  // The segment holding the synapse: segments of a row are ordered by position (a
  // position that no local segment covers belongs to another process).
  const auto& segs = store_.segments();
  const uint64_t pos = e.position;
  uint32_t lo = first_seg, hi = last_seg;
  while (hi - lo > 1) {
    const uint32_t mid = lo + (hi - lo) / 2;
    (segs[mid].pos <= pos ? lo : hi) = mid;
  }
  const Segment& sg = segs[lo];
  if (sg.thread != tid || pos < sg.pos || pos >= sg.pos + sg.count) return;
  Population& tp = *pops_[sg.pop];
  if ((tp.info().kind == NodeKind::kRecorder) != recorders) return;
  const std::size_t k = pos - sg.pos;
  const SynapseProto& proto = synapse_protos_[sg.synapse_model];
  SpikeBatch b;
  b.source = e.source;
  b.stamp = e.stamp;
  b.offset = e.offset;
  const uint32_t target = store_.target(sg, sg.begin + k);
  b.target = &target;
  const double w = proto.info->weight_common ? proto.weight : sg.weight;
  b.weight = SynColumn<double>::shared(sg.weight_each() ? store_.weights(sg)[k] : w);
  b.delay = SynColumn<uint16_t>::shared(sg.delay_each() ? store_.delays(sg)[k] : sg.delay);
  b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
  b.count = 1;
  if (proto.info->has_continuous_delay()) {
    const double* rec = store_.record(sg) + (sg.rec_each() ? k * sg.rec_size : 0);
    deliver_continuous(tp, b, rec, false, sg.rec_size, proto.info->continuous_delay_column, grid_.resolution());
    return;
  }
  tp.deliver_spikes(b);
}

void Simulator::deliver_plastic(const Segment& sg, uint32_t source, long stamp, uint32_t multiplicity, double offset,
                                int tid) {
  // A synapse model with an update, or one that reports to a weight_recorder: the
  // model computes what each synapse transmits, then the target receives it as a
  // spike batch with per-synapse weights. Plastic synapses handle single spikes, so
  // a spike of multiplicity m passes m times (as NEST unrolls it).
  Population& tp = *pops_[sg.pop];
  const SynapseProto& proto = synapse_protos_[sg.synapse_model];
  ThreadScratch& sc = scratch_[tid];
  sc.out_weight.resize(sg.count);
  sc.out_sent.resize(sg.count);
  sc.mult.resize(sg.count);
  const bool unroll = proto.info->send != nullptr;
  // A marker (e.g. an e-prop flush event) passes once, with nothing to transmit unless the
  // model says so, and only to models that receive markers.
  const bool flush = EmittedSpike::is_marker(multiplicity, offset);
  if (flush && !proto.info->receives_markers) return;
  const uint32_t passes = flush ? 1 : unroll ? multiplicity : 1;
  const uint32_t mult = unroll ? 1 : multiplicity;
  const uint32_t* targets = store_.targets(sg, sc.targets);
  for (uint32_t pass = 0; pass < passes; ++pass) {
    SynapseSpike ss;
    ss.source = source;
    ss.stamp = stamp;
    ss.t_spike = grid_.steps_to_ms(stamp);
    ss.resolution = grid_.resolution();
    ss.count = sg.count;
    ss.target = targets;
    ss.weight = sg.weight_each() ? store_.weights_mut(sg) : nullptr;
    ss.shared_weight = proto.info->weight_common ? proto.weight : sg.weight;
    ss.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
    ss.record = store_.record(sg);
    ss.record_each = sg.rec_each();
    ss.record_size = sg.rec_size;
    ss.common = proto.common.data();
    attach_model_context(ss, sg.synapse_model);
    ss.post = tp.archive();
    ss.clopath = tp.clopath_archive();
    ss.urbanczik = tp.urbanczik_archive();
    ss.eprop = tp.eprop_archive();
    ss.post_first = tp.first_gid();
    ss.seed = seed_;
    ss.row_position = sg.pos;
    ss.out_weight = sc.out_weight.data();
    ss.out_sent = sc.out_sent.data();
    std::fill(sc.out_sent.begin(), sc.out_sent.end(), static_cast<uint8_t>(flush ? 0 : 1));
    if (proto.info->send)
      proto.info->send(ss);
    else
      for (std::size_t k = 0; k < sg.count; ++k) sc.out_weight[k] = ss.w(k);
    bool any = false;
    for (std::size_t k = 0; k < sg.count; ++k) {
      sc.mult[k] = sc.out_sent[k] ? mult : 0;
      any |= sc.out_sent[k] != 0;
    }
    if (any) {
      SpikeBatch b;
      b.source = source;
      b.stamp = stamp;
      b.multiplicity = 0;
      b.per_synapse_multiplicity = sc.mult.data();
      b.offset = offset;
      b.target = ss.target;
      b.weight = SynColumn<double>(sc.out_weight.data());
      b.delay = ss.delay;
      b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
      b.count = sg.count;
      tp.deliver_spikes(b);
    }
    if (proto.weight_recorder) {
      for (std::size_t k = 0; k < sg.count; ++k)
        if (sc.out_sent[k])
          sc.weight_events.push_back({stamp, source, ss.target[k], sc.out_weight[k], static_cast<long>(sg.receptor),
                                      static_cast<long>(sg.pos + k), proto.weight_recorder});
    }
  }
}

void Simulator::flush_weight_events() {
  // Merged in a fixed order (time, sender, target), independent of the threads.
  std::vector<WeightEvent> all;
  for (auto& sc : scratch_) {
    all.insert(all.end(), sc.weight_events.begin(), sc.weight_events.end());
    sc.weight_events.clear();
  }
  if (all.empty()) return;
  std::stable_sort(all.begin(), all.end(), [](const WeightEvent& a, const WeightEvent& b) {
    if (a.stamp != b.stamp) return a.stamp < b.stamp;
    if (a.sender != b.sender) return a.sender < b.sender;
    return a.target < b.target;
  });
  // Consecutive events of one recorder go in one call (the same records in the same order; the
  // recorder then looks its filters up once, not once per event).
  std::vector<WeightRecord> run;
  for (std::size_t a = 0, b = 0; a < all.size(); a = b) {
    run.clear();
    for (b = a; b < all.size() && all[b].recorder == all[a].recorder; ++b) {
      const WeightEvent& e = all[b];
      run.push_back({e.stamp, e.sender, e.target, e.weight, e.receptor, e.port});
    }
    Population& p = pop_of(all[a].recorder);
    p.record_weights(all[a].recorder - p.first_gid(), run.data(), run.size());
  }
}

void Simulator::send_spike(uint32_t source, long stamp, uint32_t multiplicity, double weight_factor, double offset) {
  Event e;
  e.kind = Event::kSpike;
  e.source = source;
  e.stamp = stamp;
  e.multiplicity = multiplicity;
  e.value = weight_factor;
  e.offset = offset;
  device_events_.push_back(e);
}

void Simulator::send_spike_to(uint32_t source, long stamp, uint64_t position, double offset) {
  Event e;
  e.kind = Event::kTargeted;
  e.source = source;
  e.stamp = stamp;
  e.position = position;
  e.offset = offset;
  device_events_.push_back(e);
}

void Simulator::send_drawn(uint32_t source, long stamp, const PerTargetDraw* draw) {
  Event e;
  e.kind = Event::kDrawn;
  e.source = source;
  e.stamp = stamp;
  e.draw = draw;
  device_events_.push_back(e);
}

void Simulator::send_current_drawn(uint32_t source, long stamp, const PerTargetCurrent* draw) {
  Event e;
  e.kind = Event::kCurrent;
  e.source = source;
  e.stamp = stamp;
  e.current = draw;
  device_events_.push_back(e);
}

uint64_t Simulator::out_degree(uint32_t source) const { return store_.row_extent(source); }

void Simulator::send_current(uint32_t source, long stamp, double amplitude) {
  Event e;
  e.kind = Event::kCurrent;
  e.source = source;
  e.stamp = stamp;
  e.value = amplitude;
  device_events_.push_back(e);
}

}  // namespace nestkit
