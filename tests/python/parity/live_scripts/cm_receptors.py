"""A compartmental neuron (cm_default) with AMPA, GABA, NMDA and AMPA+NMDA receptors under spike input.

Receptors on three compartments, some with their own parameters, receive spikes from
generators and from a spiking point neuron; the cell's own spikes drive a second
compartmental neuron through its AMPA_NMDA receptor.
"""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.1

cell = nest.Create("cm_default", params={"V_th": -45.0})
cell.compartments = [
    {
        "parent_idx": -1,
        "params": {"C_m": 0.3, "g_L": 0.03, "e_L": -70.0, "gbar_Na": 30.0, "e_Na": 50.0, "gbar_K": 12.0, "e_K": -85.0},
    },
    {"parent_idx": 0, "params": {"C_m": 0.05, "g_C": 0.04, "g_L": 0.005}},
    {"parent_idx": 1, "params": {"C_m": 0.04, "g_C": 0.02, "g_L": 0.004, "e_L": -72.0}},
]
cell.receptors = [
    {"comp_idx": 1, "receptor_type": "AMPA"},
    {"comp_idx": 0, "receptor_type": "GABA", "params": {"tau_d_GABA": 7.0, "e_GABA": -75.0}},
    {"comp_idx": 2, "receptor_type": "NMDA", "params": {"tau_r_NMDA": 0.5}},
    {"comp_idx": 2, "receptor_type": "AMPA_NMDA", "params": {"NMDA_ratio": 1.5, "tau_d_AMPA": 2.5}},
]
cell.receptors += {"comp_idx": 1, "receptor_type": "AMPA", "params": {"e_AMPA": -5.0, "tau_r_AMPA": 0.3}}

excite = nest.Create("spike_generator", params={"spike_times": [5.0, 5.0, 12.3, 20.0, 21.0, 22.0, 60.0]})
inhibit = nest.Create("spike_generator", params={"spike_times": [15.0, 40.0, 41.5]})
nest.Connect(excite, cell, syn_spec={"receptor_type": 0, "weight": 0.03, "delay": 1.0})
nest.Connect(excite, cell, syn_spec={"receptor_type": 4, "weight": 0.02, "delay": 2.5})
nest.Connect(excite, cell, syn_spec={"receptor_type": 2, "weight": 0.01, "delay": 0.7})
nest.Connect(inhibit, cell, syn_spec={"receptor_type": 1, "weight": 0.05})
pacer = nest.Create("iaf_psc_alpha", params={"I_e": 500.0})
nest.Connect(pacer, cell, syn_spec={"receptor_type": 3, "weight": 0.02, "delay": 1.2})

follower = nest.Create("cm_default", params={"V_th": -60.0})
follower.compartments = {"parent_idx": -1, "params": {"C_m": 0.2, "g_L": 0.02}}
follower.receptors = {"comp_idx": 0, "receptor_type": "AMPA_NMDA"}
nest.Connect(cell, follower, syn_spec={"receptor_type": 0, "weight": 0.05, "delay": 2.0})

conductances = [
    "g_r_AMPA_0",
    "g_d_AMPA_0",
    "g_r_GABA_1",
    "g_d_GABA_1",
    "g_r_NMDA_2",
    "g_d_NMDA_2",
    "g_r_AN_AMPA_3",
    "g_d_AN_NMDA_3",
    "g_d_AMPA_4",
]
mm = nest.Create(
    "multimeter", params={"record_from": ["v_comp0", "v_comp1", "v_comp2"] + conductances, "interval": 0.1}
)
nest.Connect(mm, cell)
mm_follower = nest.Create("multimeter", params={"record_from": ["v_comp0", "g_d_AN_NMDA_0"], "interval": 0.1})
nest.Connect(mm_follower, follower)
spikes = nest.Create("spike_recorder")
nest.Connect(cell + follower + pacer, spikes)

nest.Simulate(120.0)

print("spikes:", {g: int((spikes.events["senders"] == g).sum()) for g in (cell + follower).tolist()})
