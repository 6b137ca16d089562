#pragma once
// The processes of a distributed run (MPI ranks) as the kernel sees them. The kernel
// depends on this interface only; with MPI (NESTKIT_HAVE_MPI) it is backed by
// MPI_COMM_WORLD, otherwise by a single process. Every call is collective: all ranks
// make it in the same order (the kernel's slice loop and the SPMD script guarantee that).
#include <cstdint>
#include <string>
#include <vector>

#include "nestkit/population.hpp"

namespace nestkit {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's spikes, concatenated in rank order (this rank's included).
  virtual void allgather_spikes(const std::vector<EmittedSpike>& local, std::vector<EmittedSpike>& all) = 0;
  // Every rank's doubles, concatenated in rank order (secondary events' values).
  virtual void allgather_doubles(const std::vector<double>& local, std::vector<double>& all) = 0;
  virtual uint64_t sum(uint64_t v) = 0;
  virtual long max(long v) = 0;
  // Element-wise over all ranks: `total` the sum, `below` the sum over the lower ranks.
  virtual void scan_sum(const std::vector<uint64_t>& local, std::vector<uint64_t>& below,
                        std::vector<uint64_t>& total) = 0;
  // Element-wise maximum over all ranks, in place.
  virtual void max_each(std::vector<uint64_t>& v) = 0;
  // Every rank's values, concatenated in rank order.
  virtual void allgather_u64(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) = 0;
  // The message of the lowest rank whose `local` is non-empty ("" when none): lets an error
  // found on one rank be raised on every rank, instead of leaving the others waiting.
  virtual std::string first_error(const std::string& local) = 0;
  // Rank 0 receives every rank's bytes in rank order; the other ranks receive nothing.
  virtual std::vector<std::string> gather_to_root(const std::string& bytes) = 0;
  virtual void barrier() = 0;
  // Ends MPI at exit if this process started it (no-op otherwise).
  virtual void finalize() {}
};

// The process-wide communicator (MPI initialised on first use when built with MPI).
Communicator& communicator();
// Whether this build can run distributed (was built with MPI).
bool built_with_mpi();

}  // namespace nestkit
