// The e-prop history (NEST 3.10's EpropArchivingNode): one entry per step while the
// node has incoming e-prop connections; learning signals added to kept entries only;
// entries no synapse can read again are dropped (before the earliest noted spike, and
// between a spike's cutoff window and the windows still needed).
#include <gtest/gtest.h>

#include <vector>

#include "nestkit/eprop_archive.hpp"

namespace nestkit {
namespace {

std::vector<long> steps(EpropArchive& a) {
  std::vector<long> out;
  for (EpropEntry* e = a.lower_bound(0, -1000); e != a.end(0); ++e) out.push_back(e->t);
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

}  // namespace
}  // namespace nestkit
