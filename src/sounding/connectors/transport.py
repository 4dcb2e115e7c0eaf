"""Why a service did not answer, in a few words: the transport's errors quote whole
connection pools and resolver internals, which bury the one fact a person can act on."""

from __future__ import annotations

__all__ = ["no_answer_reason"]

# (words found in the transport's message, what they mean), the first that matches wins
_REASONS = (
    (("Name or service not known", "Failed to resolve", "NameResolutionError",
      "nodename nor servname", "Temporary failure in name resolution", "getaddrinfo failed"),
     "its name does not resolve"),
    (("Connection refused", "ConnectionRefusedError", "ECONNREFUSED"), "connection refused"),
    (("timed out", "Timeout", "TimeoutError"), "timed out"),
    (("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "SSLCertVerificationError",
      "CertificateError", "doesn't match", "hostname mismatch"),
     "its TLS certificate was not accepted"),
    (("SSLError", "SSLEOFError", "SSL:", "TLS/SSL"), "the TLS connection failed"),
    (("Connection reset", "RemoteDisconnected", "Connection aborted"),
     "the connection was dropped"),
)
_LONGEST = 160


def no_answer_reason(message: str) -> str:
    """A short reason for a transport error's ``message``; the message itself, cut to a
    line, when it is none of the known kinds."""
    for words, reason in _REASONS:
        if any(word in message for word in words):
            return reason
    text = " ".join(message.split())
    return text if len(text) <= _LONGEST else text[:_LONGEST - 1] + "…"
