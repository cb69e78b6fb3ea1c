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
    "great_power_threat": "{minus}'s military pressure (to balance against, or to appease)",
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
        force = fill(TERM_WORDS.get(term, term.replace("_", " ")), names)
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


def posture_words(label: str, names: Mapping[str, str]) -> str:
    """A posture label of the model ("USA-anchored", "CHN-leaning", "hedging") in words, the
    great power by its name in `names` (code -> name): "anchored with the United States"."""
    code, dash, kind = label.partition("-")
    if not dash:
        return label
    name = names.get(code, code)
    return {"anchored": f"anchored with {name}", "leaning": f"leaning to {name}"}.get(
        kind, f"{kind} ({name})"
    )


def counted(n: int, thing: str) -> str:
    """'1 nuclear test', '2 nuclear tests': a count with its noun in the right number."""
    if n == 1:
        return f"1 {thing}"
    plural = {"crisis": "crises", "summit": "summits"}
    last = thing.split()[-1]
    return f"{n} {thing[: -len(last)]}{plural.get(last, last + 's')}"


# ----------------------------------------------------------------------------- the great powers
# A great power's levers toward a middle power (sim.params.LEVERS), as a noun.
LEVER_WORDS = {
    "commitment": "its security commitment",
    "inducement": "investment and aid",
    "coercion": "economic coercion",
    "tariff": "tariffs",
    "consent": "consent to {toward}'s own weapons",
    "military": "military pressure",
}
# The parts of a lever's slope (sim.strategy.lever_terms): what each says when it pushes up.
LEVER_PART_WORDS = {
    "alignment": (
        "it expects this to pull {toward} its way",
        "it expects this to push {toward} away",
    ),
    "cost": ("", "the lever costs it to keep up"),
    "deal": ("", "{toward}'s pledged investment would be put at risk"),
}
# The parts of Pyongyang's incentive (sim.strategy.provocation_terms), and which way they pull.
PROVOCATION_WORDS = {
    "hostility": "its hostility",
    "alliance_tightening": "its neighbours drawing closer to {plus}",
    "backing": "Russia's backing",
    "opportunity": "the opening a Taiwan crisis and doubts about {plus} offer",
    "restraint": "restraint urged by its patrons",
    "summits": "the momentum of summits",
    "engagement": "engagement offered by its neighbours' governments",
    "cost": "the cost of keeping up its last course",
}


def _because(parts: Mapping[str, float], words: Mapping[str, tuple[str, str]], names) -> str:
    """The strongest reason, in words, for the sign of the sum of `parts`."""
    total = sum(parts.values())
    side = 0 if total > 0 else 1
    ranked = sorted(
        ((value, name) for name, value in parts.items() if (value > 0) == (side == 0) and value),
        key=lambda item: -abs(item[0]),
    )
    for _, name in ranked:
        text = words.get(name, ("", ""))[side]
        if text:
            return fill(text, names)
    return "its costs and gains balanced"


def describe_levers(
    actor: str, why, names: Mapping[str, str], limit: int = 2, threshold: float = 0.005
) -> list[str]:
    """One sentence per lever that moved at a great power's last review, the largest moves
    first: "China raised economic coercion toward South Korea (0.10 → 0.15) because ..."."""
    toward = names.get(why.toward, why.toward)
    words = {**names, "toward": toward}
    if not why.reviewed:
        return [
            f"{actor} held its levers toward {toward} this quarter (it reviews them twice a year)."
        ]
    lines = []
    for lever, move in why.rows()[:limit]:
        if abs(move) < threshold:
            continue
        verb = "raised" if move > 0 else "lowered"
        noun = fill(LEVER_WORDS[lever], words)
        reason = _because(why.terms[lever], LEVER_PART_WORDS, words)
        lines.append(
            f"{actor} {verb} {noun} toward {toward} "
            f"({why.before[lever]:.2f} → {why.after[lever]:.2f}) because {reason}."
        )
    return lines or [
        f"{actor} kept its levers toward {toward} as they were: costs and gains balance."
    ]


def describe_provocation(actor: str, why, names: Mapping[str, str], limit: int = 2) -> list[str]:
    """Pyongyang's last choice and its strongest reasons either way."""
    if not why.terms:
        return [f"{actor} follows its fixed threat rule in this setting (it does not choose)."]
    move = why.after - why.before
    way = "toward provocation" if move > 0 else "toward dialogue"
    if abs(move) < SMALL:
        head = f"{actor} kept its course ({why.after:+.2f}, from -1 dialogue to +1 provocation)."
    else:
        head = (
            f"{actor} moved {way} ({why.before:+.2f} → {why.after:+.2f}, "
            "from -1 dialogue to +1 provocation)."
        )
    lines = [head]
    for name, value in why.rows()[:limit]:
        if abs(value) < SMALL:
            continue
        force = fill(PROVOCATION_WORDS.get(name, name.replace("_", " ")), names)
        pull = "pulled toward provocation" if value > 0 else "pulled toward dialogue"
        lines.append(f"{force[0].upper()}{force[1:]} {pull} ({value:+.3f}).")
    return lines


def describe_seat_choice(actor: str, debrief, names: Mapping[str, str]) -> str:
    """The debrief's first line: the seat's choice against the model's agent's own."""
    differences = sorted(debrief.differences.items(), key=lambda item: -abs(item[1]))
    if not debrief.by_seat:
        return f"Nobody chose for {actor} last quarter: the model's {actor} did."
    big = [(n, d) for n, d in differences if abs(d) >= SMALL]
    if not big:
        return f"You chose as the model's {actor} would have."
    parts = [
        f"{name} {debrief.chosen[name]:.2f} (the model: {debrief.own[name]:.2f})"
        for name, _ in big[:3]
    ]
    return f"You chose {'; '.join(parts)}."
