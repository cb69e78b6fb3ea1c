"""The comments of a scenario file's dated entries, for the tests that check each entry cites
the record it comes from."""

from __future__ import annotations

import re
from pathlib import Path

ENTRY = re.compile(r'- \{date: "(\d{4}-\d{2}-\d{2})"')


def entry_comments(path: Path) -> list[tuple[str, str]]:
    """(date, comment) of every dated entry of the scenario file `path`: an entry takes the
    comment block right above it or, with none, the previous entry's (the next entries of
    one event)."""
    entries, block, last = [], [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped)
            continue
        match = ENTRY.match(stripped)
        if match:
            last = " ".join(block) if block else last
            entries.append((match.group(1), last))
        block = []
    return entries


def cited_lines(comment: str) -> set[int]:
    """The line numbers a comment cites ("line 12", "lines 3-5")."""
    lines = {int(n) for n in re.findall(r"line (\d+)", comment)}
    for first, final in re.findall(r"lines (\d+)-(\d+)", comment):
        lines |= set(range(int(first), int(final) + 1))
    return lines
