// Registration of the stochastic and patterned generators, spike_dilutor and spike_train_injector.
#include "models/devices/spike_generators.hpp"

#include "nestkit/registry.hpp"

namespace nestkit {

void register_spike_generators(std::vector<const ModelInfo*>& out) {
  out.insert(out.end(), {&noise_generator_model(), &step_rate_generator_model(), &sinusoidal_poisson_generator_model(),
                         &sinusoidal_gamma_generator_model(), &inhomogeneous_poisson_generator_model(),
                         &gamma_sup_generator_model(), &ppd_sup_generator_model(), &mip_generator_model(),
                         &pulsepacket_generator_model(), &spike_dilutor_model(), &spike_train_injector_model()});
}

}  // namespace nestkit
