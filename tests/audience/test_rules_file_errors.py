"""A bad segments.toml is one clear error naming the file, the segment and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sounding.errors import InputError
from sounding.workflows.audience import load_rules


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "segments.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "said"), [
    ('[segment.big]\nfollowers = { min = "1000" }\n',
     "segment 'big', field 'followers': min takes a number, found \"1000\""),
    ("[segment.big]\nfollowers = { min = 5000, max = 1000 }\n",
     "segment 'big', field 'followers': min 5000 is above max 1000: the range is empty"),
    ("[segment.big]\nfollowers = { min = true }\n", "min takes a number, found true"),
    ("[segment.big]\nfollowers = { max = nan }\n", "max takes a number, found nan, which"),
    ("[segment.big]\nfollowers = nan\n", "found nan, which nothing equals"),
    ("[segment.fr]\nlang = [{ a = 1 }]\n", "found a table inside a list"),
    ("[segment.fr]\nlang = 10:00:00\n", "found the time 10:00:00"),
    ("[segment.\"\"]\nlang = \"fr\"\n", "a segment's name cannot be empty"),
    ("[segment.\"  \"]\nlang = \"fr\"\n", "a segment's name cannot be empty"),
    ("[segment.cluster_1]\nlang = \"fr\"\n", "segment 'cluster_1': the name is sounding's own"),
    ("[segment.customers]\nlang = \"fr\"\n", "segment 'customers': the name is sounding's own"),
    ("[segment.big]\nfollowers = { mini = 3 }\n", "a range takes min and/or max"),
    ("[segment.fr]\nlang = [[\"fr\"]]\n",
     "segment 'fr', field 'lang': expected a text, a number, true or false (or a list of "
     "them), found a list inside a list"),
    ("[segment.fr]\nlang = { words = [] }\n", "words takes a list of words"),
    ("[segment.fr]\nsince = 2026-01-01\n", "found the date 2026-01-01"),
    ("[segment.fr]\nlabel = 3\nlang = \"fr\"\n", "segment 'fr', field 'label': expected a text"),
    ("[segments.fr]\nlang = \"fr\"\n", "expected [segment.NAME] tables"),
    ("title = \"mine\"\n[segment.fr]\nlang = \"fr\"\n", "unknown table or key 'title'"),
    ("[segment.fr\nlang = \"fr\"\n", "not valid TOML"),
])
def test_a_bad_rule_names_the_file_segment_and_field(tmp_path: Path, text: str,
                                                     said: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}") and said in str(caught.value)
    assert caught.value.hint


_RULES = """# segments of the launch
[segment.fr]
lang = "fr"
note = '''
[segment."big ones"]
followers = "a line of a text, not a table"
'''

[segment."big ones"]  # a quoted name
label = "Big"
followers = { min = 1000, max = 50000 }
plan.min = 3
# more
"""


@pytest.mark.parametrize(("old", "new", "said"), [
    ("max = 50000", "max = 50",
     "line 11: segment 'big ones', field 'followers': min 1000 is above max 50"),
    ("min = 3", 'min = "3"', "line 12: segment 'big ones', field 'plan': min takes a number"),
    ("# more", "[segment.empty]", "line 13: segment 'empty' has no condition"),
    ("# more", "[segment]\nsmall = 3", "line 14: segment 'small': expected a table"),
    ("# more", "[segment]\nsmall = { lang = [] }", "line 14: segment 'small', field 'lang'"),
    ("# more", "[segment.x]\nlabel = 3\nlang = 'fr'", "line 14: segment 'x', field 'label'"),
    ("# more", "[title]\nname = 'mine'", "line 13: unknown table or key 'title'"),
])
def test_a_bad_rule_names_its_line(tmp_path: Path, old: str, new: str, said: str) -> None:
    """Each fault is found by its line, past a multi-line string that looks like rules."""
    path = _file(tmp_path, _RULES.replace(old, new))
    with pytest.raises(InputError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}, {said}")


def test_a_rule_whose_line_cannot_be_found_names_the_file_only(tmp_path: Path) -> None:
    path = _file(tmp_path, 'segment = { fr = { lang = [] } }\n')
    with pytest.raises(InputError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}: segment 'fr', field 'lang'")


def test_a_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = _file(tmp_path, '[segment.fr]\nlang = "fr"\nlabel = "Fran\xe7ais"\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"segments\.toml, line 3: not UTF-8 text \(byte 0xe7\)"):
        load_rules(path)


def test_a_folder_is_not_a_rules_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        load_rules(tmp_path)


def test_good_rules_still_load(tmp_path: Path) -> None:
    path = _file(tmp_path, '[segment.big]\nlabel = "Big"\nfollowers = { min = 1000, max = 1e6 }'
                           '\n[segment.fr]\nlang = ["fr", "FR-ca"]\ncustomer = true\n')
    big, fr = load_rules(path)
    assert (big.label, big.conditions[0].low, big.conditions[0].high) == ("Big", 1000, 1e6)
    assert [c.field for c in fr.conditions] == ["lang", "customer"]


def test_a_field_no_actor_or_customer_has_is_refused(tmp_path: Path) -> None:
    from sounding.store import Store
    from sounding.workflows.audience import segments

    path = _file(tmp_path, '[segment.fr]\nlang = "fr"\n[segment.loyal]\nplann = "weekly"\n')
    with Store.open(tmp_path / "w.duckdb") as store:
        with pytest.raises(InputError, match=r"segments\.toml, line 4: segment 'loyal', field "
                                             r"'plann': no actor or customer has this field"
                           ) as caught:
            segments(store, rules=str(path), cluster=False)
        assert "followers" in caught.value.hint  # the fields it could have meant
        _file(tmp_path, '[segment.fr]\nlang = "fr"\n[segment.c]\nfollowers = 1\n')
        assert [s.name for s in segments(store, rules=str(path), cluster=False).segments
                ] == ["fr", "c"]
        # without clusters, a rule on one would be a segment of nobody
        _file(tmp_path, '[segment.fr]\nlang = "fr"\n[segment.c]\ncluster = 1\n')
        with pytest.raises(InputError, match=r"line 4: segment 'c', field 'cluster': there "
                                             "are no behavioural clusters"):
            segments(store, rules=str(path), cluster=False)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    """Notepad's UTF-8 mark made the file 'not valid TOML' with the hint that it is UTF-8."""
    rules = load_rules(_file(tmp_path, b'\xef\xbb\xbf[segment.fr]\nlang = "fr"\n'))
    assert [r.name for r in rules] == ["fr"]
