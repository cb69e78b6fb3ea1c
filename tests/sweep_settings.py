"""The shared sweep settings of conf/sweep/settings/common.yaml as plain Python, for tests
that build a sweep section by hand (the one place those values are written is the YAML)."""

from __future__ import annotations

from typing import Any

from omegaconf import OmegaConf

from experiments.resources import CONF_DIR

COMMON = CONF_DIR / "sweep" / "settings" / "common.yaml"


def common_settings(**changes: Any) -> dict[str, Any]:
    node = OmegaConf.to_container(OmegaConf.load(COMMON), resolve=False)
    node.pop("defaults", None)
    node.update(seed=0, store="test.zarr")  # interpolations of the root config in the YAML
    node.update(changes)
    return node
