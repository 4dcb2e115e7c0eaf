"""Mutated exports never crash an import nor leave half of it behind (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sounding.errors import InputError
from sounding.store import Store
from sounding.workflows.import_auto import import_export

from .export_helpers import META_APRIL, META_COMMENTS, RSS, WXR, X_ARCHIVE, fingerprint

SOURCES = {
    "meta.csv": META_APRIL, "comments.csv": META_COMMENTS, "tweets.js": X_ARCHIVE / "data" /
    "tweets.js", "export.xml": WXR, "feed.rss": RSS,
}


def _columns(data: bytes, index: int, duplicate: bool) -> bytes:
    lines = []
    for line in data.split(b"\n"):
        cells = line.split(b",")
        if index < len(cells):
            cells[index:index + 1] = [cells[index]] * 2 if duplicate else []
        lines.append(b",".join(cells))
    return b"\n".join(lines)


@st.composite
def _mutation(draw: st.DrawFn, data: bytes) -> bytes:
    size = max(len(data), 1)
    kind = draw(st.sampled_from(["truncate", "swap", "drop", "duplicate", "garbage",
                                 "encoding"]))
    at = draw(st.integers(0, size - 1))
    if kind == "truncate":
        return data[:at]
    if kind == "swap":
        other = draw(st.integers(0, size - 1))
        out = bytearray(data)
        if out:
            out[at], out[other] = out[other], out[at]
        return bytes(out)
    if kind in ("drop", "duplicate"):
        return _columns(data, draw(st.integers(0, 25)), kind == "duplicate")
    if kind == "garbage":
        junk = draw(st.one_of(st.binary(max_size=12), st.sampled_from(
            [b"-1", b"1.5", b"NaN", b"\"", b"<", b"&x;", b"]]>", b"{", b"\x00", b"9" * 20])))
        return data[:at] + junk + data[at + draw(st.integers(0, 8)):]
    codec = draw(st.sampled_from(["latin-1", "utf-16", "cp1252"]))
    return data.decode("utf-8").encode(codec, "replace")




@pytest.mark.parametrize("name", sorted(SOURCES))
def test_mutated_exports_import_cleanly_or_are_refused_cleanly(name: str) -> None:
    original = SOURCES[name].read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "fuzz.duckdb")
        import_export(store, SOURCES[name], account="brand")  # a store that holds something
        target = Path(folder) / name

        @settings(max_examples=15, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=_mutation(original))
        def check(data: bytes) -> None:
            target.write_bytes(data)
            before = fingerprint(store)
            try:
                report = import_export(store, target, account="brand")
            except InputError as exc:
                assert str(exc)  # a clear message...
                assert fingerprint(store) == before  # ...and nothing written
                return
            assert report.rejected == 0
            again = import_export(store, target, account="brand")
            assert (again.new, again.updated, again.snapshots_added) == (0, 0, 0)

        try:
            check()
        finally:
            store.close()
