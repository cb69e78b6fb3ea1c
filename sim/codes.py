"""State codes: ISO 3166 alpha-3, and the integer keys the random generator uses."""

from __future__ import annotations

import functools

from sim.errors import ParamError


@functools.cache
def _iso_alpha3() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


def check_code(key: str, code: str) -> None:
    if not isinstance(code, str) or code not in _iso_alpha3():
        raise ParamError(key, code, "unknown state code; use an ISO 3166 alpha-3 code such as KOR")


def code_key(code: str) -> int:
    """A stable integer for a code (base 26 of its letters): randomness is keyed by it, not
    by a state's position, so the order of states in a world file changes nothing."""
    value = 0
    for letter in code:
        value = value * 26 + (ord(letter) - ord("A"))
    return value
