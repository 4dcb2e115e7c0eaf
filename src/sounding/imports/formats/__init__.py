"""Parsers of what networks and blogs export (Meta, X, LinkedIn, WordPress, RSS/Atom) → Batches."""

from sounding.imports.formats.detect import FORMATS, detect, detect_files, parser_for
from sounding.imports.formats.records import Parsed, merge

__all__ = ["FORMATS", "Parsed", "detect", "detect_files", "merge", "parser_for"]
