"""The README's findings are what the model says now (tools/findings.py re-derives them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_states_what_the_runs_give():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "findings.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
