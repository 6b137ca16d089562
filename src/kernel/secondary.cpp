// Secondary events (NEST's SecondaryEvent family: instantaneous and delayed rates,
// diffusion, gap junctions) and waveform relaxation.
//
// A source fills, during its update, one value per step of the min-delay interval
// (gap junctions: the interpolation coefficients of each step) and exposes them
// through Population::secondary_values. The kernel routes a finished interval at
// the start of the next one, before the spikes: every secondary connection hands
// the source's whole interval to its target (Population::deliver_secondary).
//
// Waveform relaxation (use_wfr, NEST's preliminary update): when instantaneous
// couplings exist, before the interval's update the populations that take part
// iterate over the whole interval (wfr_update leaves their state as it was), and
// after each iteration the instantaneous kinds are routed again, so the targets
// read their sources' values of the same interval. The iterations stop once no
// node moved by more than wfr_tol, or after wfr_max_iterations; then the ordinary
// update runs with the last iteration's inputs.
#include <algorithm>
#include <chrono>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nestkit/communicator.hpp"
#include "nestkit/simulator.hpp"
#include "thread_shares.hpp"

namespace nestkit {

void Simulator::route_secondary(bool wfr_only, long origin, int tid) {
  const auto& segs = store_.segments();
  for (const uint32_t source : secondary_sources_) {
    const auto [a, b] = store_.row(source);
    const Population* sp = nullptr;
    for (uint32_t j = a; j < b; ++j) {
      const Segment& sg = segs[j];
      if (sg.thread != tid) continue;
      const SynapseProto& proto = synapse_protos_[sg.synapse_model];
      const SynapseInfo& info = *proto.info;
      if (info.secondary == Secondary::kNone || (wfr_only && !info.supports_wfr)) continue;
      if (!sp) sp = &pop_of(source);
      SecondaryBatch batch;
      batch.values = ranks_ > 1 ? secondary_values_of(*sp, source, info.secondary, batch.length)
                                : sp->secondary_values(info.secondary, source - sp->first_gid(), batch.length);
      if (!batch.values) continue;
      batch.kind = info.secondary;
      batch.source = source;
      // A device's interval lands one min-delay earlier than a neuron's (NEST 3.10: a
      // step_rate_generator's rate of step s reaches the target's step s + delay - min_delay,
      // modulo the input ring, where a rate neuron's reaches step s + delay).
      batch.origin = sp->info().kind == NodeKind::kStimulator ? origin - min_delay_ : origin;
      batch.target = store_.targets(sg, scratch_[tid].targets);
      batch.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg)) : SynColumn<double>::shared(sg.weight);
      batch.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
      batch.record = store_.record(sg);
      batch.record_each = sg.rec_each();
      batch.record_size = sg.rec_size;
      batch.count = sg.count;
      batch.receptor = sg.receptor;
      pops_[sg.pop]->deliver_secondary(batch);
    }
  }
}

void Simulator::relax_interval() {
  const long md = min_delay_;
  std::vector<EmittedSpike> discarded;
  std::vector<uint8_t> done(threads_, 1);
  long iteration = 0;
  bool converged = false;
  while (iteration < wfr_max_iterations_ && !converged) {
    ++iteration;
#pragma omp parallel num_threads(threads_)
    {
#ifdef _OPENMP
      const int tid = omp_get_thread_num(), nt = omp_get_num_threads();
#else
      const int tid = 0, nt = 1;
#endif
      std::vector<EmittedSpike> spikes;
      StepContext ctx;
      ctx.kernel = this;
      ctx.grid = &grid_;
      ctx.slice_origin = slice_origin_;
      ctx.spikes = &spikes;
      bool ok = true;
      for (auto& p : pops_) {
        if (!p->parallel() || !p->uses_wfr()) continue;
        const auto [lo, hi] = vp_block(p->size(), rank_ * nt + tid);
        ok = p->wfr_update(ctx, 0, md, lo, hi) && ok;
      }
      done[tid] = ok ? 1 : 0;
#pragma omp barrier
      // The iteration's values reach their targets before the check (as NEST); distributed,
      // after the exchange below.
      if (ranks_ == 1) route_secondary(true, slice_origin_, tid);
    }
    converged = std::all_of(done.begin(), done.end(), [](uint8_t d) { return d != 0; });
    if (ranks_ > 1) {
      exchange_secondary();
      run_thread_shares(threads_, true, [&](int tid, int) { route_secondary(true, slice_origin_, tid); });
      converged = communicator().max(converged ? 0L : 1L) == 0;  // every rank's nodes converged
    }
  }
  wfr_last_iterations_ = iteration;
  std::string error;
  for (auto& p : pops_)
    if (std::string e = p->take_error(); !e.empty() && error.empty()) error = std::move(e);
  if (ranks_ > 1) raise_on_all_ranks(error);
  if (!error.empty()) throw KernelException(error);
}

void Simulator::share_secondary_sources() {
  // Every rank routes the values of every source with secondary connections anywhere (a
  // source whose targets are all on other ranks has no local row here): the union, ascending.
  std::vector<double> mine(secondary_sources_.begin(), secondary_sources_.end()), all;
  communicator().allgather_doubles(mine, all);
  std::vector<uint32_t> merged;
  merged.reserve(all.size());
  for (double g : all) merged.push_back(static_cast<uint32_t>(g));
  std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  secondary_sources_.swap(merged);
  any_wfr_coupling_ = communicator().max(any_wfr_coupling_ ? 1L : 0L) != 0;
}

void Simulator::exchange_secondary() {
  // The last interval's values of this rank's secondary sources, as (source, kind, length,
  // values...) in doubles (ids and lengths are exact below 2^53), gathered from every rank.
  // Devices are skipped: every rank updates its own copy of them.
  std::vector<double> mine;
  for (const uint32_t source : secondary_sources_) {
    const Population& sp = pop_of(source);
    if (!sp.parallel() || !is_local(source)) continue;
    for (uint8_t k = 1; k < 8; ++k) {
      if (!(sp.info().secondary_out & (1u << k))) continue;
      std::size_t length = 0;
      const double* v = sp.secondary_values(static_cast<Secondary>(k), source - sp.first_gid(), length);
      if (!v) continue;
      mine.push_back(source);
      mine.push_back(k);
      mine.push_back(static_cast<double>(length));
      mine.insert(mine.end(), v, v + length);
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  communicator().allgather_doubles(mine, remote_values_);
  time_exchange_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  remote_index_.clear();
  for (std::size_t at = 0; at + 3 <= remote_values_.size();) {
    const auto source = static_cast<uint64_t>(remote_values_[at]);
    const auto kind = static_cast<uint64_t>(remote_values_[at + 1]);
    const auto length = static_cast<std::size_t>(remote_values_[at + 2]);
    remote_index_[(source << 8) | kind] = {at + 3, length};
    at += 3 + length;
  }
}

const double* Simulator::secondary_values_of(const Population& sp, uint32_t source, Secondary kind,
                                             std::size_t& length) const {
  if (!sp.parallel() || is_local(source)) return sp.secondary_values(kind, source - sp.first_gid(), length);
  const auto it = remote_index_.find((static_cast<uint64_t>(source) << 8) | static_cast<uint64_t>(kind));
  if (it == remote_index_.end()) {
    length = 0;
    return nullptr;
  }
  length = it->second.second;
  return remote_values_.data() + it->second.first;
}

}  // namespace nestkit
