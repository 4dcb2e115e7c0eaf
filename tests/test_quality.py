"""The code checks CI runs: ruff, mypy --strict on src/, and the import-linter layer contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("command", [
    ["ruff", "check", "src", "tests", "benchmarks"],
    ["mypy", "src"],
    ["lint-imports"],
], ids=["ruff", "mypy", "import-linter"])
def test_code_checks_pass(command: list[str]) -> None:
    result = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_cli_starts_without_the_heavy_libraries() -> None:
    """Every command pays the CLI's imports: scipy, scikit-learn and pandas (about two
    seconds together on the 2-core VM) load only in the functions that use them."""
    probe = ("import sys, sounding.cli; "
             "print(' '.join(m for m in ('scipy.stats', 'scipy.optimize', 'scipy.special', "
             "'scipy.sparse', 'sklearn', 'pandas') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "", f"imported at start-up: {result.stdout.strip()}"
