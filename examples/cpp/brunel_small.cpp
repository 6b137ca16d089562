// A small network with nestkit's C++ API: three iaf_psc_alpha neurons, a Poisson
// drive, a multimeter and a spike recorder.
//
//   neuron 1: driven by a constant current I_e = 500 pA only, so its trace is known
//             in closed form: V(t) = E_L + tau_m/C_m I_e (1 - exp(-t/tau_m)) until
//             the first spike at 13.9 ms;
//   neurons 2, 3: Poisson input (5000 Hz, 20 pA) plus the spikes of neuron 1.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nestkit/simulator.hpp>

int main() {
  nestkit::Simulator sim;
  sim.set_kernel_status({{"resolution", 0.1}, {"rng_seed", 12345L}});

  nestkit::NodeCollection neurons = sim.create("iaf_psc_alpha", 3);
  nestkit::NodeCollection first = neurons.slice(0, 1, 1);
  nestkit::NodeCollection others = neurons.slice(1, 3, 1);
  sim.set_status(first, {{"I_e", 500.0}});

  nestkit::NodeCollection noise = sim.create("poisson_generator", 1, {{"rate", 5000.0}});
  nestkit::NodeCollection meter =
      sim.create("multimeter", 1, {{"record_from", std::vector<std::string>{"V_m"}}, {"interval", 0.1}});
  nestkit::NodeCollection spikes = sim.create("spike_recorder");

  nestkit::SynSpec drive;
  drive.weight = nestkit::ParamSource::of(20.0);  // pA
  drive.delay = nestkit::ParamSource::of(1.0);    // ms
  sim.connect(noise, others, {"all_to_all", {}}, drive);

  nestkit::SynSpec recurrent;
  recurrent.weight = nestkit::ParamSource::of(50.0);
  recurrent.delay = nestkit::ParamSource::of(1.5);
  sim.connect(first, others, {"all_to_all", {}}, recurrent);

  sim.connect(meter, first);
  sim.connect(neurons, spikes);

  sim.simulate(100.0);

  // The membrane potential of neuron 1, every 10 ms.
  const nestkit::Events trace = sim.events(meter[0]);
  const std::vector<double>& v_m = trace.values.at(0).second;
  std::printf("V_m samples of neuron 1: %zu\n", v_m.size());
  for (std::size_t k = 0; k < v_m.size(); ++k) {
    const double t = trace.times[k];
    if (std::fabs(t / 10.0 - std::round(t / 10.0)) < 1e-9) std::printf("  t = %5.1f ms  V_m = %.6f mV\n", t, v_m[k]);
  }

  // Spike counts per neuron.
  const nestkit::Events fired = sim.events(spikes[0]);
  for (std::size_t n = 0; n < neurons.size(); ++n) {
    std::size_t count = 0;
    double first_time = -1.0;
    for (std::size_t k = 0; k < fired.senders.size(); ++k) {
      if (fired.senders[k] != static_cast<long>(neurons[n])) continue;
      if (count++ == 0) first_time = fired.times[k];
    }
    std::printf("neuron %u: %zu spikes, first at %.1f ms\n", neurons[n], count, first_time);
  }
  std::printf("total spikes: %zu\n", fired.senders.size());
  return 0;
}
