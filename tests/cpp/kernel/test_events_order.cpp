// A recorder's events in NEST's order: virtual process after virtual process, each VP's
// events in the order recorded (time order); one VP leaves the order alone.
#include <gtest/gtest.h>

#include "nestkit/population.hpp"

namespace nestkit {
namespace {

Events recorded(std::vector<uint32_t> vps) {
  Events ev;
  for (std::size_t k = 0; k < vps.size(); ++k) {
    ev.senders.push_back(static_cast<long>(10 + k));
    ev.times.push_back(0.1 * static_cast<double>(k / 2 + 1));
    ev.offsets.push_back(0.0);
  }
  ev.values.emplace_back("V_m", std::vector<double>(ev.times));
  ev.int_values.emplace_back("targets", std::vector<long>(ev.senders));
  ev.vps = std::move(vps);
  return ev;
}

TEST(EventsOrder, VpAfterVpKeepingEachVpsRecordingOrder) {
  Events ev = recorded({1, 0, 2, 0, 1, 2, 0, 1});
  ev.to_vp_order();
  EXPECT_EQ(ev.senders, (std::vector<long>{11, 13, 16, 10, 14, 17, 12, 15}));
  EXPECT_EQ(ev.vps, (std::vector<uint32_t>{0, 0, 0, 1, 1, 1, 2, 2}));
  ASSERT_EQ(ev.times.size(), 8u);
  for (std::size_t k = 0; k < 8; ++k) {
    // Every column moved with its event.
    EXPECT_DOUBLE_EQ(ev.times[k], 0.1 * static_cast<double>((ev.senders[k] - 10) / 2 + 1));
    EXPECT_DOUBLE_EQ(ev.values[0].second[k], ev.times[k]);
    EXPECT_EQ(ev.int_values[0].second[k], ev.senders[k]);
  }
}

TEST(EventsOrder, OneVirtualProcessKeepsTheOrder) {
  Events ev = recorded({});
  const std::vector<long> before = ev.senders;
  ev.to_vp_order();
  EXPECT_EQ(ev.senders, before);
}

}  // namespace
}  // namespace nestkit
