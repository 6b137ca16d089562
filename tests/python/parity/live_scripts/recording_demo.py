"""Recording devices and their windows: multimeter, voltmeter and spike_recorder with start/stop/origin.

The simulation runs in three pieces, and origin moves between them, so the
recorders' windows (and how they shift with origin) are exercised.
"""

import nest
import nest.raster_plot

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.1

neurons = nest.Create("iaf_psc_exp", 3, params={"I_e": 300.0, "tau_syn_ex": 2.0, "tau_syn_in": 4.0})
neurons.I_e = [300.0, 390.0, 460.0]
stimulus = nest.Create("spike_generator", params={"spike_times": [5.0, 12.3, 12.4, 40.0, 77.7, 130.1]})
nest.Connect(stimulus, neurons, syn_spec={"weight": 250.0, "delay": 1.0})

multimeter = nest.Create(
    "multimeter",
    params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.5, "start": 10.0, "stop": 90.0, "offset": 0.3},
)
voltmeter = nest.Create("voltmeter", params={"interval": 1.0, "start": 50.0})
all_spikes = nest.Create("spike_recorder")
windowed = nest.Create("spike_recorder", params={"start": 20.0, "stop": 60.0})

nest.Connect(multimeter, neurons)
nest.Connect(voltmeter, neurons[1])
nest.Connect(neurons, all_spikes)
nest.Connect(neurons[::2], windowed)

nest.Simulate(60.0)
windowed.origin = 60.0  # the window [20, 60) now means [80, 120)
nest.Simulate(45.5)
nest.Simulate(54.5)

nest.raster_plot.from_device(all_spikes, hist=True)
print("spikes:", all_spikes.n_events, "windowed:", windowed.n_events, "samples:", multimeter.n_events)
