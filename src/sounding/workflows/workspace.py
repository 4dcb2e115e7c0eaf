"""The notebook door: a workspace whose tables come out as Arrow, pandas or polars frames."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sounding.errors import ConfigError
from sounding.store import TABLES, Store

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["Workspace"]


class Workspace:
    """An open workspace file. Use it as a context manager, or call ``close()``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, wait: float = 60.0
             ) -> Workspace:
        return cls(Store.open(path, read_only=read_only, wait=wait))

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables of the data model."""
        return TABLES

    def arrow(self, table: str) -> pa.Table:
        """A table as an Arrow table."""
        return self.store.table(table)

    def pandas(self, table: str) -> pd.DataFrame:
        """A table as a pandas DataFrame (Arrow-backed conversion)."""
        frame: pd.DataFrame = self.arrow(table).to_pandas()
        return frame

    def polars(self, table: str) -> pl.DataFrame:
        """A table as a polars DataFrame (zero-copy from Arrow where possible)."""
        try:
            import polars as pl
        except ImportError as exc:  # pragma: no cover - polars is a dependency
            raise ConfigError("polars is not installed", hint="pip install polars") from exc
        frame = pl.from_arrow(self.arrow(table))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def sql(self, query: str, params: list[Any] | None = None) -> pa.Table:
        """A read query over the workspace, with bound parameters, as Arrow."""
        return self.store.query(query, params)
