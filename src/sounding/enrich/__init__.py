"""Enrichment engines: language and reaction (interest, animosity, neutral) of each text."""

from __future__ import annotations

from sounding.enrich.artifact import DEFAULT_MODEL_DIR, check_context
from sounding.enrich.datasets import REACTIONS
from sounding.enrich.language import LanguageDetector, parse_languages
from sounding.enrich.reaction import Reaction, ReactionBatch, ReactionModel

__all__ = ["DEFAULT_MODEL_DIR", "REACTIONS", "LanguageDetector", "Reaction", "ReactionBatch",
           "ReactionModel", "check_context", "parse_languages"]
