// The e-prop history (NEST 3.10's EpropArchivingNode): one entry per step while the
// node has incoming e-prop connections; learning signals added to kept entries only;
// entries no synapse can read again are dropped (before the earliest noted spike, and
// between a spike's cutoff window and the windows still needed).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "nestkit/eprop_archive.hpp"

namespace nestkit {
namespace {

std::vector<long> steps(EpropArchive& a) {
  std::vector<long> out;
  for (EpropEntry* e = a.lower_bound(0, -1000); e != a.end(0); ++e)
    if (e->t != EpropEntry::kDropped) out.push_back(e->t);
  EXPECT_EQ(out.size(), a.length(0));  // the count of kept entries agrees with the slots
  return out;
}

void fill(EpropArchive& a, long first, long last) {
  for (long t = first; t <= last; ++t) a.append(0, t);
}

TEST(EpropArchive, NothingIsRecordedWithoutIncomingConnections) {
  EpropArchive a(EpropArchive::Kind::kRecurrent);
  a.resize(1);
  EXPECT_EQ(a.append(0, 1), nullptr);
  EXPECT_EQ(a.length(0), 0u);
  a.register_connection(0);
  EXPECT_NE(a.append(0, 2), nullptr);
  EXPECT_EQ(a.length(0), 1u);
}

TEST(EpropArchive, LearningSignalsLandOnlyOnKeptEntries) {
  EpropArchive a(EpropArchive::Kind::kRecurrent);
  a.register_connection(0);
  fill(a, 1, 3);
  a.add_learning_signal(0, 2, 0.5);
  a.add_learning_signal(0, 2, 0.25);
  a.add_learning_signal(0, 7, 1.0);  // no entry: dropped
  EXPECT_EQ(a.learning_signal(0, 2), 0.75);
  EXPECT_EQ(a.learning_signal(0, 3), 0.0);
  EXPECT_EQ(a.learning_signal(0, 9), 0.0);  // past the end
}

TEST(EpropArchive, EntriesBeforeTheEarliestSpikeGoOnceEverySynapseMovedOn) {
  EpropArchive a(EpropArchive::Kind::kRecurrent);
  a.register_connection(0);
  a.register_connection(0);
  a.constants(0).cutoff = 1000;  // no cutoff within this test
  fill(a, 0, 10);
  a.erase_used(0, 3, 0);  // first spikes of both synapses at 3 and 5
  a.erase_used(0, 5, 0);
  // Entries from step 3 - 1 are kept; earlier ones go.
  EXPECT_EQ(steps(a).front(), 2);
  a.erase_used(0, 8, 3);  // the first synapse moves from 3 to 8: the earliest is now 5
  EXPECT_EQ(steps(a).front(), 4);
}

TEST(EpropArchive, EntriesBetweenACutoffWindowAndTheNextNeededOneGo) {
  EpropArchive a(EpropArchive::Kind::kRecurrent);
  a.register_connection(0);
  a.register_connection(0);
  a.constants(0).cutoff = 3;
  fill(a, 0, 30);
  a.erase_used(0, 2, 0);   // synapse A: window [1, 4)
  a.erase_used(0, 10, 0);  // synapse B: window [9, 12)
  a.erase_used(0, 20, 2);  // A moves on: its window's entries no one else needs go
  // A read [1, 4); B still needs [9, 12); A now needs [19, 22). Entries 1..3 go, and
  // the front follows B's spike (from 9 on).
  const std::vector<long> kept = steps(a);
  EXPECT_EQ(kept.front(), 9);
  EXPECT_EQ(kept.back(), 30);
}

// A plain sorted-vector history pruned as NEST 3.10's EpropArchivingNode describes it
// (erase by time range, front kept from the earliest noted spike - 1 when that entry
// exists), to check the slot buffer against over a long random run.
struct PlainHistory {
  std::vector<long> h;
  std::vector<std::pair<long, int>> up;
  long cutoff;
  std::vector<long>::iterator at(long t) { return std::lower_bound(h.begin(), h.end(), t); }
  void erase_used(long t_spike, long t_prev) {
    auto u = std::lower_bound(up.begin(), up.end(), std::make_pair(t_spike, -1));
    if (u != up.end() && u->first == t_spike)
      ++u->second;
    else
      up.insert(u, {t_spike, 1});
    if (t_prev > 0) {
      auto p = std::lower_bound(up.begin(), up.end(), std::make_pair(t_prev, -1));
      if (p != up.end() && p->first == t_prev && --p->second == 0) up.erase(p);
      long b = t_prev - 1, e = b + cutoff;
      for (const auto& [t, n] : up) {
        const long rb = t - 1, re = rb + cutoff;
        if (rb >= t_prev - 1 && rb <= t_prev - 1 + cutoff) e = std::min(e, rb);
        if (re >= t_prev - 1 && re <= t_prev - 1 + cutoff) b = std::max(b, re);
      }
      if (b < e) h.erase(at(b), at(e));
    }
    if (up.empty() || h.empty()) return;
    auto k = at(up.front().first - 1);
    if (k != h.end() && *k == up.front().first - 1) h.erase(h.begin(), k);
  }
};

TEST(EpropArchive, SlotBufferKeepsTheEntriesOfAPlainHistoryOverALongRun) {
  for (const long cutoff : {5L, 40L, 100000L}) {
    EpropArchive a(EpropArchive::Kind::kRecurrent);
    PlainHistory ref{{}, {}, cutoff};
    constexpr int kSynapses = 6;
    for (int k = 0; k < kSynapses; ++k) a.register_connection(0);
    a.constants(0).cutoff = cutoff;
    std::mt19937 gen(7);
    std::vector<long> last(kSynapses, 0);
    for (long t = 1; t <= 20000; ++t) {
      a.append(0, t);
      ref.h.push_back(t);
      a.add_learning_signal(0, t - 2, 1.0);
      for (int k = 0; k < kSynapses; ++k) {
        // Synapse 0 falls silent for long stretches, which keeps a long history.
        const double rate = k == 0 ? (t % 6000 < 3000 ? 0.0 : 0.05) : 0.02 * (k + 1);
        if (std::uniform_real_distribution<double>(0.0, 1.0)(gen) < rate) {
          a.erase_used(0, t, last[k]);
          ref.erase_used(t, last[k]);
          last[k] = t;
        }
      }
      if (t % 997 == 0) {
        ASSERT_EQ(steps(a), ref.h) << "cutoff " << cutoff << ", step " << t;
      }
      // The learning signal of a kept entry, the next kept one's if gone, 0 past the end.
      const long q = t - 1 - static_cast<long>(gen() % 50);
      auto r = ref.at(q);
      ASSERT_EQ(a.learning_signal(0, q), r == ref.h.end() || *r > t - 2 ? 0.0 : 1.0) << "step " << q;
    }
    EXPECT_EQ(steps(a), ref.h);
  }
}

}  // namespace
}  // namespace nestkit
