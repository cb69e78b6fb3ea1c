"""Parameters as a tree: read and replace a leaf by its dotted key, list the numeric leaves,
convert to and from plain Python (for YAML, JSON and dataset attributes)."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any, Dict, List  # noqa: UP035 (OmegaConf needs typing generics)

import numpy as np

from sim.errors import ParamError
from sim.params.schema import Params

# Keys that no longer exist, with what replaced them (a one-line refusal naming the new key).
REMOVED = {
    "dynamics.responsive": "removed; use dynamics.great_powers (strategic | responsive | scheduled)"
}


# --------------------------------------------------------------------------- helpers
def fields_of(node: Any) -> tuple[dataclasses.Field, ...]:
    """A parameter node's fields (`dataclasses.fields`, read once per class: walks of the
    tree, as validation's, ask for them at every node of every check)."""
    return _fields_of_class(type(node))


@functools.cache
def _fields_of_class(cls: type) -> tuple[dataclasses.Field, ...]:
    return dataclasses.fields(cls)


def get_path(params: Any, key: str) -> Any:
    """The value at a dotted key ("pressures.rivalry", "world.middle_powers.KOR.security")."""
    if key in REMOVED:
        raise ParamError(key, None, REMOVED[key])
    node = params
    for part in key.split("."):
        if isinstance(node, dict):
            if part not in node:
                raise ParamError(key, None, f"no such key; '{part}' is not one of {sorted(node)}")
            node = node[part]
        elif dataclasses.is_dataclass(node) and part in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, part)
        else:
            raise ParamError(key, None, f"no such parameter ('{part}' is not a field here)")
    return node


def with_values(params: Params, values: dict[str, Any]) -> Params:
    """A copy of `params` with the dotted keys set (scalars or arrays over runs)."""
    out = params
    for key, value in values.items():
        get_path(out, key)  # fails with a clear line for an unknown key
        out = _replace(out, key.split("."), value)
    return out


def _replace(node: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    child = node[head] if isinstance(node, dict) else getattr(node, head)
    new_child = _replace(child, rest, value) if rest else value
    if isinstance(node, dict):
        return {**node, head: new_child}
    return dataclasses.replace(node, **{head: new_child})


def numeric_leaves(node: Any, prefix: str = "") -> dict[str, Any]:
    """Every numeric leaf by dotted key (what a sweep may vary)."""
    out: dict[str, Any] = {}
    if dataclasses.is_dataclass(node):
        items = [(f.name, getattr(node, f.name)) for f in fields_of(node)]
    elif isinstance(node, dict):
        items = list(node.items())
    else:
        return out
    for name, value in items:
        key = f"{prefix}{name}"
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float, np.ndarray, np.number)):
            out[key] = value
        else:
            out.update(numeric_leaves(value, key + "."))
    return out


def to_plain(node: Any) -> Any:
    """Params as plain Python (lists for arrays): for JSON, netCDF attrs and config files."""
    if dataclasses.is_dataclass(node):
        return {f.name: to_plain(getattr(node, f.name)) for f in dataclasses.fields(node)}
    if isinstance(node, dict):
        return {k: to_plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(v) for v in node]
    if isinstance(node, np.ndarray):
        return node.tolist()
    if isinstance(node, np.generic):
        return node.item()
    return node


def from_plain(data: dict[str, Any]) -> Params:
    """Params from the plain form `to_plain` writes (the inverse, for saved configs)."""
    return _build(Params, data, "")


def _build(cls: type, data: Any, prefix: str) -> Any:
    import typing

    if not isinstance(data, dict):
        raise ParamError(
            prefix.rstrip(".") or "params", data, f"expected a mapping for {cls.__name__}"
        )
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for name in data:
        if f"{prefix}{name}" in REMOVED:
            raise ParamError(f"{prefix}{name}", data[name], REMOVED[f"{prefix}{name}"])
    unknown = set(data) - names
    if unknown:
        key = f"{prefix}{sorted(unknown)[0]}"
        raise ParamError(key, data[sorted(unknown)[0]], f"unknown key; allowed: {sorted(names)}")
    kwargs = {}
    for name, value in data.items():
        kwargs[name] = _build_typed(hints[name], value, f"{prefix}{name}.")
    return cls(**kwargs)


def _build_typed(hint: Any, value: Any, prefix: str) -> Any:
    import typing

    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, prefix)
    if origin in (dict, Dict):
        return {k: _build_typed(args[1], v, f"{prefix}{k}.") for k, v in (value or {}).items()}
    if origin in (list, List):
        return [_build_typed(args[0], v, f"{prefix}{i}.") for i, v in enumerate(value or [])]
    if isinstance(value, list):
        return np.asarray(value, dtype=float)
    return value
