// The memory, ascii and screen recording backends, in NEST 3.10's formats, and
// nestkit's hdf5 backend (rows buffered here, written to HDF5 by the Python layer).
#include "models/devices/recording_backend.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <mutex>

#include "nestkit/errors.hpp"

namespace nestkit::recording {
namespace {

// What the files' first header line names: the NEST release whose format this is.
constexpr const char* kNestVersion = "3.10.0";
// NEST's RecordingBackendASCII version written in the second header line.
constexpr int kAsciiVersion = 2;

void put_long(std::string& out, long v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Fixed notation with `precision` decimals (validated to [0, 100]), as a C++ stream
// set to std::fixed writes it: correctly rounded, like printf's %.*f.
void put_fixed(std::string& out, double v, long precision) {
  char buf[512];  // a double has at most 309 integer digits
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed,
                               static_cast<int>(std::clamp(precision, 0L, 100L)));
  out.append(buf, r.ptr);
}

// One line as NEST's ascii and screen backends write it (without the newline).
void format_row(std::string& out, const Row& r, const TimeGrid& grid, long precision, bool in_steps) {
  put_long(out, r.sender);
  out += '\t';
  if (in_steps) {
    put_long(out, r.stamp);
    out += '\t';
    put_fixed(out, r.offset, precision);
  } else {
    put_fixed(out, grid.steps_to_ms(r.stamp) - r.offset, precision);
  }
  for (std::size_t k = 0; k < r.n_doubles; ++k) {
    out += '\t';
    put_fixed(out, r.doubles[k], precision);
  }
  for (std::size_t k = 0; k < r.n_longs; ++k) {
    out += '\t';
    put_long(out, r.longs[k]);
  }
}

std::string open_error(const std::string& path, int err) {
  return "I/O error while opening file '" + path + "': " + std::strerror(err) + ".";
}

// IOError unless `path` can be created: an existing file only with overwrite_files
// (NEST's message), and only where the process may write.
void check_new_file(const std::string& path, const Target& t) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!t.overwrite_files)
      throw IOError("The file '" + path +
                    "' already exists and overwriting files is disabled. To overwrite files, set the kernel "
                    "property overwrite_files to true. To change the name or location of the file, change the "
                    "kernel properties data_path or data_prefix, or the device property label.");
    if (S_ISDIR(st.st_mode)) throw IOError(open_error(path, EISDIR));
    if (::access(path.c_str(), W_OK) != 0) throw IOError(open_error(path, errno));
  } else {
    const std::string dir = t.data_path.empty() ? "." : t.data_path;
    if (::access(dir.c_str(), W_OK | X_OK) != 0) throw IOError(open_error(path, errno));
  }
}

// data_path/data_prefix(label|model)-<node id padded to id_width>
std::string file_stem(const Target& t) {
  std::string stem = t.data_path;
  if (!stem.empty() && stem.back() != '/') stem += '/';
  stem += t.data_prefix + (t.label.empty() ? t.model : t.label) + "-";
  const std::string id = std::to_string(t.gid);
  return stem + std::string(static_cast<std::size_t>(std::max(0, t.id_width - static_cast<int>(id.size()))), '0') + id;
}

// --- memory -------------------------------------------------------------------------

class MemoryBackend : public Backend {
 protected:
  // Every buffered row, for a backend that hands its rows on (hdf5).
  bool buffered_events(const TimeGrid& grid, bool in_steps, const std::vector<std::string>& double_names,
                       const std::vector<std::string>& long_names, Events& out) const {
    return MemoryBackend::events(grid, in_steps, double_names, long_names, out);
  }

 public:
  const char* name() const override { return "memory"; }

  void write(const Row& r) override {
    senders_.push_back(r.sender);
    stamps_.push_back(r.stamp);
    offsets_.push_back(r.offset);
    if (doubles_.size() < r.n_doubles) doubles_.resize(r.n_doubles, std::vector<double>(senders_.size() - 1));
    if (longs_.size() < r.n_longs) longs_.resize(r.n_longs, std::vector<long>(senders_.size() - 1));
    for (std::size_t k = 0; k < r.n_doubles; ++k) doubles_[k].push_back(r.doubles[k]);
    for (std::size_t k = 0; k < r.n_longs; ++k) longs_[k].push_back(r.longs[k]);
  }

