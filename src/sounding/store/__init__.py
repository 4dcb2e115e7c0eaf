"""The workspace store (layer L1): the only module that talks to DuckDB."""

from sounding.store.database import TABLES, Store, held_elsewhere
from sounding.store.writes import TableStats, WriteStats

__all__ = ["TABLES", "Store", "TableStats", "WriteStats", "held_elsewhere"]
