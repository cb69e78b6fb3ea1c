"""What the sweep tests compare stores with (imported by test_sweep*.py; pytest puts this
folder on the import path)."""

from __future__ import annotations

import filecmp
from pathlib import Path


def same_tree(a: Path, b: Path) -> bool:
    """Byte for byte: the same files with the same contents."""
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in cmp.common_dirs)