  bool events(const TimeGrid& grid, bool in_steps, const std::vector<std::string>& double_names,
              const std::vector<std::string>& long_names, Events& out) const override {
    out.senders = senders_;
    if (in_steps) {
      out.in_steps = true;
      out.steps = stamps_;
      out.offsets = offsets_;
    } else {
      out.times.resize(stamps_.size());
      for (std::size_t k = 0; k < stamps_.size(); ++k) out.times[k] = grid.steps_to_ms(stamps_[k]) - offsets_[k];
    }
    for (std::size_t r = 0; r < double_names.size(); ++r)
      out.values.emplace_back(double_names[r], r < doubles_.size() ? doubles_[r] : std::vector<double>{});
    for (std::size_t r = 0; r < long_names.size(); ++r)
      out.int_values.emplace_back(long_names[r], r < longs_.size() ? longs_[r] : std::vector<long>{});
    return true;
  }

  void clear() override {
    senders_.clear();
    stamps_.clear();
    offsets_.clear();
    doubles_.clear();
    longs_.clear();
  }

 private:
  std::vector<long> senders_, stamps_;
  std::vector<double> offsets_;
  std::vector<std::vector<double>> doubles_;
  std::vector<std::vector<long>> longs_;
};

// --- ascii --------------------------------------------------------------------------

class AsciiBackend : public Backend {
 public:
  ~AsciiBackend() override { close(); }
  const char* name() const override { return "ascii"; }

  void check(const Target& t) const override {
    for (const std::string& path : ascii_file_names(t)) check_new_file(path, t);
  }

  void open(const Target& t) override {
    close();
    precision_ = t.precision;
    in_steps_ = t.time_in_steps;
    grid_ = t.grid;
    ranks_ = t.ranks;
    rank_ = t.rank;
    std::string header = std::string("# NEST version: ") + kNestVersion +
                         "\n# RecordingBackendASCII version: " + std::to_string(kAsciiVersion) + "\nsender" +
                         (t.time_in_steps ? "\ttime_step\ttime_offset" : "\ttime_ms");
    for (const auto& n : t.double_names) header += "\t" + n;
    for (const auto& n : t.long_names) header += "\t" + n;
    header += '\n';
    for (const std::string& path : ascii_file_names(t)) {
      // Without overwrite_files the file must not exist ("x": fail if it does).
      std::FILE* f = std::fopen(path.c_str(), t.overwrite_files ? "w" : "wx");
      if (!f) {
        const int err = errno;
        close();
        throw IOError(open_error(path, err));
      }
      std::setvbuf(f, nullptr, _IOFBF, 1 << 16);
      std::fwrite(header.data(), 1, header.size(), f);
      files_.push_back({path, f});
    }
  }

  void write(const Row& r) override {
    // This process's files are its virtual processes rank, rank + ranks, ...
    if (r.vp % ranks_ != rank_ || r.vp / ranks_ >= files_.size()) return;
    line_.clear();
    format_row(line_, r, *grid_, precision_, in_steps_);
    line_ += '\n';
    std::fwrite(line_.data(), 1, line_.size(), files_[r.vp / ranks_].f);
  }

  void flush() override {
    for (File& file : files_) {
      if (std::fflush(file.f) != 0 || std::ferror(file.f))
        throw IOError("I/O error while writing file '" + file.path + "': " + std::strerror(errno) + ".");
    }
  }

  void close() noexcept override {
    for (File& file : files_) std::fclose(file.f);
    files_.clear();
  }

 private:
  struct File {
    std::string path;
    std::FILE* f;
  };
  std::vector<File> files_;  // one per virtual process
  long precision_ = 3;
  bool in_steps_ = false;
  std::size_t ranks_ = 1, rank_ = 0;
  const TimeGrid* grid_ = nullptr;
  std::string line_;
};

// --- screen -------------------------------------------------------------------------

class ScreenBackend : public Backend {
 public:
  const char* name() const override { return "screen"; }

  void open(const Target& t) override {
    precision_ = t.precision;
    in_steps_ = t.time_in_steps;
    grid_ = t.grid;
  }

  void write(const Row& r) override {
    if (!grid_) return;
    line_.clear();
    format_row(line_, r, *grid_, precision_, in_steps_);
    line_ += '\n';
    // Line by line, flushed, as NEST writes to std::cout with std::endl.
    std::fwrite(line_.data(), 1, line_.size(), stdout);
    std::fflush(stdout);
  }

 private:
  long precision_ = 3;
  bool in_steps_ = false;
  const TimeGrid* grid_ = nullptr;
  std::string line_;
};

// --- hdf5 ---------------------------------------------------------------------------

class Hdf5Backend;

// The open hdf5 backends of every kernel in the process; take_hdf5_batches picks a
// kernel's. A mutex, because independent Simulators may run in different threads.
struct OpenHdf5Backends {
  std::mutex lock;
  std::vector<Hdf5Backend*> list;
};
OpenHdf5Backends& open_hdf5_backends() {
  // Never destroyed: a Simulator destroyed during static destruction still deregisters safely.
  static OpenHdf5Backends* r = new OpenHdf5Backends;
  return *r;
}

