// The run loop: min-delay slices, spike exchange at slice ends, device events.
#include <algorithm>
#include <cmath>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nestkit/recorders.hpp"
#include "nestkit/rng.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {

void Simulator::prepare() {
  store_.finalize(next_gid_ - 1, pop_starts(), threads_);
  if (!simulated_) {
    // min/max delay come from the connections and are frozen after the first run.
    min_delay_ = conn_min_delay_ > 0 ? conn_min_delay_ : 1;
    max_delay_ = std::max(min_delay_, conn_max_delay_ > 0 ? conn_max_delay_ : 1);
  }
  RunContext rc;
  rc.grid = &grid_;
  rc.min_delay = min_delay_;
  rc.max_delay = max_delay_;
  rc.ring_size = min_delay_ + max_delay_;
  rc.now = now_steps();
  rc.seed = seed_;
  for (auto& p : pops_) p->prepare(rc);
  compute_splits();
  wire_samplers();
  thread_spikes_.resize(threads_);
}

std::vector<uint32_t> Simulator::pop_starts() const {
  std::vector<uint32_t> s;
  s.reserve(pops_.size());
  for (const auto& p : pops_) s.push_back(p->first_gid());
  return s;
}

void Simulator::compute_splits() {
  // Each thread owns the same block of every neuron population for update and
  // for delivery, so delivery needs no atomics and no searching at run time.
  const int nt = threads_;
  const auto& segs = store_.segments();
  seg_split_.assign(segs.size() * (nt + 1), 0);
  for (std::size_t j = 0; j < segs.size(); ++j) {
    const Segment& sg = segs[j];
    const Population& tp = *pops_[sg.pop];
    const uint32_t* t = store_.targets(sg);
    uint32_t* split = &seg_split_[j * (nt + 1)];
    for (int b = 0; b <= nt; ++b) {
      if (!tp.parallel() || tp.info().kind == NodeKind::kRecorder) {
        split[b] = b == 0 ? 0 : sg.count;
        continue;
      }
      const uint32_t bound = tp.first_gid() + static_cast<uint32_t>(tp.size() * b / nt);
      split[b] = static_cast<uint32_t>(std::lower_bound(t, t + sg.count, bound) - t);
    }
  }
  split_threads_ = nt;
}

void Simulator::wire_samplers() {
  for (auto& p : pops_) p->samplers().clear();
  for (auto& p : pops_) {
    auto* mm = dynamic_cast<Multimeter*>(p.get());
    if (!mm) continue;
    mm->targets().assign(mm->size(), {});
    for (std::size_t m = 0; m < mm->size(); ++m) {
      const uint32_t gid = mm->first_gid() + static_cast<uint32_t>(m);
      const auto& names = mm->record_from(m);
      std::vector<uint32_t> row_targets;
      const auto [sa, sb] = store_.row(gid);
      for (uint32_t j = sa; j < sb; ++j) {
        const Segment& sg = store_.segments()[j];
        row_targets.insert(row_targets.end(), store_.targets(sg), store_.targets(sg) + sg.count);
      }
      for (const uint32_t t : row_targets) {
        Population& tp = pop_of(t);
        const auto& rec = tp.info().recordables;
        std::vector<int> idx;
        for (const auto& n : names) {
          auto it = std::find(rec.begin(), rec.end(), n);
          if (it == rec.end())
            throw IllegalConnection(mm->model_name() + " cannot record '" + n + "' from " + tp.model_name() +
                                    " (node " + std::to_string(t) + ")." + did_you_mean(n, rec));
          idx.push_back(static_cast<int>(it - rec.begin()));
        }
        auto& links = tp.samplers();
        auto link = std::find_if(links.begin(), links.end(),
                                 [&](const SamplerLink& l) { return l.meter == mm && l.meter_index == m; });
        if (link == links.end()) {
          links.push_back({mm, static_cast<uint32_t>(m), {}, {}, idx});
          link = links.end() - 1;
        }
        link->local.push_back(t - tp.first_gid());
        link->target_slot.push_back(static_cast<uint32_t>(mm->targets()[m].size()));
        mm->targets()[m].push_back(t);
      }
    }
    mm->size_pending();
  }
}

