"""Prepare/Run/Cleanup: a simulation in short runs with parameters changed in between."""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.05

neuron = nest.Create("iaf_psc_alpha")
partner = nest.Create("iaf_psc_alpha", params={"V_th": -60.0})
nest.Connect(neuron, partner, syn_spec={"weight": 90.0, "delay": 1.0})
drive = nest.Create("dc_generator", params={"amplitude": 0.0})
nest.Connect(drive, neuron)

voltmeter = nest.Create("voltmeter", params={"interval": 0.5})
spikes = nest.Create("spike_recorder")
nest.Connect(voltmeter, neuron + partner)
nest.Connect(neuron + partner, spikes)

amplitudes = [0.0, 300.0, 450.0, 380.0, 0.0, 500.0]
nest.Prepare()
for amplitude in amplitudes:
    drive.amplitude = amplitude
    nest.Run(25.0)
nest.Cleanup()

# A second block through the context manager, after a parameter change outside any run.
partner.V_th = -55.0
with nest.RunManager():
    for _ in range(3):
        nest.Run(10.0)

print("time", nest.biological_time, "spikes", spikes.n_events)