class Hdf5Backend : public MemoryBackend {
 public:
  ~Hdf5Backend() override { close(); }
  const char* name() const override { return "hdf5"; }

  // A file this backend has written before is appended to (a later Simulate continues
  // it); any other must be creatable, as the ascii backend's.
  void check(const Target& t) const override {
    const std::string path = hdf5_file_name(t);
    if (path != path_) check_new_file(path, t);
  }

  void open(const Target& t) override {
    const std::string path = hdf5_file_name(t);
    if (path != path_) new_file_ = true;
    path_ = path;
    target_ = t;
    OpenHdf5Backends& r = open_hdf5_backends();
    std::lock_guard<std::mutex> g(r.lock);
    if (std::find(r.list.begin(), r.list.end(), this) == r.list.end()) r.list.push_back(this);
  }

  void close() noexcept override {
    OpenHdf5Backends& r = open_hdf5_backends();
    std::lock_guard<std::mutex> g(r.lock);
    r.list.erase(std::remove(r.list.begin(), r.list.end(), this), r.list.end());
  }

  // Rows are not kept for `events` (only memory keeps events, as in NEST).
  bool events(const TimeGrid&, bool, const std::vector<std::string>&, const std::vector<std::string>&,
              Events&) const override {
    return false;
  }

  const void* kernel() const { return target_.kernel; }

  Hdf5Batch take() {
    Hdf5Batch b;
    b.gid = target_.gid;
    b.model = target_.model;
    b.label = target_.label;
    b.path = path_;
    b.new_file = new_file_;
    b.double_names = target_.double_names;
    b.long_names = target_.long_names;
    static const TimeGrid default_grid;
    buffered_events(target_.grid ? *target_.grid : default_grid, target_.time_in_steps, b.double_names, b.long_names,
                    b.events);
    new_file_ = false;
    clear();
    return b;
  }

 private:
  Target target_;
  std::string path_;  // the file this backend writes (empty before the first open)
  bool new_file_ = false;
};

}  // namespace

std::vector<Hdf5Batch> take_hdf5_batches(const void* kernel) {
  std::vector<Hdf5Backend*> mine;
  {
    OpenHdf5Backends& r = open_hdf5_backends();
    std::lock_guard<std::mutex> g(r.lock);
    for (Hdf5Backend* b : r.list)
      if (b->kernel() == kernel) mine.push_back(b);
  }
  std::vector<Hdf5Batch> out;
  out.reserve(mine.size());
  for (Hdf5Backend* b : mine) out.push_back(b->take());
  std::sort(out.begin(), out.end(), [](const Hdf5Batch& a, const Hdf5Batch& b) { return a.gid < b.gid; });
  return out;
}

int decimal_digits(std::size_t n) {
  int d = 1;
  while (n >= 10) n /= 10, ++d;
  return d;
}

const std::vector<std::string>& backend_names() {
  static const std::vector<std::string> names = {"ascii", "hdf5", "memory", "screen"};
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name, const std::string& owner) {
  if (name == "memory") return std::make_unique<MemoryBackend>();
  if (name == "ascii") return std::make_unique<AsciiBackend>();
  if (name == "screen") return std::make_unique<ScreenBackend>();
  if (name == "hdf5") return std::make_unique<Hdf5Backend>();
  throw BadProperty(owner + ": unknown recording backend '" + name + "' (record_to must be one of ascii, hdf5, " +
                    "memory, screen)." + did_you_mean(name, backend_names()));
}

std::string hdf5_file_name(const Target& t) { return file_stem(t) + ".h5"; }

std::vector<std::string> ascii_file_names(const Target& t) {
  const std::string stem = file_stem(t);
  const int vp_width = decimal_digits(t.num_vps);
  std::vector<std::string> out;
  for (std::size_t vp = t.rank; vp < t.num_vps; vp += t.ranks) {
    const std::string v = std::to_string(vp);
    out.push_back(stem + "-" + std::string(static_cast<std::size_t>(vp_width - static_cast<int>(v.size())), '0') + v +
                  "." + t.file_extension);
  }
  return out;
}

bool backend_shows(const std::string& backend, const std::string& key) {
  if (key == "time_in_steps") return true;
  if (key == "precision") return backend == "ascii" || backend == "screen";
  if (key == "file_extension") return backend == "ascii";
  if (key == "filenames") return backend == "ascii" || backend == "hdf5";
  if (key == "events") return backend == "memory";
  return true;
}

}  // namespace nestkit::recording

namespace nestkit {
const std::vector<std::string>& recording_backend_names() { return recording::backend_names(); }
}  // namespace nestkit
