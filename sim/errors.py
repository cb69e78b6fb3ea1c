"""The one error family of hedgesim: every refusal is a `HedgesimError` whose str() is the one
line a user sees (the key, the value and what is allowed), printed without a traceback."""

from __future__ import annotations

from typing import Any

import numpy as np


class HedgesimError(ValueError):
    """A refusal: str() is the one line to print. Every command turns it into that line on
    stderr and exit status 2."""


class ParamError(HedgesimError):
    """A parameter outside what the model allows: one line, key, value and what is allowed."""

    def __init__(self, key: str, value: Any, allowed: str):
        self.key, self.value, self.allowed = key, value, allowed
        super().__init__(f"{key} = {_show(value)}: {allowed}")


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array{list(value.shape)}"
    return repr(value)
