"""Alert senders: e-mail over SMTP (stdlib smtplib) and signed JSON webhooks (httpx).

Secrets never travel in a channel's configuration: an SMTP password or a webhook secret
is named by an environment variable and read at send time. A webhook's body is signed
with HMAC-SHA256 over ``"{timestamp}." + body``; the receiver recomputes it with
:func:`verify_signature` and rejects old timestamps, which stops replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx

from sounding.errors import ConfigError, InputError, NetworkFailure

__all__ = [
    "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "EmailChannel", "check_env_name", "redact_url",
    "send_email", "send_webhook", "sign", "verify_signature",
]

SIGNATURE_HEADER = "X-Sounding-Signature"
TIMESTAMP_HEADER = "X-Sounding-Timestamp"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_env_name(name: str, option: str) -> str:
    """An environment variable's name (a secret's reference), refusing anything else."""
    if not _ENV_NAME.match(name):
        raise InputError(f"{option} takes the NAME of an environment variable, such as "
                         "SOUNDING_SMTP_PASSWORD", hint="the secret itself is never stored")
    return name


def redact_url(url: str) -> str:
    """A webhook URL as shown to people: scheme and host only (paths may hold tokens)."""
    parsed = httpx.URL(url)
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}/…"


def _secret(name: str, env: Mapping[str, str]) -> str:
    if name not in env:
        raise ConfigError(f"${name} is not set", hint=f"export {name}=... before sending "
                          "(sounding never stores it)")
    return env[name]


@dataclass(frozen=True, slots=True)
class EmailChannel:
    """Where and how to send an alert e-mail."""

    to: tuple[str, ...]
    host: str
    port: int = 25
    sender: str = "sounding@localhost"
    user: str | None = None
    password_env: str | None = None
    tls: str = "none"  # none, starttls or ssl
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EmailChannel:
        return cls(tuple(config["to"]), str(config["host"]), int(config.get("port", 25)),
                   str(config.get("sender") or "sounding@localhost"), config.get("user"),
                   config.get("password_env"), str(config.get("tls", "none")),
                   float(config.get("timeout", 20.0)))


def _smtp(channel: EmailChannel) -> smtplib.SMTP:
    if channel.tls == "ssl":
        return smtplib.SMTP_SSL(channel.host, channel.port, timeout=channel.timeout,
                                context=ssl.create_default_context())
    smtp = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout)
    if channel.tls == "starttls":
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def send_email(channel: EmailChannel, subject: str, body: str,
               env: Mapping[str, str] | None = None) -> None:
    """Send one plain-text e-mail; raises NetworkFailure or ConfigError (never the password)."""
    password = (_secret(channel.password_env, os.environ if env is None else env)
                if channel.password_env else None)
    message = EmailMessage()
    message["From"], message["To"] = channel.sender, ", ".join(channel.to)
    message["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    message.set_content(body)
    try:
        with _smtp(channel) as smtp:
            if channel.user and password is not None:
                smtp.login(channel.user, password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise ConfigError(f"the SMTP server {channel.host} refused the login of "
                          f"{channel.user}", hint=f"check ${channel.password_env}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise NetworkFailure(f"SMTP {channel.host}:{channel.port}: "
                             f"{type(exc).__name__}: {exc}") from exc


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The signature header's value: ``sha256=`` + HMAC-SHA256 of ``"{ts}." + body``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(body: bytes, secret: str, timestamp: str, signature: str, *,
                     tolerance: float = 300.0, now: float | None = None) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(body, secret, ts), signature)


def send_webhook(url: str, payload: dict[str, Any], *, secret_env: str | None = None,
                 timeout: float = 10.0, env: Mapping[str, str] | None = None,
                 client: httpx.Client | None = None) -> int:
    """POST the payload as JSON, signed when a secret is configured; returns the status."""
    body = json.dumps(payload, sort_keys=True, default=str).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "sounding-alerts"}
    if secret_env:
        timestamp = int(time.time())
        secret = _secret(secret_env, os.environ if env is None else env)
        headers[TIMESTAMP_HEADER] = str(timestamp)
        headers[SIGNATURE_HEADER] = sign(body, secret, timestamp)
    try:
        if client is not None:
            response = client.post(url, content=body, headers=headers, timeout=timeout)
        else:
            response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise NetworkFailure(f"webhook {redact_url(url)}: {type(exc).__name__}") from exc
    if response.status_code >= 300:
        raise NetworkFailure(f"webhook {redact_url(url)} answered {response.status_code}")
    return response.status_code
