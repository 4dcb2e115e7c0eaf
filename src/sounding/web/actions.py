"""The forms that change things: correct a reaction label, edit, move and discard queue
entries.

Each needs a signed-in editor or admin and the session's CSRF token; a viewer gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from sounding.errors import InputError, NotFound, PostUnwritten, SoundingError, TextTooLong
from sounding.models import REACTIONS
from sounding.report.views_refusals import Refused, RefusedMissing
from sounding.store import Store
from sounding.store import web_store as ws
from sounding.web.auth import check_form, current, request_lang
from sounding.web.pages import error_page, form_refused, status_of
from sounding.web.render import html_page, local_path
from sounding.workflows import labels, queue_view
from sounding.workflows.queue import CANCELLABLE, LATEST
from sounding.workflows.users import Session

__all__ = ["install_actions"]

Token = Annotated[str, Form()]


def _editor(request: Request, token: str, back: str) -> Session | Response:
    """The session of an editor's form, or the page refusing it (sign in again, reload,
    or a role that may not edit)."""
    session = current(request)
    refused = check_form(session, token, edit=True)
    if refused or session is None:
        return form_refused(request, session, refused or 401, back,
                            token_sent=bool(token))
    return session


def _act(request: Request, token: str, next_path: str, action: Callable[[str], None],
         typed: str | None = None) -> Response:
    """Run ``action(username)`` if the form may change things, then go back to the page.
    A refusal links back to that page, and gives back the ``typed`` text in a form to
    correct and send again."""
    back = local_path(next_path, "/overview")
    session = _editor(request, token, back)
    if not isinstance(session, Session):
        return session
    try:
        action(session.username)
    except SoundingError as exc:
        retry = None if typed is None else {"action": request.url.path, "text": typed}
        return error_page(request, exc, status_of(exc), back=back, retry=retry)
    return RedirectResponse(back, status_code=303)


def _when(text: str) -> datetime:
    """The form's time, read as UTC (the form says so), refused when it has passed."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused("time_format", value=text) from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    try:
        shown = when.astimezone(UTC).isoformat(" ", "minutes")[:16]  # year 1 as 0001
    except OverflowError:  # 0001-01-01T00:00+01:00: before the calendar's start
        raise Refused("time_format", value=text) from None
    if when <= datetime.now(UTC):
        raise Refused("time_past", value=shown)
    if when > LATEST:
        raise Refused("time_far", value=shown)
    return when


def _text(text: str) -> str:
    """A queued text as the networks get it: plain line ends (a browser's form sends
    CR LF), no blank edges, within the length a post may have."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text or len(text) > queue_view.MAX_TEXT:
        raise Refused("text_length", limit=queue_view.MAX_TEXT, length=len(text))
    return text


def _label(label: str) -> str:
    if label not in REACTIONS:
        raise Refused("unknown_value", value=label, name="label",
                      allowed=", ".join(REACTIONS))
    return label


def _on_queue(store: Store, queue_id: int, action: str, change: Callable[[], None]
              ) -> Callable[[str], None]:
    """The form's action: a queue workflow's ``change``; when the workflow refuses the entry
    (gone, or in a status ``action`` does not apply to), the refusal gets a key the page
    words in its reader's language. The form's own inputs (checked inside ``change``, as
    :class:`Refused`) pass through."""
    def run(_: str) -> None:
        try:
            change()
        except Refused:
            raise
        except TextTooLong as exc:
            # a text over the limit a Mastodon instance set is worded as the instance's
            key = ("text_mastodon" if exc.assumed else
                   "text_instance" if exc.network == "mastodon" else "text_network")
            raise Refused(key, network=exc.network.capitalize(), account=exc.account,
                          length=exc.length, limit=exc.limit) from exc
        except PostUnwritten as exc:
            raise Refused("queue_unwritten", id=queue_id) from exc
        except (InputError, NotFound) as exc:
            row = ws.queue_row(store, queue_id)
            if row is None:
                raise RefusedMissing("queue_missing", id=queue_id) from exc
            raise Refused(f"queue_{action}", id=queue_id, status=row["status"]) from exc
    return run


def _correct(store: Store, item_id: str, label: str, user: str) -> None:
    """A label correction; an item that does not exist, or that is no reaction (the label
    being known, that is what the workflow refuses), is refused in the page's words."""
    label = _label(label)
    try:
        labels.correct_label(store, item_id, label, user)
    except NotFound as exc:
        raise RefusedMissing("no_item", id=item_id) from exc
    except InputError as exc:
        raise Refused("not_reaction", id=item_id) from exc


def _confirm_discard(request: Request, store: Store, queue_id: int, token: str,
                     next_path: str) -> Response | None:
    """The page asking whether to discard an entry (one click on Discard discards nothing;
    the page's own button does); None when there is nothing to confirm: the entry is gone
    or may not be discarded, which the discard itself then refuses in the reader's words."""
    back = local_path(next_path, "/queue")
    session = _editor(request, token, back)
    if not isinstance(session, Session):
        return session
    entry = ws.queue_row(store, queue_id)
    if entry is None or entry["status"] not in CANCELLABLE:
        return None
    return html_page(request, "confirm_discard.html", {"entry": entry, "back": back},
                     lang=request_lang(request, session), session=session)


def install_actions(app: FastAPI, store: Store) -> None:
    """The POST routes behind the dashboard's forms."""

    @app.post("/items/label")
    def label(request: Request, item_id: Token = "", label: Token = "",
              csrf_token: Token = "", next: Token = "/items") -> Response:
        return _act(request, csrf_token, next,
                    lambda user: _correct(store, item_id, label, user))

    @app.post("/queue/{queue_id:int}/edit")
    def edit(request: Request, queue_id: int, text: Token = "", csrf_token: Token = "",
             next: Token = "/queue") -> Response:
        return _act(request, csrf_token, next, _on_queue(
            store, queue_id, "edit", lambda: queue_view.edit_text(store, queue_id, _text(text))),
            typed=text)

    @app.post("/queue/{queue_id:int}/approve")
    def approve(request: Request, queue_id: int, csrf_token: Token = "",
                next: Token = "/queue") -> Response:
        return _act(request, csrf_token, next, _on_queue(
            store, queue_id, "approve", lambda: queue_view.approve(store, queue_id)))

    @app.post("/queue/{queue_id:int}/schedule")
    def schedule(request: Request, queue_id: int, when: Token = "", csrf_token: Token = "",
                 next: Token = "/queue") -> Response:
        return _act(request, csrf_token, next, _on_queue(
            store, queue_id, "schedule", lambda: queue_view.schedule(store, queue_id, _when(when))))

    @app.post("/queue/{queue_id:int}/cancel")
    def cancel(request: Request, queue_id: int, csrf_token: Token = "", confirm: Token = "",
               next: Token = "/queue") -> Response:
        if confirm != "yes":
            asked = _confirm_discard(request, store, queue_id, csrf_token, next)
            if asked is not None:
                return asked
        return _act(request, csrf_token, next, _on_queue(
            store, queue_id, "cancel", lambda: queue_view.discard(store, queue_id)))

    @app.post("/queue/{queue_id:int}/draft")
    def draft(request: Request, queue_id: int, csrf_token: Token = "",
              next: Token = "/queue") -> Response:
        return _act(request, csrf_token, next, _on_queue(
            store, queue_id, "draft", lambda: queue_view.to_draft(store, queue_id)))
