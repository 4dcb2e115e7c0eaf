"""Audience workflows: segments with their representation index, and the map of actors."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from sounding.analyse.actors import ActorMap, actor_map, export_map
from sounding.analyse.bios import BioWords
from sounding.analyse.clusters import Clustering, discover
from sounding.analyse.segment_rules import Condition, SegmentRule, parse_rules, toml_value
from sounding.analyse.segment_words import (
    CLUSTER,
    CUSTOMER_BASE,
    DEFAULT,
    cluster_about,
    segment_label,
)
from sounding.analyse.segments import (
    ACCOUNTS,
    ACTOR_FIELDS,
    SegmentFigures,
    behaviour_features,
    frames,
    measure_segments,
    rankings,
)
from sounding.enrich.language import UNDETERMINED
from sounding.errors import BadValue, InputError, missing_file
from sounding.store import Store
from sounding.store.audience_store import (
    actor_handles,
    actor_languages,
    actor_levels,
    actor_profiles,
    customer_attributes,
    graph_edges,
)
from sounding.workflows.customers import current_match, import_customers
from sounding.workflows.toml_lines import key_line

if TYPE_CHECKING:  # pandas is imported where used: a third of a second at every CLI start
    import pandas as pd

__all__ = ["DEMO_IDS", "DEMO_KEEP", "AudienceData", "SegmentReport", "actors", "actors_op",
           "audience_data", "audience_demo", "default_rules", "load_rules", "nmi", "segments",
           "segments_op"]

_WEEK = 7 * 86_400.0
_EXAMPLE_RULES = ('numbers and ranges for counts (followers = { min = 1000 }), true or false '
                  'for customer, quoted text for text (lang = "fr", plan = "3")')


@dataclass(frozen=True)
class AudienceData:
    """Everything the audience engines read from a workspace."""

    profiles: pd.DataFrame
    actors: pd.DataFrame
    customers: pd.DataFrame
    levels: pd.DataFrame
    actor_customer: dict[str, str]
    weeks: float
    match_rate: float


def _languages(frame: pd.DataFrame, spoken: pd.Series) -> pd.DataFrame:
    """The language an actor writes in (``spoken``, by actor id) over its profile's; and
    'und' (the detector's "undetermined", e.g. an empty text) is no language: unknown,
    so no segment, cluster trait or rule takes it for one."""
    lang = frame["actor_id"].map(spoken).astype(object).fillna(frame["lang"])
    frame["lang"] = lang.mask(lang == UNDETERMINED)
    return frame


def audience_data(store: Store) -> AudienceData:
    """Read engaged actors, every actor, customers, tastes and the customer match."""
    spoken = actor_languages(store).to_pandas().set_index("actor_id")["lang"]
    profiles = _languages(actor_profiles(store).to_pandas(), spoken)
    weeks = 1.0
    if len(profiles):
        span = (profiles["last_at"].max() - profiles["first_at"].min()).total_seconds()
        weeks = max(1.0, span / _WEEK)
    match = current_match(store)
    return AudienceData(profiles, _languages(actor_handles(store).to_pandas(), spoken),
                        customer_attributes(store).to_pandas(),
                        actor_levels(store).to_pandas(), match.actor_customer, weeks,
                        match.rate)


def load_rules(path: str | Path) -> list[SegmentRule]:
    """Segment rules from a TOML file; every fault names the file, and the line with the
    segment and field where one holds it, rather than ending in a traceback."""
    path = Path(path)
    hint = "segments.toml is UTF-8 TOML: one [segment.NAME] table of conditions per segment"
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise missing_file(path) from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})", hint=hint) from exc
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # Notepad's byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}, line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                         hint="save the file as UTF-8") from exc
    try:
        return parse_rules(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {exc}", hint=hint) from exc
    except BadValue as exc:
        raise InputError(f"{_where(path, text, exc.key)}: {exc}", hint=exc.hint or hint
                         ) from exc


def _where(path: Path, text: str, key: tuple[str, ...]) -> str:
    """'PATH, line N' with the line of the key, else of its segment; 'PATH' without one."""
    line = key_line(text, key) or (key_line(text, key[:2]) if len(key) > 2 else None)
    return f"{path}, line {line}" if line else str(path)


def _kind(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "true or false"
    return "a number" if isinstance(value, int | float | np.number) else "a text"


def _fits(value: Any, kinds: set[str]) -> bool:
    """Whether a rule's value can equal one the field holds: 1 and 0 are true and false
    (``customer = 1`` matches customers), as the equality test reads them."""
    if _kind(value) in kinds:
        return True
    if isinstance(value, bool):
        return "a number" in kinds
    return "true or false" in kinds and isinstance(value, int | float) and value in (0, 1)


def _field_kinds(field: str, frames_: tuple[pd.DataFrame, ...]) -> tuple[set[str], bool]:
    """The kinds of value a field holds (text, number, true or false) and whether any of
    them reads as a number."""
    import pandas as pd

    # a customer with accounts on several networks holds a tuple of their values
    held = [f[field].explode().dropna() for f in frames_ if field in f]
    values = pd.concat(held, ignore_index=True) if held else pd.Series([], dtype=object)
    if not len(values):
        return set(), False
    kinds = {_kind(v) for v in values.drop_duplicates()}
    return kinds, bool(pd.to_numeric(values, errors="coerce").notna().any())


def _mismatch(cond: Condition, kinds: set[str], numeric: bool) -> str | None:
    """Why a condition can match nobody, given what its field holds; None if it can."""
    held = " and ".join(sorted(kinds))
    if cond.words:
        return None if "a text" in kinds else f"words are looked for in text; it holds {held}"
    if cond.values:
        wrong = [v for v in cond.values if not _fits(v, kinds)]
        if len(wrong) == len(cond.values):
            kind = "" if isinstance(wrong[0], bool) else f"{_kind(wrong[0])} "
            return f"it holds {held}, found {kind}{toml_value(wrong[0])}"
        return None
    return None if numeric else f"a range needs numbers; it holds {held}"


def _check_fields(rules: list[SegmentRule], path: Path, *frames_: pd.DataFrame) -> None:
    """A field no actor or customer has is a typo, not a segment of nobody; so is a
    condition whose kind of value the field never holds (``followers = "1000"``)."""
    known = sorted(({str(c) for frame in frames_ for c in frame.columns} | set(ACTOR_FIELDS))
                   - {ACCOUNTS})
    for rule in rules:
        for cond in rule.conditions:
            if cond.field not in known:
                problem, hint = "no actor or customer has this field", "fields: " + ", ".join(known)
            else:
                kinds, numeric = _field_kinds(cond.field, frames_)
                why = _mismatch(cond, kinds, numeric) if kinds else None
                if why is None:
                    continue
                problem, hint = f"this condition matches nobody: {why}", _EXAMPLE_RULES
            _refuse(path, rule.name, cond.field, problem, hint)


def _refuse(path: Path, name: str, fld: str, problem: str, hint: str) -> NoReturn:
    """Raise the error of one condition, naming the file and its line."""
    try:  # read again only to name the line
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    where = _where(path, text, ("segment", name, fld))
    raise InputError(f"{where}: segment '{name}', field '{fld}': {problem}", hint=hint)


def _cluster_problem(cond: Condition, k: int, why_none: str) -> str | None:
    """Why a condition on ``cluster`` names no cluster shown (cluster_1 to cluster_k)."""
    if k == 0:
        return f"there are no behavioural clusters: {why_none}"
    shown = f"the clusters are cluster_1 to cluster_{k}" if k > 1 else "the only cluster is 1"
    if cond.values:
        wrong = [v for v in cond.values if isinstance(v, bool) or not isinstance(v, int | float)
                 or v != int(v) or not 1 <= v <= k]
        return f"there is no cluster {toml_value(wrong[0])}: {shown}" if wrong else None
    if not cond.words:
        low, high = max(cond.low or 1, 1), min(cond.high if cond.high is not None else k, k)
        if math.ceil(low) > math.floor(high):
            return f"the range holds no cluster: {shown}"
    return None


def _check_clusters(rules: list[SegmentRule], path: Path, k: int, why_none: str) -> None:
    """``cluster = N`` names cluster_N as shown: a number no cluster has, or a rule on
    clusters when none were made, would be a segment of nobody."""
    for rule in rules:
        for cond in rule.conditions:
            if cond.field == "cluster" and (problem := _cluster_problem(cond, k, why_none)):
                hint = ("cluster = 1 is cluster_1, as `sounding segments` shows it"
                        if k else "run without --no-cluster, or leave the rule out")
                _refuse(path, rule.name, cond.field, problem, hint)


def default_rules(data: AudienceData) -> list[SegmentRule]:
    """Without a rules file: one segment per language, one per network, the customers."""
    def rule(name: str, condition: Condition, source: str = DEFAULT) -> SegmentRule:
        return SegmentRule(name, segment_label(name, name, source), (condition,), source=source)

    rules = [rule(f"{column}_{v}", Condition(column, (v,))) for column in ("lang", "network")
             for v in sorted(data.profiles[column].dropna().unique())]
    # every customer is in it by definition: its index is the share of the engaged who
    # are known customers, worth reading but not a representation to rank
    rules.append(rule("customers", Condition("customer", (True,)), CUSTOMER_BASE))
    return rules


def _cluster_traits(rows: pd.DataFrame, everyone: pd.DataFrame, bio_words: list[str]
                    ) -> dict[str, Any]:
    top = {}
    for column in ("lang", "network"):
        shares = rows[column].value_counts(normalize=True)
        top[column] = (str(shares.index[0]), float(shares.iloc[0])) if len(shares) else None
    ratio = float(rows["engagements"].mean() / max(everyone["engagements"].mean(), 1e-9))
    labelled = rows[["interest", "animosity", "neutral"]].sum()
    animosity = float(labelled["animosity"] / labelled.sum()) if labelled.sum() else None
    return cluster_about(top["lang"], top["network"], ratio, animosity, bio_words)


def _clusters(data: AudienceData, seed: int
              ) -> tuple[Clustering, pd.DataFrame, list[SegmentRule], dict[str, dict[str, Any]]]:
    import pandas as pd

    x, _ = behaviour_features(data.profiles, data.levels, data.weeks)
    found = discover(x, data.profiles["actor_id"].astype(str).tolist(), seed=seed)
    bios = BioWords(data.profiles["bio"].tolist())
    # the field holds the number shown (cluster_1 is 1), so a rule's `cluster = 1` is it
    extra = pd.DataFrame({"cluster": found.labels + 1},
                         index=data.profiles["actor_id"].to_numpy())
    rules: list[SegmentRule] = []
    traits: dict[str, dict[str, Any]] = {}
    for c in range(found.k):
        name = f"cluster_{c + 1}"
        rules.append(SegmentRule(name, segment_label(name, name, CLUSTER),
                                 (Condition("cluster", (c + 1,)),), source=CLUSTER))
        members = np.flatnonzero(found.labels == c)
        traits[name] = _cluster_traits(data.profiles.iloc[members], data.profiles,
                                       bios.of(members))
    return found, extra, rules, traits


@dataclass(frozen=True)
class SegmentReport:
    """Segments with their figures, rankings, the clustering's stability, the match rate."""

    segments: list[SegmentFigures]
    rankings: dict[str, list[str]]
    engaged_actors: int
    customers: int
    match_rate: float
    weeks: float
    clusters: int
    stability: float | None
    cluster_labels: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"segments": [s.as_dict() for s in self.segments], "rankings": self.rankings,
                "engaged_actors": self.engaged_actors, "customers": self.customers,
                "match_rate": self.match_rate, "weeks": self.weeks, "clusters": self.clusters,
                "stability": self.stability}


