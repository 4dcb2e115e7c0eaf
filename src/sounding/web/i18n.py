"""The dashboard's words in English and French, and how a request's language is chosen."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sounding.models import count_text, interval_text
from sounding.report.views_refusals import REFUSALS

__all__ = ["LANGS", "choose_lang", "interval", "number", "refusal_text", "translator"]

LANGS = ("en", "fr")

_FR: dict[str, str] = {
    "colon": "\u202f: ",  # French sets a (narrow no-break) space before a colon
    "nav.overview": "Vue d'ensemble", "nav.reactions": "Réactions", "nav.items": "Contenus",
    "nav.queue": "Plan et file", "nav.thread": "Fil",
    "sign_in": "Se connecter", "sign_out": "Se déconnecter", "username": "Utilisateur",
    "password": "Mot de passe", "bad_login": "Nom ou mot de passe incorrect.",
    "login_throttled": "Trop d'essais manqués : patientez un peu avant de réessayer.",
    "login_expired": "Ce formulaire a expiré : saisissez à nouveau votre nom et votre mot de "
    "passe.",
    "session_ended": "Votre session a pris fin : reconnectez-vous pour continuer.",
    "language": "Langue", "period": "Période", "previous_period": "Période précédente",
    "apply": "Appliquer", "change": "Évolution", "metric": "Indicateur", "value": "Valeur",
    "posts": "Publications", "engagements": "Engagements",
    "engagement_rate_per_follower": "Taux d'engagement par abonné",
    "engagement_rate_per_impression": "Taux d'engagement par impression",
    "reply_rate": "Réponses par publication", "reactions": "Réactions",
    "ignored_share": "Part des publications ignorées", "share_interest": "Part d'intérêt",
    "share_animosity": "Part d'animosité", "share_neutral": "Part neutre",
    "follower_growth": "Nouveaux abonnés", "interest": "intérêt", "animosity": "animosité",
    "neutral": "neutre", "ignored": "ignorées", "this_period": "cette période",
    "reaction_shares": "Parts des réactions", "by_network": "Par réseau",
    "reactions_title": "Réactions par semaine", "network": "Réseau", "week": "Semaine",
    "totals": "Totaux", "window_note": "Une publication est ignorée sans réaction sous {h} h.",
    "search": "Rechercher", "kind": "Type", "label": "Étiquette", "all": "tous",
    "no_label": "sans étiquette", "author": "Auteur", "date": "Date", "text": "Texte",
    "thread": "fil", "open": "ouvrir", "correct": "Corriger", "save": "Enregistrer",
    "human": "humain", "model": "modèle", "next_page": "Page suivante",
    "prev_page": "Page précédente", "no_items": "Aucun contenu ne correspond.",
    "brand": "marque", "status": "Statut", "scheduled_at": "Prévu le", "account": "Compte",
    "actions": "Actions", "approve": "Approuver", "schedule": "Programmer",
    "to_draft": "Repasser en brouillon", "edit": "Modifier", "published_item": "Publié",
    "queue_empty": "La file est vide : le planificateur n'a encore rien proposé.",
    "approve_note": "Une entrée approuvée est publiée à son heure prévue (passée, elle est "
    "reportée au lendemain à la même heure), ou tout de suite si elle n'en a pas : rédigez "
    "la publication avant de l'approuver.",
    "draft": "brouillon", "approved": "approuvé", "scheduled": "programmé",
    "sending": "en cours d'envoi", "published": "publié", "failed": "échec",
    "cancelled": "écarté", "discard": "Écarter",
    "error": "Erreur", "back": "Retour", "read_only": "Lecture seule",
    "not_allowed": "Votre rôle ne permet pas cette action.", "variant": "Variante",
    "no_data": "Aucune donnée pour cette période.",
    "nav.audience": "Audience", "nav.actors": "Acteurs", "nav.learn": "Tester et apprendre",
    "nav.said": "Ce qui se dit", "said_title": "Ce qui se dit",
    "said_basis": "{texts} réponses, citations et mentions du {start} au {last} ({before} "
    "sur les jours d'avant, depuis le {previous}).", "said_volume": "Réactions par jour",
    "said_topics": "Sujets",
    "said_without_topic": "Textes dans aucun sujet (sans mot de sujet : une simple mention, "
    "un emoji) : {n}.",
    "said_phrases": "Expressions clés", "said_other": "autres", "said_alerts": "Alertes récentes",
    "said_no_alerts": "Aucune alerte.", "topic": "Sujet", "texts": "Textes", "share": "Part",
    "trend": "Tendance", "examples": "Exemples", "alert": "Alerte",
    "trend_rising": "en hausse", "trend_falling": "en baisse", "trend_steady": "stable",
    "trend_unmeasured": "aucun texte la période d'avant",
    "trend_new": "nouveau",
    "engaged_actors": "Acteurs engagés", "customers": "Clients",
    "match_rate": "Taux de rapprochement",
    "clusters": "Groupes comportementaux", "stability": "Stabilité (ARI)",
    "no_customers": "Aucun client importé : l'indice de représentation ne peut pas être "
    "calculé (sounding customers import).",
    "index_note": "Indice de représentation : part parmi les acteurs engagés ÷ part parmi les "
    "clients × 100 (100 = autant qu'attendu), avec son intervalle à 95 %. Moins de {n} "
    "membres d'un côté : segment signalé, jamais classé.",
    "representation_index": "Indice de représentation",
    "most_active": "Les plus actifs", "segment": "Segment", "size": "Taille",
    "segments_by_index": "Segments par indice de représentation", "standing": "Place",
    "standing.best_represented": "mieux représenté (intervalle au-dessus de 100)",
    "standing.on_par": "à parité (l'intervalle contient 100)",
    "standing.under_represented": "sous-représenté (intervalle sous 100)",
    "activity": "Activité", "reaction_mix": "Réactions", "too_small": "Trop petit pour conclure",
    "none_active": "Aucun segment ne peut encore être classé : chacun compte moins de {n} "
    "acteurs engagés.",
    "small": "petit", "activity_note": "Engagements par acteur et par semaine, avec "
    "l'intervalle à 95 %.",
    "actors": "Acteurs", "ties": "Liens", "communities": "Communautés",
    "clustered_actors": "Acteurs dans une communauté", "modularity": "Modularité",
    "map": "Carte des acteurs", "map_note": "Les {shown} acteurs les plus influents "
    "(PageRank) sur {total}, hors comptes de la marque, et leurs {edges} liens les plus "
    "forts ; une couleur par communauté pour les {coloured} plus grandes, les plus petites "
    "en cercles vides, en gris les acteurs hors communauté. Glisser pour déplacer, "
    "molette pour zoomer, survoler un point pour le détail.", "reset": "Recentrer",
    "map_needs_js": "La carte a besoin de JavaScript ; les tableaux ci-dessous disent "
    "l'essentiel.", "top_actors": "Acteurs principaux", "languages": "Langues",
    "topics": "Sujets", "bio_words": "Mots des bios", "influential": "Acteurs influents",
    "period_from": "Du", "period_to": "Au",
    "no_comparison": "Rien à comparer : les données commencent le {first}, après la "
    "période précédente.",
    "page_not_found": "Cette page n'existe pas.",
    "download_report": "Télécharger le rapport de la période",
    "discard_title": "Écarter l'entrée {id} de la file ?",
    "discard_question": "Elle ne sera pas publiée et quittera la file. Son texte :",
    "discard_confirm": "Oui, l'écarter", "discard_keep": "Non, la garder",
    "said_empty": "Aucune réponse, citation ni mention du {start} au {last} : les données "
    "vont du {first} au {newest} ; choisissez une période comprise entre ces dates.",
    "said_show_data": "Voir toute cette période",
    "role.viewer": "lecture", "role.editor": "édition", "role.admin": "administration",
    "kind.post": "publication", "kind.reply": "réponse", "kind.quote": "citation",
    "kind.comment": "commentaire", "kind.mention": "mention", "kind.repost": "partage",
    "communities_note": "Les {shown} plus grandes sur {total}.",
    "actor": "Acteur",
    "community": "Communauté", "bridges": "Ponts", "no_community": "Hors communauté",
    "bridges_note": "Des acteurs dont les liens couvrent plusieurs communautés.",
    "metric_interest": "intérêt", "metric_engagement": "taux d'interaction",
    "metric_animosity": "animosité", "metric_ignored": "ignorées",
    "learn_basis": "{posts} publications, {labelled} réponses, citations et commentaires "
    "étiquetés (les mentions ne répondent à aucune publication) ; "
    "exposition : {exposure}.",
    "exposure_followers": "abonnés", "exposure_impressions": "impressions",
    "verdicts": "Verdicts", "design_warnings": "Avertissements sur le plan d'expérience",
    "unit_pts": "points de %", "unit_per_1000": "pour 1 000", "lower_better": "plus bas = mieux",
    "level": "Niveau", "posterior_mean": "Moyenne a posteriori", "best": "meilleur",
    "expected_loss": "Perte attendue", "next_plan": "Prochaines publications proposées",
    "plan_note": "Objectif : {objective} ; garde-fou d'animosité : {cap}. Proposition "
    "seulement : rien n'est écrit dans la file.", "guardrail": "Garde-fou", "safe": "sûr",
    "risky": "risqué", "queued_drafts": "Brouillons déjà en file",
    "unranked_customer_base": "Non classé : tous les clients sont dans ce segment par "
    "définition ; son indice dit quelle part des acteurs engagés sont des clients connus, "
    "pas s'ils sont sur- ou sous-représentés.",
    "unranked_reads_customer": "Non classé : la règle choisit des clients ou des non-clients, "
    "la base de clients ne peut donc pas lui servir d'étalon.",
}
# What pages refuse, in French (the English words are the refusals' own, in REFUSALS).
_FR_REFUSALS: dict[str, str] = {
    "period_format": "« {value} » n'est pas une période : écrivez deux dates comme "
    "2026-09-01..2026-09-30, et laissez un côté vide pour ne pas le borner (2026-09-01..).",
    "period_date": "« {value} » n'est pas une date comme 2026-09-30.",
    "period_reversed": "Dans « {value} », la fin précède le début.",
    "period_outside": "« {value} » sort des dates que lit le tableau de bord "
    "(du 1970-01-01 au 2999-12-31).",
    "no_posts": "Aucune publication de la marque sur cette période : choisissez-en une autre.",
    "no_variants": "Les publications de la marque ne portent aucune variante "
    "(paires facteur=niveau) à comparer.",
    "no_rate": "Ni abonnés ni impressions ne sont connus pour ces publications : le taux "
    "d'engagement ne peut pas être mesuré. Choisissez l'intérêt, ou collectez les abonnés "
    "des comptes, ou importez les impressions des publications.",
    "no_baseline": "Aucune réaction à ces publications n'est encore étiquetée : le garde-fou "
    "d'animosité n'a pas de référence et aucune publication ne peut être proposée. Étiquetez "
    "d'abord les réactions (lancez l'enrichissement, ou corrigez des étiquettes sur la page "
    "Contenus).",
    "unknown_value": "« {value} » n'est pas une valeur connue pour « {name} » : choisissez "
    "parmi {allowed}.",
    "not_a_number": "« {value} » n'est pas un nombre pour « {name} ».",
    "text_length": "Le texte doit compter de 1 à {limit} caractères (il en a {length}).",
    "text_network": "Le texte compte {length} caractères ; {network} en accepte {limit} au "
    "plus : raccourcissez-le.",
    "text_mastodon": "Le texte compte {length} caractères comme Mastodon les compte (un "
    "lien pour 23, une mention @nom@domaine pour @nom) ; faute de connaître la limite de "
    "l'instance, sounding applique à {account} celle de Mastodon par défaut, {limit}, "
    "jusqu'à ce qu'une collecte la lise : raccourcissez-le.",
    "text_instance": "Le texte compte {length} caractères comme Mastodon les compte (un "
    "lien pour 23, une mention @nom@domaine pour @nom) ; l'instance de {account} en accepte "
    "{limit} au plus : raccourcissez-le.",
    "time_format": "« {value} » n'est pas une date et une heure comme 2026-10-01T18:30 (UTC).",
    "time_past": "L'heure de publication {value} (UTC) est passée : choisissez une heure à "
    "venir.",
    "time_far": "L'heure de publication {value} (UTC) est après le 2999-12-31, où le "
    "calendrier s'arrête : choisissez une heure plus proche.",
    "no_item": "Il n'existe aucun contenu « {id} ».",
    "stale_form": "Cette page a été ouverte avant votre dernière connexion, rien n'a donc "
    "été modifié : rechargez-la et recommencez.",
    "no_token": "Le formulaire est arrivé sans son jeton de sécurité, rien n'a donc été "
    "modifié : rechargez la page et envoyez-le depuis celle-ci.",
    "not_reaction": "« {id} » n'est pas une réaction (réponse, citation, commentaire ou "
    "mention d'un autre que la marque) : il ne prend pas d'étiquette de réaction.",
    "queue_missing": "Il n'existe aucune entrée {id} dans la file.",
    "queue_edit": "L'entrée {id} de la file est au statut « {status} » : son texte ne peut "
    "plus être modifié.",
    "queue_approve": "L'entrée {id} de la file est au statut « {status} » : seul un brouillon "
    "peut être approuvé.",
    "queue_unwritten": "L'entrée {id} de la file contient encore le texte provisoire du "
    "planificateur : rédigez d'abord la publication, puis approuvez-la.",
    "queue_schedule": "L'entrée {id} de la file est au statut « {status} » : seule une entrée "
    "approuvée ou programmée peut être programmée.",
    "queue_draft": "L'entrée {id} de la file est au statut « {status} » : seule une entrée "
    "approuvée, programmée ou en échec peut repasser en brouillon.",
    "queue_cancel": "L'entrée {id} de la file est au statut « {status} » : une entrée "
    "publiée ou en cours d'envoi ne peut pas être écartée.",
}
_FR.update({f"refused.{k}": v for k, v in _FR_REFUSALS.items()})
_FR.update({"cluster": "Groupes", "page": "Page"})
_EN: dict[str, str] = {
    **{f"refused.{k}": v for k, v in REFUSALS.items()},
    "colon": ": ",
    "nav.overview": "Overview", "nav.reactions": "Reactions", "nav.items": "Items",
    "bio_words": "Words of their bios", "communities_note": "The {shown} largest of {total}.",
    "period_from": "From", "period_to": "To",
    "no_comparison": "Nothing to compare with: the data start on {first}, after the "
    "previous period.",
    "page_not_found": "There is no such page.",
    "segments_by_index": "Segments by representation index", "standing": "Standing",
    "standing.best_represented": "better represented (interval above 100)",
    "standing.on_par": "on par (interval holds 100)",
    "standing.under_represented": "under-represented (interval below 100)",
    "download_report": "Download the period's report",
    "discard_title": "Discard queue entry {id}?",
    "discard_question": "It will not be published and will leave the queue. Its text:",
    "discard_confirm": "Yes, discard it", "discard_keep": "No, keep it",
    "said_empty": "No reply, quote or mention from {start} to {last}: the data run from "
    "{first} to {newest}; choose a period within.",
    "said_show_data": "Show all of it",
    "role.viewer": "viewer", "role.editor": "editor", "role.admin": "admin",
    "kind.post": "post", "kind.reply": "reply", "kind.quote": "quote",
    "kind.comment": "comment", "kind.mention": "mention", "kind.repost": "repost",
    "nav.queue": "Plan and queue", "nav.thread": "Thread", "sign_in": "Sign in",
    "sign_out": "Sign out", "bad_login": "Wrong name or password.",
    "login_throttled": "Too many failed attempts: wait a little before trying again.",
    "login_expired": "This form has expired: enter your name and password again.",
    "session_ended": "Your session has ended: sign in again to go on.",
    "previous_period": "Previous period", "engagement_rate_per_follower":
    "Engagement rate per follower", "engagement_rate_per_impression":
    "Engagement rate per impression", "reply_rate": "Replies per post",
    "ignored_share": "Share of posts ignored", "share_interest": "Share of interest",
    "share_animosity": "Share of animosity", "share_neutral": "Neutral share",
    "follower_growth": "New followers", "this_period": "this period",
    "reactions_title": "Reactions per week", "by_network": "By network",
    "window_note": "A post is ignored when nothing answers it within {h} h.",
    "no_label": "no label", "next_page": "Next page", "prev_page": "Previous page",
    "no_items": "No item matches.", "scheduled_at": "Scheduled at", "to_draft": "Back to draft",
    "published_item": "Published", "discard": "Discard",
    "queue_empty": "The queue is empty: the planner has proposed nothing yet.",
    "approve_note": "An approved entry is published at its planned time (one already past "
    "moves to the next day at that hour), or at once when it has none: write the post "
    "before approving it.",
    "sending": "sending", "read_only": "Read only",
    "not_allowed": "Your role does not allow this.", "no_data": "No data for this period.",
    "nav.audience": "Audience", "nav.actors": "Actors", "nav.learn": "Test and learn",
    "nav.said": "What is said", "said_title": "What is said",
    "said_basis": "{texts} replies, quotes and mentions from {start} to {last} ({before} in "
    "the days before, from {previous}).", "said_volume": "Reactions per day",
    "said_topics": "Topics",
    "said_without_topic": "Texts in no topic (no topic word: a bare mention, an emoji): {n}.",
    "said_phrases": "Key phrases", "said_other": "other", "said_alerts": "Recent alerts",
    "said_no_alerts": "No alerts.", "trend_rising": "rising", "trend_falling": "falling",
    "trend_steady": "steady", "trend_unmeasured": "no texts the period before",
    "match_rate": "Match rate", "stability": "Stability (ARI)",
    "no_customers": "No customers imported: the representation index cannot be measured "
    "(sounding customers import).",
    "index_note": "Representation index: share among engaged actors ÷ share among "
    "customers × 100 (100 = as many as expected), with its 95% interval. Fewer than {n} "
    "members on either side: the segment is flagged and never ranked.",
    "too_small": "Too small to conclude",
    "none_active": "No segment can be ranked yet: each has fewer than {n} engaged actors.",
    "activity_note": "Engagements per actor per week, "
    "with the 95% interval.", "clustered_actors": "Actors in a community",
    "map": "Map of actors", "map_note": "The {shown} most influential actors (PageRank) of "
    "{total}, the brand's own accounts left out, and their {edges} strongest ties; one "
    "colour per community for the {coloured} largest, smaller ones hollow, actors outside "
    "any community in grey. Drag to pan, wheel to zoom, hover a dot for "
    "details.", "reset": "Reset", "map_needs_js": "The map needs JavaScript; the tables "
    "below say the essentials.", "influential": "Influential actors",
    "bridges_note": "Actors whose ties spread over several communities.",
    "learn_basis": "{posts} posts, {labelled} labelled replies, quotes and comments to them "
    "(mentions are not a post's reactions); exposure: {exposure}.",
    "design_warnings": "Design warnings", "unit_pts": "percentage points",
    "unit_per_1000": "per 1,000", "lower_better": "lower is better",
    "posterior_mean": "Posterior mean", "next_plan": "Next posts proposed",
    "plan_note": "Objective: {objective}; animosity guardrail: {cap}. A proposal only: "
    "nothing is written to the queue.", "queued_drafts": "Drafts already queued",
    "unranked_customer_base": "Not ranked: every customer is in this segment by definition; "
    "its index says how many of the engaged actors are known customers, not whether they are "
    "over- or under-represented.",
    "unranked_reads_customer": "Not ranked: the rule picks customers or non-customers, so the "
    "customer base cannot be its yardstick.",
    **{f"metric_{m}": m for m in ("interest", "engagement", "animosity", "ignored")},
    **{f"exposure_{m}": m for m in ("followers", "impressions")},
    **{w: w for w in ("interest", "animosity", "neutral", "ignored", "human", "model", "draft",
                      "approved", "scheduled", "published", "failed", "cancelled", "thread",
                      "open",
                      "brand", "all", "safe", "risky", "best", "small")},
}
_MESSAGES = {"fr": _FR, "en": _EN}


def translator(lang: str) -> Callable[..., str]:
    """A function from a message key to its text in ``lang`` (English, then the key)."""
    table = _MESSAGES.get(lang, _EN)

    def t(key: str, **values: object) -> str:
        text = table.get(key) or _EN.get(key) or key.replace("_", " ").capitalize()
        return text.format(**values) if values else text
    return t


def refusal_text(key: str, values: Mapping[str, str], lang: str) -> str:
    """A page's refusal in ``lang``; the parameter or status it names is named in that
    language too."""
    t = translator(lang)
    named = {**values, **{k: t(values[k]) for k in ("name", "status") if k in values}}
    return t(f"refused.{key}", **named)


def choose_lang(user_lang: str | None, accept_language: str | None) -> str:
    """The user's choice, else the browser's first language we speak, else English."""
    if user_lang in LANGS:
        return str(user_lang)
    weighted = []
    for part in (accept_language or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        weighted.append((weight, tag.split("-")[0].lower()))
    for _, tag in sorted(weighted, key=lambda w: -w[0]):
        if tag in LANGS:
            return tag
    return "en"


def number(value: object, lang: str, kind: str = "") -> str:
    """A figure as a person reads it: percentages, thousands, the decimal comma in French."""
    if value is None:
        return "–"
    if not isinstance(value, int | float):
        return str(value)
    if kind == "pct":
        text = f"{100 * value:.1f} %"
    elif kind == "pp":  # a change of a share: percentage points
        text = f"{100 * value:.1f} pts"
    elif kind == "rel":  # a relative change, already in percent
        text = f"{value:.0f} %"
    elif isinstance(value, int) or float(value).is_integer():
        text = count_text(int(value), lang)
    else:
        text = f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.4f}"
    return text.replace(".", ",") if lang == "fr" else text


def interval(low: object, high: object, lang: str, kind: str = "") -> str:
    """An interval as the page writes it: each bound a :func:`number`, "[a ; b]" in French."""
    return interval_text(number(low, lang, kind), number(high, lang, kind), lang)
