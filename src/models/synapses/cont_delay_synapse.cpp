// cont_delay_synapse: a static synapse whose delay need not be a multiple of the
// resolution, as NEST 3.10's model. A delay d = (k + f) h with 0 < f < 1 is kept
// as k + 1 steps minus a continuous part delay_offset = (1 - f) h; at delivery the
// continuous part is added to the spike's offset, and when the sum reaches a whole
// step the spike arrives one step earlier with the remainder as its offset. Only a
// delay set on the model (SetDefaults, CopyModel) keeps its continuous part; a
// delay given to Connect is rounded to the grid, as in NEST.
#include "models/synapses/families.hpp"

namespace nestkit::synapses {
namespace {

SynapseInfo make_cont_delay() {
  SynapseInfo s("cont_delay_synapse", "Static synapse with a delay off the grid (sent as a spike offset)");
  s.hidden(kContDelayOffset, "_delay_offset", 0.0);
  s.continuous_delay_column = kContDelayOffset;
  return s;
}

}  // namespace

void register_cont_delay(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo cd = make_cont_delay();
  out.push_back(&cd);
}

}  // namespace nestkit::synapses
