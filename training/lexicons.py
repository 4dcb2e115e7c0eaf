"""The sentiment lexicons shipped inside installed packages (VADER, vader_FR), read as lines.

Both training scripts use them: the reaction model as one-word examples or valences, the
language head as vocabulary. Training time only; nothing here ships in the package.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def lexicon_lines(package: str, name: str) -> list[str] | None:
    """The lines of the file ``name`` inside the installed ``package``; None without it."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        return None
    path = Path(str(module.__file__)).parent / name
    return path.read_text(encoding="utf-8", errors="replace").splitlines()
