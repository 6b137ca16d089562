// Recording backends through the C++ API: ascii files in NEST's format, the
// overwrite_files check before anything changes, and time_in_steps in memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "nestkit/recorders.hpp"
#include "nestkit/simulator.hpp"

namespace nestkit {
namespace {

std::string temp_dir() {
  char name[] = "/tmp/nestkit_rb_XXXXXX";
  const char* dir = ::mkdtemp(name);
  return dir ? dir : "";
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

const char* kHeader = "# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\n";

TEST(AsciiBackend, WritesNestsFileNameHeaderAndRows) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  Simulator sim;
  sim.set_kernel_status({{"data_path", dir}, {"data_prefix", std::string("x_")}});
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.5}}});
  NodeCollection sr = sim.create("spike_recorder", 1,
                                 {{"record_to", std::string("ascii")}, {"precision", 2L}, {"label", std::string("s")}});
  sim.connect(sg, sr);
  const auto names = std::get<std::vector<std::string>>(sim.get_status(sr, {"filenames"})[0].at("filenames"));
  ASSERT_EQ(names, std::vector<std::string>{dir + "/x_s-2-0.dat"});
  sim.simulate(5.0);
  EXPECT_EQ(slurp(names[0]), std::string(kHeader) + "sender\ttime_ms\n1\t1.00\n1\t2.50\n");
  EXPECT_EQ(std::get<long>(sim.get_status(sr, {"n_events"})[0].at("n_events")), 2);
  EXPECT_THROW(sim.events(sr[0]), UnknownParameter);

  // The file exists now: a second simulate fails before anything changes.
  EXPECT_THROW(sim.simulate(5.0), IOError);
  EXPECT_DOUBLE_EQ(sim.biological_time(), 5.0);
  EXPECT_FALSE(sim.in_session());
  sim.set_kernel_status({{"overwrite_files", true}});
  sim.simulate(5.0);
  EXPECT_EQ(slurp(names[0]), std::string(kHeader) + "sender\ttime_ms\n");
  std::remove(names[0].c_str());
  ::rmdir(dir.c_str());
}

TEST(Hdf5Backend, BuffersRowsUntilTakenPerKernelAndSession) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  Simulator sim, other;
  sim.set_kernel_status({{"data_path", dir}});
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.5, 7.0}}});
  NodeCollection sr =
      sim.create("spike_recorder", 1, {{"record_to", std::string("hdf5")}, {"label", std::string("s")}});
  sim.connect(sg, sr);
  const std::string path = dir + "/s-2.h5";
  EXPECT_EQ(std::get<std::vector<std::string>>(sim.get_status(sr, {"filenames"})[0].at("filenames")),
            std::vector<std::string>{path});
  EXPECT_TRUE(take_hdf5_batches(sim).empty());  // outputs are open only inside a run session

  sim.begin_session();
  std::vector<Hdf5Batch> b = take_hdf5_batches(sim);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_TRUE(b[0].new_file);
  EXPECT_EQ(b[0].path, path);
  EXPECT_EQ(b[0].gid, 2u);
  EXPECT_TRUE(b[0].events.senders.empty());
  EXPECT_TRUE(take_hdf5_batches(other).empty());  // another kernel's recorders are not this one's
  sim.simulate(5.0);
  b = take_hdf5_batches(sim);
  EXPECT_FALSE(b[0].new_file);
  EXPECT_EQ(b[0].events.times, (std::vector<double>{1.0, 2.5}));
  sim.simulate(5.0);
  EXPECT_EQ(take_hdf5_batches(sim)[0].events.times, (std::vector<double>{7.0}));
  EXPECT_TRUE(take_hdf5_batches(sim)[0].events.times.empty());
  EXPECT_EQ(std::get<long>(sim.get_status(sr, {"n_events"})[0].at("n_events")), 3);
  EXPECT_THROW(sim.events(sr[0]), UnknownParameter);  // only memory keeps events
  sim.end_session();
  EXPECT_TRUE(take_hdf5_batches(sim).empty());

  // The writer created the file: this recorder appends to it in later sessions, while a
  // new kernel's recorder may not replace it without overwrite_files.
  std::fclose(std::fopen(path.c_str(), "w"));
  sim.begin_session();
  EXPECT_FALSE(take_hdf5_batches(sim)[0].new_file);
  sim.end_session();
  other.set_kernel_status({{"data_path", dir}});
  other.create("spike_generator", 1);
  other.create("spike_recorder", 1, {{"record_to", std::string("hdf5")}, {"label", std::string("s")}});
  EXPECT_THROW(other.begin_session(), IOError);
  EXPECT_FALSE(other.in_session());
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(MemoryBackend, TimeInStepsGivesStepsAndOffsets) {
  Simulator sim;
  NodeCollection sg = sim.create("spike_generator", 1, {{"spike_times", std::vector<double>{1.0, 2.5}}});
  NodeCollection sr = sim.create("spike_recorder", 1, {{"time_in_steps", true}});
  sim.connect(sg, sr);
  sim.simulate(5.0);
  const Events ev = sim.events(sr[0]);
  EXPECT_TRUE(ev.in_steps);
  EXPECT_EQ(ev.steps, (std::vector<long>{10, 25}));
  EXPECT_EQ(ev.offsets, (std::vector<double>{0.0, 0.0}));
  EXPECT_TRUE(ev.times.empty());
  EXPECT_THROW(sim.set_status(sr, Dict{{"time_in_steps", false}}), BadProperty);
}

TEST(RecordingBackends, BadSettingsAreErrorsThatChangeNothing) {
  Simulator sim;
  EXPECT_THROW(sim.create("spike_recorder", 1, {{"record_to", std::string("asci")}}), BadProperty);
  EXPECT_THROW(sim.create("spike_recorder", 1, {{"record_to", std::string("ascii")}, {"precision", -1L}}), BadProperty);
  EXPECT_THROW(sim.create("spike_recorder", 1, {{"precision", 4L}}), BadProperty);  // memory has no precision
  EXPECT_EQ(sim.network_size(), 0u);
  EXPECT_THROW(sim.set_kernel_status({{"data_prefix", std::string("p")}, {"data_path", std::string("/no/such/dir")}}),
               BadProperty);
  EXPECT_EQ(std::get<std::string>(sim.kernel_status().at("data_prefix")), "");
  EXPECT_EQ(std::get<std::vector<std::string>>(sim.kernel_status().at("recording_backends")),
            (std::vector<std::string>{"ascii", "hdf5", "memory", "screen"}));
}

}  // namespace
}  // namespace nestkit
