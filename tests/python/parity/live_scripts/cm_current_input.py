"""Compartmental neurons (cm_default) driven by currents into chosen compartments.

A passive soma-dendrite pair with a step current into the dendrite, and two active
cells (Na and K channels at the soma) whose soma has three child branches, one of
them two compartments deep, driven through the soma until they spike. The branched
tree makes the elimination order differ from the compartment order.
"""

import nest

nest.ResetKernel()
nest.set_verbosity("M_ERROR")
nest.resolution = 0.1

soma = {"C_m": 0.5, "g_L": 0.05, "e_L": -68.0, "v_comp": -68.0}
active_soma = dict(soma, gbar_Na=40.0, e_Na=55.0, gbar_K=15.0, e_K=-88.0)
dendrite = {"C_m": 0.05, "g_C": 0.02, "g_L": 0.004, "e_L": -70.0}

passive = nest.Create("cm_default", params={"V_th": 0.0})
passive.compartments = [{"parent_idx": -1, "params": soma}, {"parent_idx": 0, "params": dendrite}]

tree = [
    {"parent_idx": -1, "params": active_soma},
    {"parent_idx": 0, "params": dendrite},
    {"parent_idx": 0, "params": dict(dendrite, g_C=0.03, v_comp=-65.0)},
    {"parent_idx": 0, "params": dict(dendrite, C_m=0.08, gbar_Na=0.5, e_Na=50.0, gbar_K=0.2, e_K=-85.0)},
    {"parent_idx": 1},
]
active = nest.Create("cm_default", 2, params={"compartments": tree, "V_th": -30.0})
active.compartments += [{"parent_idx": 4, "params": {"C_m": 0.02, "g_C": 0.01}}, {"parent_idx": 2}]

step = nest.Create(
    "step_current_generator", params={"amplitude_times": [5.0, 40.0, 70.0], "amplitude_values": [0.04, -0.02, 0.0]}
)
nest.Connect(step, passive, syn_spec={"receptor_type": 1, "weight": 1.0})
drive = nest.Create("dc_generator", params={"amplitude": 0.9, "start": 10.0, "stop": 80.0})
nest.Connect(drive, active[0], syn_spec={"receptor_type": 0})
nest.Connect(drive, active[1], syn_spec={"receptor_type": 0, "weight": 0.7})
dend_drive = nest.Create("dc_generator", params={"amplitude": 0.05, "start": 30.0})
nest.Connect(dend_drive, active[1], syn_spec={"receptor_type": 5})

mm_passive = nest.Create("multimeter", params={"record_from": ["v_comp0", "v_comp1"], "interval": 0.1})
nest.Connect(mm_passive, passive)
recorded = ["v_comp0", "v_comp3", "v_comp5", "m_Na_0", "h_Na_0", "n_K_0", "m_Na_3", "n_K_3"]
mm_active = nest.Create("multimeter", params={"record_from": recorded, "interval": 0.1})
nest.Connect(mm_active, active)
spikes = nest.Create("spike_recorder")
nest.Connect(active, spikes)

nest.Simulate(100.0)

print("spikes per active cell:", [int((spikes.events["senders"] == g).sum()) for g in active.tolist()])
