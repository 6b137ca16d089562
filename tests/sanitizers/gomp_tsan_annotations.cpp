// Happens-before annotations for GCC's OpenMP runtime under ThreadSanitizer.
//
// libgomp is not built with TSan: its thread pool hands work to its threads and waits at
// barriers through raw futexes, which TSan does not see, so every access on either side
// of a parallel region's fork/join or of a barrier would be reported as a race. This
// library, preloaded after libtsan (scripts/sanitize.sh), wraps the libgomp entry points
// that nestkit's pragmas compile to (GOMP_parallel, GOMP_barrier) and tells TSan about the
// ordering that libgomp guarantees:
//   fork:    the encountering thread's work before the region -> every thread's region body
//   barrier: every thread's work before the barrier -> every thread's work after it
//   join:    every thread's region body -> the encountering thread after the region
// It is compiled without -fsanitize (its own bookkeeping must not be checked) and adds no
// ordering that libgomp does not provide, so real races inside a region are still reported.
// Not part of the library; only the TSan job builds and loads it.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

extern "C" {
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
}

namespace {

using ParallelFn = void (*)(void (*)(void*), void*, unsigned, unsigned);
using BarrierFn = void (*)();

template <class Fn>
Fn next_symbol(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "gomp_tsan_annotations: %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(p);
}

// One per parallel region instance (on the encountering thread's stack).
struct Region {
  void (*fn)(void*);
  void* data;
  char fork, barrier, join;  // distinct sync addresses
};

thread_local Region* current = nullptr;

void region_body(void* arg) {
  Region* r = static_cast<Region*>(arg);
  Region* outer = current;
  current = r;
  __tsan_acquire(&r->fork);
  r->fn(r->data);
  __tsan_release(&r->join);
  current = outer;
}

}  // namespace

extern "C" {

void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags) {
  static const ParallelFn real = next_symbol<ParallelFn>("GOMP_parallel");
  Region r{fn, data, 0, 0, 0};
  __tsan_release(&r.fork);
  real(region_body, &r, num_threads, flags);
  __tsan_acquire(&r.join);
}

void GOMP_barrier() {
  static const BarrierFn real = next_symbol<BarrierFn>("GOMP_barrier");
  static char orphan;  // a barrier outside any wrapped region (not used by nestkit)
  void* sync = current != nullptr ? static_cast<void*>(&current->barrier) : &orphan;
  __tsan_release(sync);
  real();
  __tsan_acquire(sync);
}

}  // extern "C"
