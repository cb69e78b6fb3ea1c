"""The progress bar every long call shows (tqdm), off when not wanted."""

from __future__ import annotations


def progress_bar(enabled: bool, total: int, desc: str, unit: str, initial: int = 0):
    """A tqdm bar over `total` units (`initial` already done); when not `enabled`, a bar
    that shows nothing (`Quiet`), so callers update and close it either way."""
    if not enabled:
        return Quiet()
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, desc=desc, unit=unit, unit_scale=True)


class Quiet:
    """A progress bar that shows nothing. Not tqdm's `disable=True`: making any tqdm bar
    starts tqdm's monitor thread, and a process with that thread running is one the sweep's
    workers' server forks its workers from (the engine's probe makes a bar there); a worker
    forked while the monitor holds tqdm's lock would wait for it at its first bar."""

    def update(self, n: float = 1) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to close."""
