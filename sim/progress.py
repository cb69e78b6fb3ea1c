"""The progress bar every long call shows (tqdm), off when not wanted."""

from __future__ import annotations


def progress_bar(enabled: bool, total: int, desc: str, unit: str, initial: int = 0):
    """A tqdm bar over `total` units (`initial` already done); it shows nothing when not
    `enabled`, so callers update it either way."""
    from tqdm.auto import tqdm

    return tqdm(
        total=total, initial=initial, desc=desc, unit=unit, unit_scale=True, disable=not enabled
    )
