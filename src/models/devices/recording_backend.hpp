#pragma once
// Recording backends: where a recorder's events go, chosen per recorder node by
// its record_to (NEST's recording backends "memory", "ascii" and "screen").
//
// A recorder hands each event to its node's backend as a Row (sender, time stamp
// and offset, floating and integer values). The memory backend keeps the rows for
// `events`; ascii writes them to one text file per recorder and virtual process
// (NEST writes one per VP of each MPI process; nestkit runs one process, so these
// are its threads' VPs), each holding the events of the senders on that VP;
// screen prints them. File-writing backends live for a run session: check, open,
// then rows, flush after each run, close when the session ends.
//
// hdf5 buffers rows like memory, but the Python layer takes them (take_hdf5_batches)
// after every simulate() slice and appends them to the recorder's HDF5 file with
// h5py, so the C++ side needs no HDF5 library and the buffer stays one slice long.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "nestkit/population.hpp"
#include "nestkit/recorders.hpp"

namespace nestkit::recording {

// One event as a backend receives it.
struct Row {
  uint32_t sender = 0;
  long stamp = 0;       // step at whose end the event occurred
  double offset = 0.0;  // ms before the stamp (precise spike times)
  std::size_t vp = 0;   // the virtual process the event belongs to (its file)
  const double* doubles = nullptr;
  std::size_t n_doubles = 0;
  const long* longs = nullptr;
  std::size_t n_longs = 0;
};

// A recorder node as its backend sees it when a session opens.
struct Target {
  std::string model, label;
  uint32_t gid = 0;
  int id_width = 1;  // digits the node ID is padded to in file names
  std::size_t num_vps = 1;
  // Distributed runs: this process writes the files of its own virtual processes only
  // (NEST numbering: vp % ranks == rank), as each NEST rank does.
  std::size_t ranks = 1, rank = 0;
  std::vector<std::string> double_names, long_names;
  long precision = 3;
  bool time_in_steps = false;
  std::string file_extension = "dat";
  std::string data_path, data_prefix;
  bool overwrite_files = false;
  const TimeGrid* grid = nullptr;
  const void* kernel = nullptr;  // the Simulator owning the recorder (hdf5 batches are taken per kernel)
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  // Throws IOError if the target's outputs cannot be written; changes nothing.
  virtual void check(const Target&) const {}
  virtual void open(const Target&) {}
  virtual void write(const Row& row) = 0;
  // After each run: data written so far becomes visible (throws IOError on a write error).
  virtual void flush() {}
  virtual void close() noexcept {}
  // What a memory backend holds; false for the others.
  virtual bool events(const TimeGrid&, bool /*in_steps*/, const std::vector<std::string>& /*double_names*/,
                      const std::vector<std::string>& /*long_names*/, Events&) const {
    return false;
  }
  // n_events set to 0: the memory backend forgets its rows.
  virtual void clear() {}
};

// The backend called `name`; BadProperty naming the valid ones if there is none.
std::unique_ptr<Backend> make_backend(const std::string& name, const std::string& owner);
// Decimal digits of n (at least 1): NEST pads node IDs and VPs in file names to these.
int decimal_digits(std::size_t n);
// NEST's backend names, sorted.
const std::vector<std::string>& backend_names();
// The files the ascii backend writes for `t`, one per virtual process:
// data_path/data_prefix(label|model)-<node id>-<vp>.<file_extension>.
std::vector<std::string> ascii_file_names(const Target& t);
// The file the hdf5 backend's rows go to: data_path/data_prefix(label|model)-<node id>.h5.
std::string hdf5_file_name(const Target& t);

// The batches (nestkit/recorders.hpp) of every open hdf5 backend of `kernel`.
std::vector<Hdf5Batch> take_hdf5_batches(const void* kernel);

// Whether a recorder recording to `backend` shows `key` (precision, time_in_steps,
// file_extension, filenames, events); every other key is shown.
bool backend_shows(const std::string& backend, const std::string& key);

}  // namespace nestkit::recording