def segments(store: Store, rules: str | None = None, cluster: bool = True,
             seed: int = 0) -> SegmentReport:
    """Rule segments (from ``rules``, a TOML file, or the defaults) and discovered ones."""
    data = audience_data(store)
    from_file = load_rules(rules) if rules else []
    chosen = from_file or default_rules(data)
    extra: pd.DataFrame | None = None
    traits: dict[str, dict[str, Any]] = {}
    found: Clustering | None = None
    if cluster and len(data.profiles) >= 20:
        found, extra, more, traits = _clusters(data, seed)
        chosen = chosen + more
    engaged, people = frames(data.profiles, data.actors, data.customers, data.actor_customer,
                             data.weeks, extra)
    if rules:
        why = ("clustering is off (--no-cluster)" if not cluster else
               f"fewer than 20 engaged actors ({len(data.profiles)})")
        _check_clusters(from_file, Path(rules), found.k if found else 0, why)
        _check_fields(from_file, Path(rules), engaged, people)
    figures = measure_segments(chosen, engaged, people, data.weeks, seed=seed, about=traits)
    labels = ({a: int(c) for a, c in zip(data.profiles["actor_id"], found.labels, strict=True)}
              if found is not None else {})
    return SegmentReport(figures, rankings(figures), len(engaged), len(people),
                         data.match_rate, data.weeks, found.k if found else 0,
                         found.stability if found else None, labels)


