"""Plain words for the dashboard: what each utility term means, what each event does, and
why the focus state made its last move.

A class reads these aloud, so they name the forces of the seeds (protection, abandonment,
coercion, ...) in the words of a newspaper, not of the code. The numbers stay next to the
words so that a student can check one against the other.
"""

from __future__ import annotations

from collections.abc import Mapping

# What makes a term favour a move, in words (sim.utility.TERMS, MODEL.md's ten mechanisms).
TERM_WORDS = {
    "protection": "protection by {plus} against North Korea's threat",
    "abandonment": "fear of being abandoned by a patron whose word is in doubt",
    "entrapment": "fear of being dragged into a war between {plus} and {minus} (Taiwan)",
    "economic": "gains from trading with both {plus} and {minus}",
    "coercion": "exposure to {minus}'s economic punishment",
    "trade_pressure": "tariffs and demands from {plus} on its economy",
    "consistency": "the cost of splitting security and economy under rivalry",
    "autonomy": "the worth and the budget cost of its own defence",
    "domestic": "its government's own preferences",
    "neighbours": "keeping in step with its neighbours (the trilateral)",
    "inertia": "the cost of changing course",
}

# Buttons: event kind -> (button label, who is the partner, what the event does).
EVENTS = {
    "missile_test": ("Missile test", "", "North Korea tests a missile: its threat jumps."),
    "coercion": (
        "Coercion episode",
        "{minus}",
        "{minus} punishes {focus} through trade (as over THAAD in 2017).",
    ),
    "tariff_shock": (
        "Tariff shock",
        "{plus}",
        "{plus} raises tariffs on {focus}: trade suffers and trust in {plus} falls.",
    ),
    "taiwan_crisis": (
        "Taiwan crisis",
        "",
        "A crisis in the Taiwan Strait: war risk and rivalry jump.",
    ),
    "summit": (
        "Summit",
        "{plus}",
        "{focus} meets a partner: trust rises, or threat or restrictions ease.",
    ),
    "election": ("Election", "", "{focus} votes: the other camp may win power."),
    "history_dispute": (
        "History dispute",
        "{neighbour}",
        "{focus} and {neighbour} quarrel over history: their ties weaken.",
    ),
}

CHOICES = ("security", "economic", "autonomy")
SMALL = 0.0005  # contributions below this are noise in the third decimal: not worth a line


def fill(text: str, names: Mapping[str, str]) -> str:
    return text.format(**names)


def describe_move(
    code: str, before: Mapping[str, float], after: Mapping[str, float], names: Mapping[str, str]
) -> str:
    """One sentence: how far each choice moved and toward whom."""
    parts = []
    toward = {
        "security": (
            f"toward the alliance with {names['plus']}",
            f"toward {names['minus']}'s camp",
        ),
        "economic": (f"toward {names['plus']}", f"toward {names['minus']}"),
        "autonomy": ("more own defence", "less own defence"),
    }
    for choice in CHOICES:
        change = after[choice] - before[choice]
        if abs(change) < SMALL:
            continue
        word = {"security": "security", "economic": "economy", "autonomy": "defence"}[choice]
        direction = toward[choice][0] if change > 0 else toward[choice][1]
        parts.append(f"{word} {change:+.3f} ({direction})")
    if not parts:
        return f"{code} stayed where it was."
    return f"{code} moved: " + "; ".join(parts) + "."


def explain_terms(
    rows: list[tuple[str, float]], names: Mapping[str, str], limit: int = 5
) -> list[str]:
    """The largest pushes, one sentence each: which force favoured the move and which held it back."""
    lines = []
    for term, value in rows[:limit]:
        if abs(value) < SMALL:
            continue
        force = fill(TERM_WORDS.get(term, term), names)
        verb = "pushed it this way" if value > 0 else "held it back"
        lines.append(f"{force[0].upper()}{force[1:]} {verb} ({value:+.3f}).")
    return lines or ["No force pushed it noticeably: it drifted by chance (decision noise)."]


def country_name(params, code: str) -> str:
    """A state's name as the world file gives it ("South Korea" for KOR); the code if none."""
    world = params.world
    for group in (world.great_powers, world.middle_powers, world.challengers, world.backers):
        if code in group and getattr(group[code], "name", ""):
            return group[code].name
    return code


def counted(n: int, thing: str) -> str:
    """'1 nuclear test', '2 nuclear tests': a count with its noun in the right number."""
    if n == 1:
        return f"1 {thing}"
    plural = {"crisis": "crises", "summit": "summits"}
    last = thing.split()[-1]
    return f"{n} {thing[: -len(last)]}{plural.get(last, last + 's')}"
