// The communicator: MPI_COMM_WORLD when built with MPI, else a single process.
#include "nestkit/communicator.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#ifdef NESTKIT_HAVE_MPI
#include <mpi.h>
#endif

namespace nestkit {

namespace {

class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allgather_spikes(const std::vector<EmittedSpike>& local, std::vector<EmittedSpike>& all) override {
    all = local;
  }
  void allgather_doubles(const std::vector<double>& local, std::vector<double>& all) override { all = local; }
  uint64_t sum(uint64_t v) override { return v; }
  long max(long v) override { return v; }
  void scan_sum(const std::vector<uint64_t>& local, std::vector<uint64_t>& below,
                std::vector<uint64_t>& total) override {
    below.assign(local.size(), 0);
    total = local;
  }
  void max_each(std::vector<uint64_t>&) override {}
  void allgather_u64(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) override { all = local; }
  std::string first_error(const std::string& local) override { return local; }
  std::vector<std::string> gather_to_root(const std::string& bytes) override { return {bytes}; }
  void barrier() override {}
};

#ifdef NESTKIT_HAVE_MPI
// Spikes travel as plain bytes: EmittedSpike is trivially copyable and every rank runs
// the same binary, so its layout is the same everywhere.
static_assert(std::is_trivially_copyable_v<EmittedSpike>);

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) {
      // Threads call no MPI function (only the kernel's serial part does): FUNNELED.
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      own_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allgather_spikes(const std::vector<EmittedSpike>& local, std::vector<EmittedSpike>& all) override {
    // Alltoallv would send every rank the same spikes here (a source's targets are spread
    // over all ranks in random networks), so one Allgatherv: the counts first, then the spikes.
    const int mine = static_cast<int>(local.size() * sizeof(EmittedSpike));
    all.resize(gather_counts(mine, "spike exchange") / sizeof(EmittedSpike));
    MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), counts_.data(), displs_.data(), MPI_BYTE, MPI_COMM_WORLD);
  }
  void allgather_doubles(const std::vector<double>& local, std::vector<double>& all) override {
    const int mine = static_cast<int>(local.size());
    all.resize(gather_counts(mine, "secondary exchange"));
    MPI_Allgatherv(local.data(), mine, MPI_DOUBLE, all.data(), counts_.data(), displs_.data(), MPI_DOUBLE,
                   MPI_COMM_WORLD);
  }
  uint64_t sum(uint64_t v) override {
    unsigned long long in = v, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    return out;
  }
  long max(long v) override {
    long out = 0;
    MPI_Allreduce(&v, &out, 1, MPI_LONG, MPI_MAX, MPI_COMM_WORLD);
    return out;
  }
  // Large vectors go in pieces (MPI counts are ints).
  static constexpr std::size_t kPiece = std::size_t{1} << 24;
  void scan_sum(const std::vector<uint64_t>& local, std::vector<uint64_t>& below,
                std::vector<uint64_t>& total) override {
    static_assert(sizeof(unsigned long long) == sizeof(uint64_t));
    below.assign(local.size(), 0);
    total.assign(local.size(), 0);
    for (std::size_t at = 0; at < local.size(); at += kPiece) {
      const int n = static_cast<int>(std::min(kPiece, local.size() - at));
      // MPI_Exscan leaves rank 0's result undefined: it stays 0 here.
      std::vector<uint64_t> part(local.begin() + at, local.begin() + at + n), out(n, 0);
      MPI_Exscan(part.data(), out.data(), n, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
      if (rank_ > 0) std::copy(out.begin(), out.end(), below.begin() + at);
      MPI_Allreduce(part.data(), total.data() + at, n, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    }
  }
  void max_each(std::vector<uint64_t>& v) override {
    for (std::size_t at = 0; at < v.size(); at += kPiece) {
      const int n = static_cast<int>(std::min(kPiece, v.size() - at));
      MPI_Allreduce(MPI_IN_PLACE, v.data() + at, n, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    }
  }
  void allgather_u64(const std::vector<uint64_t>& local, std::vector<uint64_t>& all) override {
    const int mine = static_cast<int>(local.size());
    all.resize(gather_counts(mine, "key exchange"));
    MPI_Allgatherv(local.data(), mine, MPI_UNSIGNED_LONG_LONG, all.data(), counts_.data(), displs_.data(),
                   MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
  }
  std::string first_error(const std::string& local) override {
    int mine = local.empty() ? size_ : rank_, first = size_;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size_) return {};
    int len = rank_ == first ? static_cast<int>(local.size()) : 0;
    MPI_Bcast(&len, 1, MPI_INT, first, MPI_COMM_WORLD);
    std::string msg = rank_ == first ? local : std::string(static_cast<std::size_t>(len), '\0');
    MPI_Bcast(msg.data(), len, MPI_CHAR, first, MPI_COMM_WORLD);
    msg = "on MPI rank " + std::to_string(first) + ": " + msg;  // the same text on every rank
    return msg;
  }
  std::vector<std::string> gather_to_root(const std::string& bytes) override {
    long mine = static_cast<long>(bytes.size());
    std::vector<long> sizes(size_);
    MPI_Gather(&mine, 1, MPI_LONG, sizes.data(), 1, MPI_LONG, 0, MPI_COMM_WORLD);
    std::vector<std::string> out;
    if (rank_ == 0) {
      out.resize(size_);
      out[0] = bytes;
      for (int r = 1; r < size_; ++r) {
        out[r].resize(static_cast<std::size_t>(sizes[r]));
        MPI_Recv(out[r].data(), static_cast<int>(sizes[r]), MPI_CHAR, r, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      }
    } else {
      MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_CHAR, 0, 7, MPI_COMM_WORLD);
    }
    return out;
  }
  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }
  void finalize() override {
    int done = 0;
    MPI_Finalized(&done);
    if (own_ && !done) MPI_Finalize();
  }

 private:
  // Every rank's element count into counts_ and their offsets into displs_; the total.
  std::size_t gather_counts(int mine, const char* what) {
    counts_.assign(size_, 0);
    MPI_Allgather(&mine, 1, MPI_INT, counts_.data(), 1, MPI_INT, MPI_COMM_WORLD);
    displs_.assign(size_, 0);
    long total = 0;
    for (int r = 0; r < size_; ++r) {
      displs_[r] = static_cast<int>(total);
      total += counts_[r];
    }
    if (total > 2147483647L) throw std::runtime_error(std::string(what) + ": more than 2^31 elements in one interval");
    return static_cast<std::size_t>(total);
  }

  int rank_ = 0, size_ = 1;
  bool own_ = false;
  std::vector<int> counts_, displs_;
};
#endif

}  // namespace

#ifdef NESTKIT_HAVE_MPI
namespace {
// MPI starts only when a launcher started this process (mpirun, srun) or someone
// (mpi4py) already initialised it: a plain `python script.py` stays a single process
// without paying for MPI's start-up.
bool launched_by_mpi() {
  int ready = 0;
  MPI_Initialized(&ready);
  if (ready) return true;
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}
}  // namespace
#endif

Communicator& communicator() {
#ifdef NESTKIT_HAVE_MPI
  static Communicator* world =
      launched_by_mpi() ? static_cast<Communicator*>(new MpiWorld) : static_cast<Communicator*>(new SingleProcess);
  return *world;
#else
  static SingleProcess world;
  return world;
#endif
}

bool built_with_mpi() {
#ifdef NESTKIT_HAVE_MPI
  return true;
#else
  return false;
#endif
}

}  // namespace nestkit
