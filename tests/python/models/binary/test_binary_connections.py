"""Which nodes a binary neuron may connect to: NEST's signal types (checked against NEST 3.10.0:
ginzburg_neuron -> iaf_psc_alpha is refused, -> parrot_neuron and -> spike_recorder connect)."""

import nestkit.nest as nest
import pytest


@pytest.mark.parametrize("binary", ["ginzburg_neuron", "erfc_neuron", "mcculloch_pitts_neuron"])
@pytest.mark.parametrize("target", ["iaf_psc_alpha", "aeif_cond_alpha", "parrot_neuron_ps", "pp_psc_delta"])
def test_binary_to_spiking_neuron_is_refused_and_nothing_is_connected(binary, target):
    nest.ResetKernel()
    b, t = nest.Create(binary), nest.Create(target)
    with pytest.raises(nest.NESTErrors.IllegalConnection, match="not compatible"):
        nest.Connect(b, t)
    assert nest.num_connections == 0


@pytest.mark.parametrize("target", ["parrot_neuron", "spike_recorder", "ginzburg_neuron"])
def test_binary_to_parrot_recorder_and_binary_is_allowed(target):
    nest.ResetKernel()
    b, t = nest.Create("ginzburg_neuron"), nest.Create(target)
    nest.Connect(b, t)
    assert nest.num_connections == 1
