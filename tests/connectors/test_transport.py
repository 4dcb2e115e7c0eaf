"""A service that does not answer is named with the one reason a person can act on."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from sounding.connectors import mastodon
from sounding.connectors.transport import no_answer_reason
from sounding.connectors.wordpress import api_root
from sounding.errors import InputError, NetworkFailure
from sounding.store import Store
from sounding.workflows.accounts import add_account

# What requests/urllib3 and httpx say, as they say it
RESOLVER = ("Could not complete request: HTTPSConnectionPool(host='mastodon.invalid', "
            "port=443): Max retries exceeded with url: /api/v2/instance/ (Caused by "
            "NameResolutionError(\"HTTPSConnection(host='mastodon.invalid', port=443): Failed "
            "to resolve 'mastodon.invalid' ([Errno -2] Name or service not known)\"))")


@pytest.mark.parametrize(("message", "reason"), [
    (RESOLVER, "its name does not resolve"),
    ("[Errno -3] Temporary failure in name resolution", "its name does not resolve"),
    ("HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded (Caused by "
     "NewConnectionError('<urllib3.connection.HTTPConnection>: Failed to establish a new "
     "connection: [Errno 111] Connection refused'))", "connection refused"),
    ("HTTPSConnectionPool(host='x.example', port=443): Read timed out. (read timeout=5)",
     "timed out"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
     "its TLS certificate was not accepted"),
    ("('Connection aborted.', RemoteDisconnected('Remote end closed connection'))",
     "the connection was dropped"),
    ("HTTPSConnectionPool(host='x.example', port=443): Max retries exceeded (Caused by "
     "SSLError(SSLEOFError(8, '[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation "
     "of protocol (_ssl.c:1000)')))", "the TLS connection failed"),
    ("HTTPSConnectionPool(host='x.example', port=443): Max retries exceeded (Caused by "
     "SSLError(CertificateError(\"hostname 'x.example' doesn't match 'other.example'\")))",
     "its TLS certificate was not accepted"),
])
def test_a_transport_error_reads_as_its_reason(message: str, reason: str) -> None:
    assert no_answer_reason(message) == reason


def test_an_unknown_error_is_kept_on_one_short_line() -> None:
    said = no_answer_reason("something\n   odd " + "x" * 400)
    assert said.startswith("something odd x") and "\n" not in said and len(said) == 160


def test_a_mastodon_instance_that_refuses_the_connection_says_so_in_a_line() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkFailure) as caught:
        mastodon.read_text_limit(f"http://127.0.0.1:{port}", session=requests.Session())
    assert str(caught.value) == f"mastodon: 127.0.0.1:{port} did not answer (connection refused)"


def test_a_server_that_does_not_speak_tls_is_a_failed_connection_not_a_certificate() -> None:
    """A plain HTTP answer where TLS was expected: the handshake fails before any
    certificate is read, and the reason does not send the user after one."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        port = listener.getsockname()[1]

        listener.settimeout(2)  # the thread ends soon after the last connection

        def answer_in_plain_text() -> None:
            while True:  # once, unless the client retries
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(1024)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

        answering = threading.Thread(target=answer_in_plain_text, daemon=True)
        answering.start()
        with pytest.raises(NetworkFailure) as caught:
            mastodon.read_text_limit(f"https://127.0.0.1:{port}", session=requests.Session())
        answering.join(timeout=10)
    assert str(caught.value) == (f"mastodon: 127.0.0.1:{port} did not answer "
                                 "(the TLS connection failed)")


def test_an_address_with_a_password_is_refused_before_it_is_stored_or_printed(
        store: Store) -> None:
    with pytest.raises(InputError, match="holds a user name or password") as wp:
        api_root("https://admin:s3cret@blog.example")
    assert "s3cret" not in str(wp.value) + wp.value.hint
    with pytest.raises(InputError, match="holds a user name or password") as masto:
        add_account(store, "mastodon", "bot", service_url="https://bot:s3cret@social.example")
    assert "s3cret" not in str(masto.value) + masto.value.hint
    assert store.scalar("SELECT count(*) FROM accounts") == 0
