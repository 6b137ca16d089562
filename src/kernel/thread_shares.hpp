#pragma once
// Runs share(tid, nt) for each of `threads` thread shares: on an OpenMP team, or (team == false)
// one after another on the calling thread, with the same shares (ThreadTeamChoice).
#ifdef _OPENMP
#include <omp.h>
#endif

namespace nestkit {

template <class Share>
void run_thread_shares(int threads, bool team, Share&& share) {
  if (!team) {
    for (int tid = 0; tid < threads; ++tid) share(tid, threads);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
#ifdef _OPENMP
    share(omp_get_thread_num(), omp_get_num_threads());
#else
    share(0, 1);
#endif
  }
}

}  // namespace nestkit
