"""Reading SONATA configuration files (JSON) and type tables (CSV) as NEST 3.10 does.

The circuit and simulation configs are JSON files whose ``manifest`` defines path
variables (``$NETWORK_DIR``); every string value that starts with ``$`` has these
variables replaced by absolute paths. Relative manifest paths are relative to the
config file's folder; ``$BASE_DIR`` inside a manifest value means that folder.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath

from .._optional import require

FEATURE = "nest.SonataNetwork"


def pandas():
    return require("pandas", FEATURE)


def h5py():
    return require("h5py", FEATURE)


def read_json(path, what: str) -> dict:
    """A JSON file's object, or an error naming the file and what it was for."""
    try:
        with open(path) as fp:
            data = json.load(fp)
    except FileNotFoundError:
        raise FileNotFoundError(f"SonataNetwork: the {what} file '{path}' does not exist") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"SonataNetwork: the {what} file '{path}' is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"SonataNetwork: the {what} file '{path}' must hold a JSON object, not {type(data).__name__}")
    return data


def _manifest_paths(manifest: dict, base: Path, config_file: Path) -> dict:
    """Manifest variable name (without '$') -> absolute POSIX path."""
    if not isinstance(manifest, dict):
        raise ValueError(f"SonataNetwork: 'manifest' in '{config_file}' must be a JSON object")
    paths = {}
    for key, value in manifest.items():
        if not isinstance(value, str):
            raise ValueError(
                f"SonataNetwork: manifest entry '{key}' in '{config_file}' must be a string, got {value!r}"
            )
        # SONATA's ${configdir} and NEST's $BASE_DIR both name the config file's folder;
        # a value may also start from an earlier manifest entry ("$NETWORK_DIR/sub").
        value = value.replace("${configdir}", ".").replace("$BASE_DIR", ".")
        value = _substitute(value, paths)
        paths[key[1:] if key.startswith("$") else key] = base.joinpath(value).as_posix()
    return paths


def _substitute(obj, paths: dict):
    """Strings starting with '$' get their manifest variables replaced (longest names first,
    so that $DIR does not eat part of $NETWORK_DIR); other values are unchanged."""
    if isinstance(obj, dict):
        return {k: _substitute(v, paths) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, paths) for v in obj]
    if isinstance(obj, str) and obj.startswith("$"):
        for name in sorted(paths, key=len, reverse=True):
            obj = obj.replace("$" + name, paths[name])
        return obj
    return obj


def parse_config(config) -> dict:
    """A SONATA config file as a dictionary with the manifest's paths substituted."""
    if not isinstance(config, (str, PurePath)):
        raise TypeError("Path to JSON configuration file must be passed as 'str' or 'pathlib.Path'.")
    path = Path(config)
    if not path.is_file():
        raise FileNotFoundError(f"SonataNetwork: the configuration file '{config}' does not exist")
    path = path.resolve()
    conf = read_json(path, "configuration")
    paths = _manifest_paths(conf.get("manifest", {}), path.parent, path)
    conf = _substitute(conf, paths)
    conf["manifest"] = paths
    return conf


def read_types_table(path, what: str, required: tuple):
    """A whitespace-separated SONATA type table (node or edge types) as a pandas DataFrame,
    read as NEST reads it; ``required`` columns must be present."""
    pd = pandas()
    try:
        table = pd.read_csv(path, sep=r"\s+")
    except FileNotFoundError:
        raise FileNotFoundError(f"SonataNetwork: the {what} file '{path}' does not exist") from None
    except pd.errors.ParserError as e:
        raise ValueError(f"SonataNetwork: the {what} file '{path}' cannot be read: {e}") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"SonataNetwork: the {what} file '{path}' is empty") from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(
            f"SonataNetwork: the {what} file '{path}' lacks the column(s) {missing}; it has {list(table.columns)}"
        )
    if len(table) == 0:
        raise ValueError(f"SonataNetwork: the {what} file '{path}' has no rows")
    return table


def section(conf: dict, *keys: str):
    """conf[k1][k2]..., or a ValueError naming the missing key."""
    obj = conf
    for i, key in enumerate(keys):
        if not isinstance(obj, dict) or key not in obj:
            where = "".join(f"['{k}']" for k in keys[: i + 1])
            raise ValueError(f"SonataNetwork: the configuration has no {where}")
        obj = obj[key]
    return obj


def python_value(value):
    """NumPy scalars (what pandas hands out) as Python numbers, for syn_spec and node params."""
    return value.item() if hasattr(value, "item") and not isinstance(value, (str, bytes)) else value
