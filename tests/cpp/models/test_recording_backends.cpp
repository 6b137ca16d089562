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
            (std::vector<std::string>{"ascii", "memory", "screen"}));
}

}  // namespace
}  // namespace nestkit