def _node_attributes(data: AudienceData) -> pd.DataFrame:
    """Every actor of the map as it is (language, bio), whether or not it reacted to the
    brand: the map is the conversation at large. Reactions and tastes are the engaged
    ones' (to the brand only); the others have none."""
    reactions = data.profiles.set_index("actor_id")[["interest", "animosity", "neutral"]]
    attrs = data.actors.set_index("actor_id")[["lang", "bio"]].join(reactions, how="left")
    topics = data.levels[data.levels["factor"] == "topic"]
    if len(topics):
        wide = topics.pivot_table(index="actor_id", columns="level", values="n",
                                  aggfunc="sum", fill_value=0)
        wide.columns = [f"topic={c}" for c in wide.columns]
        attrs = attrs.join(wide, how="left")
    return attrs


def actors(store: Store, export: str | None = None, seed: int = 0, top: int = 5
           ) -> tuple[ActorMap, Path | None]:
    """The actor map of the workspace, and where it was exported (by file extension)."""
    if top < 1:
        raise InputError(f"--top must be at least 1, not {top}",
                         hint="the number of top actors shown for each community")
    edges = graph_edges(store)
    data = audience_data(store)
    brand = store.query("SELECT actor_id FROM accounts").column(0).to_pylist()
    handles = dict(zip(data.actors["actor_id"], data.actors["handle"], strict=True))
    handles.update({b: b.partition(":")[2] for b in brand})
    attrs = _node_attributes(data)
    amap = actor_map(edges, brand=brand, handles=handles, attributes=attrs, seed=seed, top=top)
    path = export_map(amap, export, attrs) if export else None
    return amap, path


