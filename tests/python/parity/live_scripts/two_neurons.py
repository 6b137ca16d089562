"""Two neurons: a driven iaf_psc_exp excites a silent one through a delayed static synapse."""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")

driven = nest.Create("iaf_psc_exp", params={"I_e": 420.0, "tau_syn_ex": 1.5})
follower = nest.Create("iaf_psc_exp", params={"tau_syn_ex": 1.5, "V_th": -58.0})
nest.Connect(driven, follower, syn_spec={"weight": 180.0, "delay": 1.7})

multimeter = nest.Create("multimeter", params={"record_from": ["V_m", "I_syn_ex"], "interval": 0.1})
spikes = nest.Create("spike_recorder")
nest.Connect(multimeter, driven + follower)
nest.Connect(driven + follower, spikes)

nest.Simulate(150.0)

events = spikes.get("events")
for node in (driven, follower):
    print(node.global_id, "fired", int((events["senders"] == node.global_id).sum()), "times")
