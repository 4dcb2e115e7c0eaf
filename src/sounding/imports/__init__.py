"""Import engines (layer L2): files exported by networks or written by people → Batches."""

from sounding.imports.items import ItemsFile, parse_items_file
from sounding.imports.spec import ITEM_COLUMNS, Column, parse_mapping

__all__ = ["ITEM_COLUMNS", "Column", "ItemsFile", "parse_items_file", "parse_mapping"]