def nmi(found: dict[str, int], truth: dict[str, str]) -> float:
    """Normalised mutual information of two labelings over the actors both name."""
    from sklearn.metrics import normalized_mutual_info_score  # type: ignore[import-untyped]

    common = sorted(set(found) & set(truth))
    return float(normalized_mutual_info_score([truth[a] for a in common],
                                              [found[a] for a in common])) if common else 0.0




def segments_op(store: Store, rules: str | None = None, cluster: bool = True) -> dict[str, Any]:
    """Operation ``segments``: the segment report as JSON."""
    return segments(store, rules, cluster).as_dict()


def actors_op(store: Store, export: str | None = None, top: int = 5) -> dict[str, Any]:
    """Operation ``actors``: the actor map's summary as JSON, and where it was written."""
    amap, path = actors(store, export, top=top)
    return {**amap.as_dict(), "export": str(path) if path else None}


DEMO_IDS = ("email", "bluesky_handle", "mastodon_handle", "customer_id")
DEMO_KEEP = ("country", "lang", "age_band", "plan")


def audience_demo(store: Store, directory: str | Path, customers_file: str | Path,
                  top: int = 3) -> dict[str, Any]:
    """For the demo: import the CRM file, measure segments, map actors, write the GEXF.

    Returns the import report, the top segments by representation index (with their
    interval), the largest communities and the path of ``actors.gexf``.
    """
    imported = import_customers(store, str(customers_file), DEMO_IDS, DEMO_KEEP)
    report = segments(store)
    by_name = {s.name: s for s in report.segments}
    best = [by_name[n].as_dict() for n in report.rankings["best_represented"][:top]]
    amap, path = actors(store, str(Path(directory) / "actors.gexf"))
    summary = amap.as_dict()
    return {"customers": imported.as_dict(), "top_segments": best,
            "rankings": report.rankings, "stability": report.stability,
            "communities": summary["communities"][:top], "influential":
            summary["influential"][:top], "bridges": summary["bridges"], "gexf": str(path)}
