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
  store_.finalize(next_gid_ - 1);
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
  wire_samplers();
  thread_spikes_.resize(threads_);
}

void Simulator::wire_samplers() {
  for (auto& p : pops_) p->samplers().clear();
  for (auto& p : pops_) {
    auto* mm = dynamic_cast<Multimeter*>(p.get());
    if (!mm) continue;
    mm->targets().assign(mm->size(), {});
    for (std::size_t m = 0; m < mm->size(); ++m) {
      const uint32_t gid = mm->first_gid() + static_cast<uint32_t>(m);
      const auto [b, e] = store_.row(gid);
      const auto& names = mm->record_from(m);
      for (uint64_t k = b; k < e; ++k) {
        const uint32_t t = store_.target_[k];
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
    update_slice(from_step_, to);
    // Recorders see spikes at once; neurons get them at the end of the slice.
    deliver(delivered_to_recorders_, true);
    delivered_to_recorders_ = slice_spikes_.size();
    to_do -= to - from_step_;
    if (to == min_delay_) {
      deliver(0, false);
      slice_spikes_.clear();
      delivered_to_recorders_ = 0;
      slice_origin_ += min_delay_;
      from_step_ = 0;
      ++slice_;
    } else {
      from_step_ = to;
    }
  }
}

void Simulator::update_slice(long from, long to) {
  StepContext base;
  base.kernel = this;
  base.grid = &grid_;
  base.slice_origin = slice_origin_;
  // Devices first, serially: they write only into ring slots beyond this slice.
  for (auto& t : thread_spikes_) t.clear();
  for (auto& p : pops_) {
    if (p->parallel()) continue;
    StepContext ctx = base;
    ctx.spikes = &thread_spikes_[0];
    p->update(ctx, from, to, 0, p->size());
  }
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
  }
  // A fixed order (by stamp, then sender) makes input sums independent of threads.
  const std::size_t before = slice_spikes_.size();
  for (auto& t : thread_spikes_) slice_spikes_.insert(slice_spikes_.end(), t.begin(), t.end());
  std::sort(slice_spikes_.begin() + before, slice_spikes_.end(), [](const EmittedSpike& a, const EmittedSpike& b) {
    return a.stamp != b.stamp ? a.stamp < b.stamp : a.gid < b.gid;
  });
}

void Simulator::deliver(std::size_t first_spike, bool to_recorders) {
  for (std::size_t s = first_spike; s < slice_spikes_.size(); ++s) {
    const EmittedSpike& sp = slice_spikes_[s];
    deliver_row(sp.gid, sp.stamp, sp.multiplicity, 1.0, sp.offset, to_recorders, nullptr);
  }
}

void Simulator::deliver_row(uint32_t source, long stamp, uint32_t mult, double weight_factor, double offset,
                            bool to_recorders, const uint32_t* per_syn_mult) {
  auto [b, e] = store_.row(source);
  uint64_t k = b;
  while (k < e) {
    Population& tp = pop_of(store_.target_[k]);
    const uint32_t last = tp.last_gid();
    uint64_t r = k;
    while (r < e && store_.target_[r] <= last) ++r;
    if ((tp.info().kind == NodeKind::kRecorder) == to_recorders) {
      SpikeBatch batch;
      batch.source = source;
      batch.stamp = stamp;
      batch.multiplicity = mult;
      batch.weight_factor = weight_factor;
      batch.offset = offset;
      batch.target = &store_.target_[k];
      batch.weight = &store_.weight_[k];
      batch.delay = &store_.delay_[k];
      batch.receptor = &store_.receptor_[k];
      batch.per_synapse_multiplicity = per_syn_mult ? per_syn_mult + (k - b) : nullptr;
      batch.count = r - k;
      tp.deliver_spikes(batch);
    }
    k = r;
  }
}

void Simulator::send_spike(uint32_t source, long stamp, uint32_t multiplicity, double weight_factor,
                           double offset) {
  deliver_row(source, stamp, multiplicity, weight_factor, offset, false, nullptr);
  deliver_row(source, stamp, multiplicity, weight_factor, offset, true, nullptr);
}

void Simulator::send_poisson(uint32_t source, long stamp, double mu, double exp_neg_mu) {
  // One independent draw per outgoing synapse, from a stream keyed by the
  // synapse's position in the source's row and the step: thread-count and
  // chunking invariant.
  auto [b, e] = store_.row(source);
  mult_scratch_.assign(e - b, 0);
  bool any = false;
  for (uint64_t k = b; k < e; ++k) {
    RandomStream rng(seed_, Purpose::kPoisson, source, (static_cast<uint64_t>(k - b) << 32) | static_cast<uint32_t>(stamp));
    const long n = mu < 30.0 ? poisson_by_inversion(rng.uniform(), mu, exp_neg_mu) : rng.poisson(mu);
    mult_scratch_[k - b] = static_cast<uint32_t>(n);
    any |= n > 0;
  }
  if (!any) return;
  deliver_row(source, stamp, 0, 1.0, 0.0, false, mult_scratch_.data());
  deliver_row(source, stamp, 0, 1.0, 0.0, true, mult_scratch_.data());
}

void Simulator::send_current(uint32_t source, long stamp, double amplitude) {
  auto [b, e] = store_.row(source);
  uint64_t k = b;
  while (k < e) {
    Population& tp = pop_of(store_.target_[k]);
    const uint32_t last = tp.last_gid();
    uint64_t r = k;
    while (r < e && store_.target_[r] <= last) ++r;
    CurrentBatch batch;
    batch.stamp = stamp;
    batch.amplitude = amplitude;
    batch.target = &store_.target_[k];
    batch.weight = &store_.weight_[k];
    batch.delay = &store_.delay_[k];
    batch.receptor = &store_.receptor_[k];
    batch.count = r - k;
    tp.deliver_current(batch);
    k = r;
  }
}

}  // namespace nestkit
