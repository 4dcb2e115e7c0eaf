"""The notebook door: a workspace whose tables come out as Arrow, pandas or polars frames."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from sounding.errors import ConfigError, InputError, NotFound, WorkspaceBusy
from sounding.store import TABLES, Store
from sounding.workflows.served import serving

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["Workspace"]


class Workspace:
    """An open workspace file. Use it as a context manager, or call ``close()``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, create: bool = False,
             wait: float = 60.0) -> Workspace:
        """Open the workspace at ``path``; a missing file is refused unless ``create`` is
        set, as the CLI refuses a mistyped --db rather than start an empty workspace."""
        path = Path(path).expanduser().resolve()  # a link to a served file is that file
        if not path.exists():
            if not create:
                raise NotFound(
                    f"no workspace at {path}",
                    hint="check the path, make one with `sounding import items FILE` or "
                         f"`sounding demo`, or start an empty one: sounding.open({str(path)!r}, "
                         "create=True)")
            if read_only:
                raise InputError("a workspace cannot be created read-only",
                                 hint="open it with create=True alone")
        served = serving(path)
        if served is not None:  # its lock stays until it stops: waiting would not help
            raise WorkspaceBusy(
                f"{path} is served by 'sounding serve' at {served.get('url')} "
                f"(pid {served.get('pid')}), which holds the file",
                hint="stop the server to open the workspace here (the sounding commands "
                     "go through it meanwhile)")
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
        """One SELECT over the workspace, with bound parameters, as Arrow. Any other
        statement is refused: the notebook door reads, the commands write."""
        return self.store.select(query, params)
