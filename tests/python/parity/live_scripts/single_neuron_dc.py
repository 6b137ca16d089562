"""One iaf_psc_alpha neuron driven by a dc_generator, its membrane potential on a voltmeter.

A live-parity script: run it with real PyNEST or through
``python -m nestkit.parity live --script``; every recorder's events are compared.
"""

import nest
import nest.voltage_trace

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.1

neuron = nest.Create("iaf_psc_alpha", params={"tau_m": 12.5, "C_m": 180.0, "t_ref": 3.0})
drive = nest.Create("dc_generator", params={"amplitude": 340.0, "start": 15.0, "stop": 160.0})
voltmeter = nest.Create("voltmeter", params={"interval": 0.2})
spikes = nest.Create("spike_recorder")

nest.Connect(drive, neuron)
nest.Connect(voltmeter, neuron)
nest.Connect(neuron, spikes)

nest.Simulate(200.0)

nest.voltage_trace.from_device(voltmeter)
print(f"{spikes.n_events} spikes; V_m at the end {neuron.V_m:.3f} mV")
