"""How test and learn's results are said, in English and French: the verdict lines, the
notes on the evidence, the metrics' units. The figures come from
:mod:`sounding.analyse.variants`; a page, a report or a terminal says them with these."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sounding.analyse.decide import MIN_REPLICATES, MORE_POSTS_CAP
from sounding.models import count_text, interval_text, number_text

__all__ = [
    "METRICS",
    "NO_DENOMINATOR",
    "OBSERVATIONAL",
    "ONE_LEVEL",
    "PARTIAL_DENOMINATOR",
    "confounders",
    "more_posts_text",
    "note_text",
    "verdict_text",
    "with_data",
]

OBSERVATIONAL = ("observational: posts were not randomised; estimates adjust for audience "
                 "growth (rates per exposure) and a time trend in engagement, not for "
                 "everything that changed with the calendar")
_OBSERVATIONAL_FR = ("observationnel : les publications n'ont pas été tirées au sort ; les "
                     "estimations tiennent compte de la croissance de l'audience (taux par "
                     "exposition) et d'une tendance de l'engagement dans le temps, pas de tout "
                     "ce qui a changé avec le calendrier")

NO_DENOMINATOR = ("no follower count or impressions are known for these posts, so the "
                  "engagement rate has no denominator")
_NO_DENOMINATOR_FR = ("aucun nombre d'abonnés ni d'impressions n'est connu pour ces "
                      "publications : le taux d'engagement n'a pas de dénominateur")

# the reason of a factor whose tagged posts all tried the same level: no comparison
ONE_LEVEL = "one_level"

# A verdict's wording; {figures} is "P = …, +d unit [low, high]" in the language's numbers.
_VERDICT_WORDS = {
    "en": {"decided": "{factor}: {leader} {beats} {runner} on {metric}: {figures}",
           "none": "{factor}: no level stands out on {metric}: the 95% interval rules out "
                   "a lead worth acting on (leader {leader}, {figures})",
           "more": "{factor}: not enough evidence yet on {metric}: {more} more posts "
                   "(leader {leader}, {figures})",
           "confounded": "{factor}: not enough evidence on {metric}: its levels are "
                         "confounded with {about}, so their effects can't be told apart "
                         "(leader {leader}, {figures})",
           "unreplicated": "{factor}: not enough evidence yet on {metric}: fewer than {min} "
                           "posts{with_data} for {about}, too few to measure how posts vary "
                           "(leader {leader}, {figures})",
           ONE_LEVEL: "{factor}: only {leader} was tried, so nothing to compare it with on "
                      "{metric}: try another level",
           "beats": "beats", "beats_lower": "beats (lower)", "and": " and ",
           "with_reactions": " with labelled reactions",
           "with_exposure": " counted (with followers or impressions known)",
           "engagement": "engagement", "interest": "interest", "animosity": "animosity",
           "ignored": "ignored", "per_thousand": "per 1,000",
           "(period)": "the period", "(account)": "the account"},
    "fr": {"decided": "{factor} : {leader} {beats} {runner} sur {metric} : {figures}",
           "none": "{factor} : aucun niveau ne se détache sur {metric} ; l'intervalle à 95 % "
                   "exclut un écart qui compte (en tête : {leader}, {figures})",
           "more": "{factor} : pas encore assez d'éléments sur {metric} ; {more} "
                   "publications de plus (en tête : {leader}, {figures})",
           "confounded": "{factor} : pas assez d'éléments sur {metric} ; ses niveaux sont "
                         "confondus avec {about}, leurs effets ne se distinguent pas (en "
                         "tête : {leader}, {figures})",
           "unreplicated": "{factor} : pas encore assez d'éléments sur {metric} ; moins de "
                           "{min} publications{with_data} pour {about}, trop peu pour mesurer la "
                           "variation entre publications (en tête : {leader}, {figures})",
           ONE_LEVEL: "{factor} : seul le niveau {leader} a été essayé, rien à quoi le "
                      "comparer sur {metric} ; essayez un autre niveau",
           "beats": "devance", "beats_lower": "devance (plus bas)",
           "with_reactions": " avec des réactions étiquetées",
           "with_exposure": " comptées (abonnés ou impressions connus)",
           "and": " et ",
           # with their article: "sur l'intérêt", never "sur intérêt"
           "engagement": "le taux d'interaction", "interest": "l'intérêt",
           "animosity": "l'animosité", "ignored": "la part de publications ignorées",
           "per_thousand": "pour 1 000", "(period)": "la période", "(account)": "le compte"},
}


_MORE_POSTS = {"en": ("about {n}", "more than {n}"), "fr": ("environ {n}", "plus de {n}")}


def more_posts_text(more: int, lang: str = "en") -> str:
    """How many more posts a verdict needs, in ``lang``: "about 4,340", but "more than
    10,000" at the cap (``MORE_POSTS_CAP``), which is no estimate."""
    about, over = _MORE_POSTS.get(lang, _MORE_POSTS["en"])
    return (over if more >= MORE_POSTS_CAP else about).format(n=count_text(more, lang))


