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

#ifdef _OPENMP
#include <omp.h>
#endif

#include "nestkit/simulator.hpp"

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
      batch.values = sp->secondary_values(info.secondary, source - sp->first_gid(), batch.length);
      if (!batch.values) continue;
      batch.kind = info.secondary;
      batch.source = source;
      // A device's interval lands one min-delay earlier than a neuron's (NEST 3.10: a
      // step_rate_generator's rate of step s reaches the target's step s + delay - min_delay,
      // modulo the input ring, where a rate neuron's reaches step s + delay).
      batch.origin = sp->info().kind == NodeKind::kStimulator ? origin - min_delay_ : origin;
      batch.target = store_.targets(sg);
      batch.weight = sg.weight_each() ? SynColumn<double>(store_.weights(sg)) : SynColumn<double>::shared(sg.weight);
      batch.delay = sg.delay_each() ? SynColumn<uint16_t>(store_.delays(sg)) : SynColumn<uint16_t>::shared(sg.delay);
      batch.record = store_.record(sg);
      batch.record_each = sg.rec_each();
      batch.record_size = sg.rec_size;
      batch.count = sg.count;
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
        const std::size_t n = p->size();
        ok = p->wfr_update(ctx, 0, md, n * tid / nt, n * (tid + 1) / nt) && ok;
      }
      done[tid] = ok ? 1 : 0;
#pragma omp barrier
      // The iteration's values reach their targets before the check (as NEST).
      route_secondary(true, slice_origin_, tid);
    }
    converged = std::all_of(done.begin(), done.end(), [](uint8_t d) { return d != 0; });
  }
  wfr_last_iterations_ = iteration;
  for (auto& p : pops_)
    if (std::string error = p->take_error(); !error.empty()) throw KernelException(error);
}

}  // namespace nestkit
