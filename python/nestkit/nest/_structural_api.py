"""PyNEST 3.10's structural plasticity switches (the rules and the update interval are
the kernel attributes structural_plasticity_synapses and
structural_plasticity_update_interval)."""

from __future__ import annotations

from . import _state


def EnableStructuralPlasticity():
    """Enable structural plasticity: every structural_plasticity_update_interval ms, synapses
    of the structural_plasticity_synapses rules are deleted and created from the neurons'
    synaptic elements."""
    _state.kernel.enable_structural_plasticity()


def DisableStructuralPlasticity():
    """Disable structural plasticity (the connectivity stays as it is)."""
    _state.kernel.disable_structural_plasticity()
