"""sounding: turn a brand's presence on social networks into a test-and-learn programme.

``sounding.open(path)`` opens a workspace for notebook use; the ``sounding`` command does
the rest (see the README).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sounding.workflows.workspace import Workspace

__all__ = ["__version__", "open"]

__version__ = "0.1.0"


def open(path: str | Path = "sounding.duckdb", *, read_only: bool = False,
         create: bool = False) -> Workspace:
    """Open a workspace file; its tables come out as Arrow, pandas or polars. A missing file
    is refused (a typo would otherwise start an empty workspace) unless ``create`` is set."""
    from sounding.workflows.workspace import Workspace

    return Workspace.open(path, read_only=read_only, create=create)
