"""Calendar of a scenario: the date of each step and the step an event falls in."""

from __future__ import annotations

import datetime as dt

import numpy as np

from sim.errors import ParamError


def parse_date(key: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParamError(key, value, "an ISO date YYYY-MM-DD") from None


def add_months(date: dt.date, months: int) -> dt.date:
    month0 = date.month - 1 + months
    year, month = date.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(date.day, 28))


def step_dates(start: str, steps: int, step_months: int) -> list[dt.date]:
    """Date of step 0 (the initial state) to step `steps`."""
    first = parse_date("scenario.start", start)
    return [add_months(first, k * step_months) for k in range(int(steps) + 1)]


def as_datetime64(dates: list[dt.date]) -> np.ndarray:
    return np.array(dates, dtype="datetime64[ns]")
