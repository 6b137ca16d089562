"""Synapse collections: GetConnections with filters, reading and setting weights and delays."""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")

drivers = nest.Create("iaf_psc_alpha", 3, params={"I_e": 450.0})
drivers.I_e = [450.0, 520.0, 610.0]
targets = nest.Create("iaf_psc_alpha", 4)
nest.CopyModel("static_synapse", "strong_synapse", {"weight": 600.0, "delay": 2.0})

nest.Connect(drivers, targets, syn_spec={"weight": 40.0, "delay": 1.0})
nest.Connect(drivers[0], targets[3], syn_spec={"synapse_model": "strong_synapse"})

conns = nest.GetConnections(source=drivers, target=targets, synapse_model="static_synapse")
print(len(conns), "static connections, weights", conns.get("weight"))

# One weight per connection, in the collection's order (which depends on nothing but the connections).
sources, destinations = conns.get("source"), conns.get("target")
conns.set(weight=[10.0 * s + d for s, d in zip(sources, destinations)])

# Everything into the last target, and one single connection, changed through filtered collections.
nest.GetConnections(target=targets[3], synapse_model="static_synapse").set({"weight": 75.0, "delay": 2.5})
single = nest.GetConnections(source=drivers[1], target=targets[0])
single.weight = 230.0

strong = nest.GetConnections(synapse_model="strong_synapse")
print("strong synapse:", strong.get(["source", "target", "weight", "delay"]))

spikes = nest.Create("spike_recorder")
nest.Connect(drivers + targets, spikes)
nest.Simulate(120.0)
print("spikes:", spikes.n_events)
