"""cont_delay_synapse: delays off the grid carried as spike offsets.

Numbers marked "NEST 3.10.0" come from running the same script with NEST 3.10.0
(/work/nest310/bin/python, one thread).
"""

import nestkit.nest as nest
import numpy as np
import pytest


@pytest.mark.parametrize("h", [0.1, 0.25])
def test_model_delay_off_the_grid_shifts_precise_spikes_exactly(h):
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": h})
    nest.CopyModel("cont_delay_synapse", "cd", {"delay": 1.23, "weight": 300.0})
    g = nest.Create("spike_generator", params={"spike_times": [1.0, 2.04, 5.55, 7.3], "precise_times": True})
    p = nest.Create("parrot_neuron_ps")
    p2 = nest.Create("parrot_neuron_ps")
    n = nest.Create("iaf_psc_exp_ps", params={"I_e": 370.0})
    sr, sr2 = nest.Create("spike_recorder"), nest.Create("spike_recorder")
    nest.Connect(g, p)
    nest.Connect(p, n, syn_spec="cd")
    nest.Connect(p, p2, syn_spec={"synapse_model": "cd"})
    nest.Connect(n, sr)
    nest.Connect(p2, sr2)
    nest.Simulate(30.0)
    # Each spike leaves the first parrot 1 ms after the generator and arrives 1.23 ms later.
    np.testing.assert_allclose(sr2.get("events")["times"], [3.23, 4.27, 7.78, 9.53], rtol=0, atol=1e-12)
    # NEST 3.10.0 (both resolutions)
    np.testing.assert_allclose(sr.get("events")["times"], [10.63036946098933], rtol=0, atol=1e-9)
    assert nest.GetConnections(p, n).get("delay") == pytest.approx(1.23, abs=1e-12)
    assert nest.GetDefaults("cd")["delay"] == 1.23


def test_connect_rounds_the_delay_and_set_keeps_its_continuous_part_like_nest():
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    g = nest.Create("spike_generator", params={"spike_times": [1.0, 2.04], "precise_times": True})
    p = nest.Create("parrot_neuron_ps", 3)
    sr = nest.Create("spike_recorder")
    nest.Connect(g, p[0])
    nest.Connect(p[0], p[1:], syn_spec={"synapse_model": "cont_delay_synapse", "delay": 1.27})
    nest.Connect(p[1:], sr)
    c = nest.GetConnections(p[0], p[1:])
    c[1].set({"delay": 2.372})
    nest.Simulate(10.0)
    ev = sr.get("events")
    # NEST 3.10.0
    assert list(ev["senders"]) == [3, 3, 4, 4]
    np.testing.assert_allclose(ev["times"], [3.3000000000000003, 4.34, 4.372, 5.412], rtol=0, atol=1e-12)
    np.testing.assert_allclose(nest.GetConnections(p[0], p[1:]).get("delay"), [1.3, 2.372], rtol=0, atol=1e-12)


def test_a_continuous_delay_below_one_step_is_an_error():
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1})
    nest.CopyModel("cont_delay_synapse", "short", {"delay": 0.05})
    a, b = nest.Create("parrot_neuron_ps", 2)
    with pytest.raises(Exception, match="delay"):
        nest.Connect(a, b, syn_spec="short")
    assert nest.GetKernelStatus("num_connections") == 0
