"""Deterministic parameter objects: constants combined by arithmetic, nest.math and
nest.logic set each neuron's drive and each connection's weight and delay, so the
spike trains must equal NEST's exactly."""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")

base = nest.CreateParameter("constant", {"value": 380.0})
neurons = nest.Create("iaf_psc_alpha", 4)
# 380 + 25 * exp(0.5) + max(3, 2) - min(1, 4), then halved again by a condition
drive = base + 25.0 * nest.math.exp(nest.CreateParameter("constant", {"value": 0.5}))
three = nest.CreateParameter("constant", {"value": 3.0})
one = nest.CreateParameter("constant", {"value": 1.0})
drive = drive + nest.math.max(three, 2.0) - nest.math.min(one, 4.0)
neurons[:2].I_e = drive
neurons[2:].I_e = nest.logic.conditional(base > 300.0, drive / 1.01, 0.0)
print("I_e:", neurons.I_e, "value:", drive.GetValue())

listener = nest.Create("iaf_psc_alpha", 2, params={"I_e": 300.0})
weight = 2.0 * base / 10.0 - nest.math.cos(nest.CreateParameter("constant", {"value": 0.0}))
delay = nest.logic.conditional(base < 100.0, 5.0, 1.0 + nest.math.sin(nest.CreateParameter("constant", {"value": 0.0})))
nest.Connect(neurons, listener, syn_spec={"weight": weight, "delay": delay})
print("weights:", nest.GetConnections().get("weight"))

spikes = nest.Create("spike_recorder")
nest.Connect(neurons + listener, spikes)
nest.Simulate(200.0)
print("spikes:", spikes.n_events)
