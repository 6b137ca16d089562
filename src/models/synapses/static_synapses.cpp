// static_synapse and static_synapse_hom_w: the stored weight, transmitted as is.
#include "models/synapses/families.hpp"

namespace nestkit::synapses {
namespace {

SynapseInfo make_static() {
  SynapseInfo s("static_synapse", "Synapse with constant weight and delay");
  return s;
}

SynapseInfo make_static_hom_w() {
  SynapseInfo s("static_synapse_hom_w", "Static synapse whose weight is shared by all its connections");
  s.weight_common = true;
  return s;
}

}  // namespace

void register_static(std::vector<const SynapseInfo*>& out) {
  static const SynapseInfo st = make_static(), hom = make_static_hom_w();
  out.push_back(&st);
  out.push_back(&hom);
}

}  // namespace nestkit::synapses