void Simulator::simulate(double ms) {
  if (!(ms >= 0.0) || !std::isfinite(ms))
    throw BadParameterValue("Simulate: the time must be finite and >= 0 ms, got " + std::to_string(ms));
  if (!grid_.on_grid(ms))
    throw BadParameterValue("Simulate: the time " + std::to_string(ms) + " ms is not a multiple of the resolution " +
                            std::to_string(grid_.resolution()) + " ms");
  long to_do = grid_.ms_to_steps(ms);
  prepare();
  simulated_ = true;
  while (to_do > 0) {
    if (from_step_ == 0 && slice_ > 0) {
      for (auto& p : pops_)
        if (auto* mm = dynamic_cast<Multimeter*>(p.get())) mm->flush_pending();
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
}

void Simulator::run_chunk(long from, long to, bool slice_end) {
  StepContext base;
  base.kernel = this;
  base.grid = &grid_;
  base.slice_origin = slice_origin_;
  for (auto& t : thread_spikes_) t.clear();
  device_events_.clear();
  // Devices first, serially; their events are queued and routed below.
  for (auto& p : pops_) {
    if (p->parallel()) continue;
    StepContext ctx = base;
    ctx.spikes = &thread_spikes_[0];
    p->update(ctx, from, to, 0, p->size());
  }
  const std::size_t first_new = slice_spikes_.size();
#pragma omp parallel num_threads(threads_)
  {
#ifdef _OPENMP
    const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
    const int tid = 0, nt = 1;
#endif
    StepContext ctx = base;
    ctx.spikes = &thread_spikes_[tid];
    for (auto& p : pops_) {
      if (!p->parallel()) continue;
      const std::size_t n = p->size();
      p->update(ctx, from, to, n * tid / nt, n * (tid + 1) / nt);
    }
#pragma omp barrier
#pragma omp single
    {
      // A fixed order (by stamp, then sender) makes every target's input sum
      // independent of the number of threads.
      for (auto& t : thread_spikes_) slice_spikes_.insert(slice_spikes_.end(), t.begin(), t.end());
      std::sort(slice_spikes_.begin() + first_new, slice_spikes_.end(),
                [](const EmittedSpike& a, const EmittedSpike& b) {
                  return a.stamp != b.stamp ? a.stamp < b.stamp : a.gid < b.gid;
                });
    }
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
    // Recorders see spikes at once; neurons get them at the end of the slice.
    if (tid == 0)
      for (std::size_t k = first_new; k < slice_spikes_.size(); ++k)
        route(spike_event(slice_spikes_[k]), tid, nt, true, scratch);
    if (slice_end)
      for (const EmittedSpike& sp : slice_spikes_) route(spike_event(sp), tid, nt, false, scratch);
  }
  for (auto& p : pops_)
    if (std::string error = p->take_error(); !error.empty()) throw KernelException(error);
}

void Simulator::route(const Event& e, int tid, int nt, bool recorders, std::vector<uint32_t>& scratch) {
  const auto [first_seg, last_seg] = store_.row(e.source);
  if (first_seg == last_seg) return;
  const uint64_t row_begin = store_.segments()[first_seg].begin;
  for (uint32_t j = first_seg; j < last_seg; ++j) {
    const Segment& sg = store_.segments()[j];
    Population& tp = *pops_[sg.pop];
    const bool is_recorder = tp.info().kind == NodeKind::kRecorder;
    if (is_recorder != recorders) continue;
    const uint32_t* t = store_.targets(sg);
    uint32_t lo = 0, hi = sg.count;
    if (nt == split_threads_) {
      const uint32_t* split = &seg_split_[static_cast<std::size_t>(j) * (nt + 1)];
      lo = split[tid];
      hi = split[tid + 1];
    } else if (is_recorder || !tp.parallel()) {
      if (tid != 0) continue;
    } else {
      const std::size_t n = tp.size();
      const uint32_t b_lo = tp.first_gid() + static_cast<uint32_t>(n * tid / nt);
      const uint32_t b_hi = tp.first_gid() + static_cast<uint32_t>(n * (tid + 1) / nt);
      lo = static_cast<uint32_t>(std::lower_bound(t, t + sg.count, b_lo) - t);
      hi = static_cast<uint32_t>(std::lower_bound(t + lo, t + sg.count, b_hi) - t);
    }
    {
      if (lo == hi) continue;
      const uint32_t count = hi - lo;
      if (e.kind == Event::kCurrent) {
        CurrentBatch b;
        b.stamp = e.stamp;
        b.amplitude = e.value;
        b.target = t + lo;
        b.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg) + lo) : SynColumn<double>::shared(sg.weight);
        b.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg) + lo) : SynColumn<uint16_t>::shared(sg.delay);
        b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
        b.count = count;
        tp.deliver_current(b);
        continue;
      }
      SpikeBatch b;
      b.source = e.source;
      b.stamp = e.stamp;
      b.multiplicity = e.multiplicity;
      b.weight_factor = e.value;
      b.offset = e.offset;
      b.target = t + lo;
      b.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg) + lo) : SynColumn<double>::shared(sg.weight);
      b.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg) + lo) : SynColumn<uint16_t>::shared(sg.delay);
      b.receptor = SynColumn<uint8_t>::shared(sg.receptor);
      b.count = count;
      if (e.kind == Event::kPoisson) {
        // One independent count per synapse, from a Philox block keyed by the
        // synapse's position in the row (in fours) and the step: invariant under
        // thread count and chunking.
        scratch.resize(count);
        const uint64_t pos0 = sg.begin + lo - row_begin;
        bool any = false;
        if (e.poisson->large) {
          for (uint32_t q = 0; q < count; ++q) {
            const uint64_t pos = pos0 + q;
            RandomStream rng(seed_, Purpose::kPoissonLarge, e.source, (pos << 32) | static_cast<uint32_t>(e.stamp));
            scratch[q] = static_cast<uint32_t>(rng.poisson(e.poisson->mu));
            any |= scratch[q] > 0;
          }
        } else {
          Philox4x32::Block block{};
          uint64_t block_id = ~uint64_t{0};
          for (uint32_t q = 0; q < count; ++q) {
            const uint64_t pos = pos0 + q;
            if ((pos >> 2) != block_id) {
              block_id = pos >> 2;
              block = Philox4x32::generate({static_cast<uint32_t>(block_id), e.source, static_cast<uint32_t>(e.stamp),
                                            static_cast<uint32_t>(static_cast<uint64_t>(e.stamp) >> 32)},
                                           {seed_, static_cast<uint32_t>(Purpose::kPoisson)});
            }
            scratch[q] = e.poisson->sample(block[pos & 3]);
            any |= scratch[q] > 0;
          }
        }
        if (!any) continue;
        b.per_synapse_multiplicity = scratch.data();
        b.multiplicity = 0;
      }
      tp.deliver_spikes(b);
    }
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

void Simulator::send_poisson(uint32_t source, long stamp, const PoissonTable* table) {
  Event e;
  e.kind = Event::kPoisson;
  e.source = source;
  e.stamp = stamp;
  e.poisson = table;
  device_events_.push_back(e);
}

void Simulator::send_current(uint32_t source, long stamp, double amplitude) {
  Event e;
  e.kind = Event::kCurrent;
  e.source = source;
  e.stamp = stamp;
  e.value = amplitude;
  device_events_.push_back(e);
}

}  // namespace nestkit
