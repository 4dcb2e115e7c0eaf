"""The one exception tree of sounding (layer L0).

::

    SoundingError                   final unless marked transient
    ├── ConfigError                 a missing or invalid setting
    │   └── CredentialRejected      a network refused the password or token
    ├── StoreError                  the workspace database
    │   ├── WorkspaceBusy           another process holds the write lock (transient)
    │   └── MigrationError          the file's schema cannot be upgraded
    ├── InputError                  a file or payload the user gave is wrong
    │   ├── BadValue                a value at a key of a TOML file; ``key`` locates it
    │   ├── ImportRejected          an import found bad rows; nothing was written
    │   └── PostRejected            a network (or its limits) refused a post
    │       ├── TextTooLong         longer than its network takes; ``length``, ``limit``
    │       └── PostUnwritten       still the planner's placeholder: nothing to publish
    ├── NotFound                    an id, account or table that does not exist
    ├── NetworkFailure              a network did not answer, or failed (transient)
    │   └── RateLimited             429: wait ``retry_after`` seconds (transient)
    ├── NetworkRefused              a network refused a request (4xx); asking again won't help
    └── ServerError                 the workspace server answered with an error
        └── ServerUnavailable       the server did not answer (transient)

Every error carries a ``hint``: what the person should do next. The CLI prints the
message and the hint on one line each and exits non-zero; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

__all__ = [
    "BadValue",
    "ConfigError",
    "CredentialRejected",
    "ImportRejected",
    "InputError",
    "MigrationError",
    "NetworkFailure",
    "NetworkRefused",
    "NotFound",
    "PostRejected",
    "PostUnwritten",
    "Problem",
    "RateLimited",
    "ServerError",
    "ServerUnavailable",
    "SoundingError",
    "StoreError",
    "TextTooLong",
    "WorkspaceBusy",
    "cannot_write",
    "missing_file",
    "unusable_path",
]


class SoundingError(Exception):
    """Base of every error sounding raises on purpose."""

    transient = False
    hint = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ConfigError(SoundingError):
    """A setting is missing or invalid."""

    hint = "see 'sounding --help' for the flags and environment variables"


class CredentialRejected(ConfigError):
    """A network refused the credential; the hint names the setting to fix."""


class StoreError(SoundingError):
    """The workspace database could not be read or written."""


class WorkspaceBusy(StoreError):
    """Another process holds the workspace's write lock for longer than we waited."""

    transient = True
    hint = "wait for the other command to finish, or start 'sounding serve' so commands share it"


class MigrationError(StoreError):
    """The workspace was written by a newer sounding or its schema is damaged."""

    hint = "upgrade sounding, or open the workspace with the version that wrote it"


class InputError(SoundingError):
    """A file or value the user gave cannot be used."""


class BadValue(InputError):
    """A value in a parsed TOML file is wrong. ``key`` is its path (``("segment", "big",
    "followers")``): the parsed document has no positions, so the loader that holds the
    text finds the line with it."""

    def __init__(self, message: str, *, key: tuple[str, ...] = (),
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.key = key


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad place in an input file: where it is and what was expected there."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class ImportRejected(InputError):
    """An import found bad rows; the store was left untouched."""

    hint = "fix the lines above, or add --keep-good to store the good rows and write the rejects"

    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        self.total = len(problems) if total is None else total
        first = problems[0].file if problems else "input"
        super().__init__(f"{first}: {self.total} problem(s), nothing imported")
        if problems and all(p.message.startswith("required column is missing")
                            for p in problems):
            self.hint = ("a missing column cannot be skipped: name it in the file, or map "
                         "the file's column with --map NAME=COLUMN")
        elif problems and all(p.line is None for p in problems):  # no row to set aside
            self.hint = "fix what is said above: it concerns the whole file"


class PostRejected(InputError):
    """A post was refused, by the network or by its limits checked before sending."""


class TextTooLong(PostRejected):
    """A text longer than its network takes, as that network counts: pages word the refusal
    from ``account``, ``network``, ``length`` and ``limit``, and ``assumed`` (the limit is
    the network's default, the account's own server never having said its own); ``note``
    says how the network counts, or where the limit comes from, when that is not plain."""

    hint = "shorten the text"

    def __init__(self, account: str, network: str, length: int, limit: int,
                 note: str = "", *, assumed: bool = False) -> None:
        super().__init__(f"{account}: the text has {length} characters as "
                         f"{network.capitalize()} counts them; it takes {limit}"
                         + (f" ({note})" if note else ""))
        self.account, self.network, self.length, self.limit = account, network, length, limit
        self.assumed = assumed


class PostUnwritten(PostRejected):
    """A queued text that is still the planner's placeholder: publishing it would post the
    placeholder itself."""

    hint = "write the post itself in place of the placeholder"


class NetworkFailure(SoundingError):
    """A network could not be reached or failed on its side; worth a retry."""

    transient = True
    hint = "the network may be down or slow; run the same command again to resume"


class RateLimited(NetworkFailure):
    """A network asked us to slow down."""

    def __init__(self, message: str, *, retry_after: float | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class NetworkRefused(SoundingError):
    """A network answered 4xx (not 401 or 429): the same request would be refused again.

    ``reason`` is the network's own explanation, kept so the person can act on it.
    """

    hint = "the network's reason is above; change what it refused before trying again"

    def __init__(self, message: str, *, status: int | None = None, reason: str = "",
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.reason = reason or message


class NotFound(SoundingError):
    """Something named by the user does not exist."""


class ServerError(SoundingError):
    """The workspace server refused or failed a request."""


class ServerUnavailable(ServerError):
    """The workspace server did not answer."""

    transient = True
    hint = "check that 'sounding serve' is running, or stop it to work on the file directly"


def missing_file(path: object, what: str = "file") -> InputError:
    """The error for a path that names no ``what``, with where a relative path starts; a
    folder where a file was expected is called a folder, not missing."""
    if "folder" not in what and os.path.isdir(str(path)):
        article = "an" if what[:1] in "aeiou" else "a"
        return InputError(f"{path}: a folder, where {article} {what} was expected",
                          hint="give the file itself, with its path inside the folder")
    return InputError(f"{path}: no such {what}",
                      hint="check the path; a relative one starts from the current folder")


def check_seed(seed: int, default: int) -> None:
    """Refuse a negative seed before any work: numpy would refuse it only later, once
    folders are emptied or labels read."""
    if seed < 0:
        raise InputError(f"--seed {seed}: a seed is a whole number, 0 or more",
                         hint=f"give --seed a number such as {default} (the default)")


def invalid_json(exc: json.JSONDecodeError) -> str:
    """'invalid JSON (Unterminated string starting at column 46)': where json's message
    already ends in 'at' (before the position it leaves out), the column follows it."""
    return f"invalid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})"


def unusable_path(exc: OSError) -> InputError:
    """The error for a file an operation could not open (no permission, a folder where a
    file was expected): named with the system's reason, rather than as a crash."""
    if isinstance(exc, IsADirectoryError):
        why = "a folder, where a file was expected"
    elif isinstance(exc, FileNotFoundError):
        why = "no such file or folder"
    else:
        why = (exc.strerror or type(exc).__name__).lower()
    return InputError(f"{exc.filename}: {why}",
                      hint="check the path, and that you may read it (or write there)")


def cannot_write(path: object, exc: OSError) -> InputError:
    """The error for an output path that cannot be written (a folder, no permission)."""
    why = "it is a folder" if isinstance(exc, IsADirectoryError) else (exc.strerror or str(exc))
    return InputError(f"cannot write {path}: {why}",
                      hint="choose a file in a folder you can write to")
