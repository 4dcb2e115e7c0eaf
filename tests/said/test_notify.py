"""Senders against real local servers: SMTP with login, webhooks signed with HMAC."""

from __future__ import annotations

import json
import time

import pytest
from tests.said.servers import free_port, smtp_server, webhook_server

from sounding.connectors.notify import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EmailChannel,
    check_env_name,
    redact_url,
    send_email,
    send_webhook,
    sign,
    verify_signature,
)
from sounding.errors import ConfigError, InputError, NetworkFailure

PASSWORD = "pw-Zq81-never-printed"


def test_email_is_sent_with_login() -> None:
    with smtp_server(password=PASSWORD) as (inbox, port):
        channel = EmailChannel(("team@example.com",), "127.0.0.1", port, "bot@example.com",
                               "alerts", "SMTP_PW_TEST")
        send_email(channel, "spike\r\nBcc: evil@example.com", "body text",
                   env={"SMTP_PW_TEST": PASSWORD})
    assert len(inbox.messages) == 1
    data = inbox.messages[0].content.decode()
    assert inbox.messages[0].rcpt_tos == ["team@example.com"]
    assert "Subject: spike  Bcc: evil@example.com" in data  # no header injection
    assert inbox.logins and PASSWORD not in data


def test_email_errors_never_show_the_password() -> None:
    with smtp_server(password="other") as (inbox, port):
        channel = EmailChannel(("a@example.com",), "127.0.0.1", port, user="alerts",
                               password_env="SMTP_PW_TEST")
        with pytest.raises(ConfigError) as refused:
            send_email(channel, "s", "b", env={"SMTP_PW_TEST": PASSWORD})
        with pytest.raises(ConfigError, match="SMTP_PW_TEST is not set"):
            send_email(channel, "s", "b", env={})
    assert PASSWORD not in str(refused.value) and not inbox.messages
    with pytest.raises(NetworkFailure):
        send_email(EmailChannel(("a@example.com",), "127.0.0.1", free_port(), timeout=2),
                   "s", "b", env={})


def test_webhook_is_signed_and_verifiable() -> None:
    with webhook_server() as (hook, url):
        status = send_webhook(url, {"message": "spike", "n": 3}, secret_env="HOOK_SECRET",
                              env={"HOOK_SECRET": "k3y"})
    assert status == 200 and len(hook.requests) == 1
    headers, body = hook.requests[0]
    assert json.loads(body) == {"message": "spike", "n": 3}
    assert verify_signature(body, "k3y", headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
    assert not verify_signature(body + b" ", "k3y", headers[TIMESTAMP_HEADER],
                                headers[SIGNATURE_HEADER])
    assert not verify_signature(body, "wrong", headers[TIMESTAMP_HEADER],
                                headers[SIGNATURE_HEADER])
    old = int(time.time()) - 3600
    assert not verify_signature(body, "k3y", str(old), sign(body, "k3y", old))


def test_webhook_failures_are_network_failures_without_the_url_path() -> None:
    with webhook_server() as (hook, url):
        hook.status = 500
        with pytest.raises(NetworkFailure) as failed:
            send_webhook(url, {"a": 1})
    assert "token=abc" not in str(failed.value) and "500" in str(failed.value)
    assert redact_url(url).endswith("/…") and "hooks" not in redact_url(url)


def test_secret_options_take_names_only() -> None:
    assert check_env_name("SOUNDING_SMTP_PASSWORD", "--password-env")
    with pytest.raises(InputError):
        check_env_name("hunter2!", "--password-env")