def with_data(metric: str, lang: str = "en") -> str:
    """What the posts a metric counts must have (" with labelled reactions"): a level of
    ten posts none of whose replies is labelled has no data on interest, nor on engagement
    when neither its followers nor its impressions are known."""
    words = _VERDICT_WORDS.get(lang, _VERDICT_WORDS["en"])
    if metric == "engagement":
        return words["with_exposure"]
    return words["with_reactions"] if metric in ("interest", "animosity") else ""


def confounders(verdict: Mapping[str, Any], lang: str = "en") -> str:
    """What a blocked verdict is about, in ``lang``: the period, the account, the factors
    its levels went out with, or the levels with too few posts."""
    words = _VERDICT_WORDS.get(lang, _VERDICT_WORDS["en"])
    return words["and"].join(words.get(x, x) for x in verdict.get("about", ()))


def verdict_text(verdict: Mapping[str, Any], lang: str = "en") -> str:
    """A factor's verdict (a :class:`Verdict` as a dict) as one line in ``lang``."""
    words = _VERDICT_WORDS.get(lang, _VERDICT_WORDS["en"])

    def num(value: float, digits: int = 1, signed: bool = False) -> str:
        return number_text(value, digits, lang, signed=signed)

    metric = verdict["metric"]
    unit = METRICS[metric][2]
    unit = words["per_thousand"] if unit == "per 1,000" else unit
    figures = (f"P = {num(verdict['p_best'], 2)}, {num(verdict['diff'], signed=True)} {unit} "
               + interval_text(num(verdict["low"]), num(verdict["high"]), lang))
    key = (verdict.get("reason") or ("decided" if verdict["decided"] else
                                      "none" if verdict["more_posts"] == 0 else "more"))
    beats = words["beats"] if METRICS[metric][0] else words["beats_lower"]
    return words[key].format(factor=verdict["factor"], leader=verdict["leader"],
                             runner=verdict["runner_up"], metric=words[metric], beats=beats,
                             more=more_posts_text(verdict["more_posts"], lang),
                             figures=figures,
                             about=confounders(verdict, lang),
                             with_data=with_data(metric, lang), min=MIN_REPLICATES)


# the engagement rate rests on some posts only: (English, French), {known} of {posts}
PARTIAL_DENOMINATOR = {
    "impressions": ("the engagement rate per impression rests on {known} of {posts} posts: "
                    "the others have no impression count (or fewer than 10)",
                    "le taux d'engagement par impression repose sur {known} des {posts} "
                    "publications : les autres n'ont pas de nombre d'impressions (ou moins "
                    "de 10)"),
    "followers": ("the engagement rate per follower rests on {known} of {posts} posts: the "
                  "others have no follower count at posting time (or fewer than 10)",
                  "le taux d'engagement par abonné repose sur {known} des {posts} "
                  "publications : les autres n'ont pas de nombre d'abonnés au moment de la "
                  "publication (ou moins de 10)"),
}


def _template_match(template: str, text: str) -> dict[str, str] | None:
    pattern = re.escape(template).replace(r"\{known\}", r"(?P<known>\d+)")
    match = re.fullmatch(pattern.replace(r"\{posts\}", r"(?P<posts>\d+)"), text)
    return match.groupdict() if match else None


def note_text(note: str, lang: str = "en") -> str:
    """A note of the analysis in ``lang`` (notes are written in English)."""
    if lang != "fr":
        return note
    french = {OBSERVATIONAL: _OBSERVATIONAL_FR, NO_DENOMINATOR: _NO_DENOMINATOR_FR}
    for english, in_french in PARTIAL_DENOMINATOR.values():
        figures = _template_match(english, note)
        if figures is not None:
            return in_french.format(**figures)
    return french.get(note, note)

# metric -> (higher is better, display scale, unit)
METRICS: dict[str, tuple[bool, float, str]] = {
    "engagement": (True, 1000.0, "per 1,000"),
    "interest": (True, 100.0, "pts"),
    "animosity": (False, 100.0, "pts"),
    "ignored": (False, 100.0, "pts"),
}
