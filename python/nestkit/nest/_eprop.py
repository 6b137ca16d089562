"""NEST's ``optimizer`` dictionary of the e-prop synapses.

The core keeps the optimizer's parameters as common properties named
``optimizer.<key>`` with the algorithm as a number; PyNEST users give and read
them as one dictionary (``{"type": "adam", "eta": ...}`` in, ``{"optimizer":
"adam", ...}`` out), as NEST 3.10 does.
"""

from __future__ import annotations

from .. import _core

_TYPES = ("gradient_descent", "adam")
_ADAM_ONLY = ("beta_1", "beta_2", "epsilon")
_PER_CONNECTION = ("m", "v")  # Adam's moments: state of each connection, not of the model


def optimizer_in(model: str, params: dict, current=None) -> dict:
    """``params`` with its ``optimizer`` dictionary as the core's flat keys. ``current``
    gives the model's defaults (checked as NEST does: no new algorithm once synapses exist)."""
    opt = params.get("optimizer")
    if opt is None:
        return params
    if not isinstance(opt, dict):
        raise _core.BadProperty(f"{model}: optimizer must be a dictionary, got {opt!r}")
    out = {k: v for k, v in params.items() if k != "optimizer"}
    for key, value in opt.items():
        if key in _PER_CONNECTION:
            raise _core.BadProperty(
                f"{model}: optimizer {key} is the state of each connection; set it on the connections "
                "(GetConnections(...).set(optimizer={...}))"
            )
        if key == "type":
            if value not in _TYPES:
                raise _core.BadProperty(f'{model}: optimizer type "{value}" is unknown; allowed: {", ".join(_TYPES)}')
            value = float(_TYPES.index(value))
            if current is not None:
                now = current()
                if now.get("optimizer.type") != value and now.get("num_connections", 0) > 0:
                    raise _core.BadProperty(
                        f"{model}: The optimizer cannot be changed because synapses have been created."
                    )
        elif key == "optimize_each_step":
            value = 1.0 if value else 0.0
        out[f"optimizer.{key}"] = value
    return out


def optimizer_out(status: dict) -> dict:
    """A status with the core's ``optimizer.<key>`` entries as NEST's ``optimizer`` dictionary."""
    keys = [k for k in status if k.startswith("optimizer.")]
    if not keys:
        return status
    out = {k: v for k, v in status.items() if not k.startswith("optimizer.")}
    opt = {k[len("optimizer.") :]: status[k] for k in keys}
    for k in _PER_CONNECTION:
        opt.pop(k, None)
    kind = _TYPES[int(opt.pop("type"))]
    if kind != "adam":
        for k in _ADAM_ONLY:
            opt.pop(k, None)
    opt["optimize_each_step"] = bool(opt["optimize_each_step"])
    opt["optimizer"] = kind
    out["optimizer"] = dict(sorted(opt.items()))
    return out


def refuse_optimizer_in_syn_spec(syn_spec) -> None:
    """NEST 3.10 takes no ``optimizer`` dictionary at Connect (NotImplemented there)."""
    if isinstance(syn_spec, dict) and "optimizer" in syn_spec:
        raise _core.BadProperty(
            f'{syn_spec.get("synapse_model", "static_synapse")}: Synapse parameter "optimizer" can only be set via '
            "SetDefaults() or CopyModel(); set Adam's per-connection m and v on the connections afterwards"
        )
