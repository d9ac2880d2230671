"""What YAML silently accepts, the spec reader rejects, with a position."""

from __future__ import annotations

import pytest

from mwaaform.spec.source import SourceError, parse_yaml, read_source


def error_of(text: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_yaml(text, "x.yaml")
    return caught.value


def test_positions_of_keys_and_items():
    source = parse_yaml("a:\n  b: [1, 2]\n  c:\n    - d: 3\n", "x.yaml")
    assert source.data == {"a": {"b": [1, 2], "c": [{"d": 3}]}}
    assert (source.positions[("a", "b")].line, source.positions[("a", "b")].col) == (2, 3)
    assert source.positions[("a", "c", 0, "d")].line == 4
    # a path without its own position falls back to its closest ancestor
    assert source.position(("a", "c", 0, "d", "missing")).line == 4


def test_duplicate_key_names_both_lines():
    error = error_of("a: 1\nb: 2\na: 3\n")
    assert (error.position.line, error.position.col) == (3, 1)
    assert "duplicate key 'a'" in error.message and "line 1" in error.message


def test_tab_indentation_rejected():
    error = error_of("a:\n\tb: 1\n")
    assert error.position.line == 2
    assert "tab" in error.message


def test_tab_inside_a_value_is_fine():
    assert parse_yaml("a: 'x\ty'\n", "x.yaml").data == {"a": "x\ty"}


@pytest.mark.parametrize("text, expected", [("", "empty"), ("# only a comment\n", "empty"), ("- 1\n", "not a list"), ("3\n", "single value")])
def test_not_a_mapping(text, expected):
    assert expected in error_of(text).message


def test_syntax_error_has_line():
    error = error_of("a: [1, 2\nb: 3\n")
    assert error.position.line >= 2
    assert error.message.startswith("invalid YAML")


def test_merge_keys_are_resolved():
    data = parse_yaml("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", "x.yaml").data
    assert data["c"] == {"x": 1, "y": 2}


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("account:\n  owner: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        read_source(path, "latin.yaml")
    assert caught.value.position.line == 2
    assert "not UTF-8" in caught.value.message


def test_utf8_bom_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert read_source(path).data == {"a": 1}


def test_jinja_values_and_line_numbers(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text('{% set team = "analytics" %}\nteam: {{ team }}\nname: {{ team }}-dev\n')
    source = read_source(path)
    assert source.data == {"team": "analytics", "name": "analytics-dev"}
    assert source.positions[("name",)].line == 3  # the set line keeps its line


def test_jinja_undefined_points_at_line(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text("a: 1\nb: {{ missing }}\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "j.yaml")
    assert caught.value.position.line == 2
    assert "'missing' is undefined" in caught.value.message


def test_jinja_syntax_error_points_at_line(tmp_path):
    path = tmp_path / "j.yaml"
    path.write_text("a: 1\n\nb: {{ oops \n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "j.yaml")
    assert caught.value.position.line == 3


def test_recursive_alias_is_an_error_not_a_crash():
    error = error_of("x: &a [*a]\n")
    assert error.position.line == 1 and "alias refers to a value that contains it" in error.message


def test_alias_bomb_is_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcde", "bcdef", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    error = error_of("\n".join(lines) + "\n")
    assert "more than 100,000 values" in error.message


def test_plain_aliases_still_work():
    source = parse_yaml("base: &b {min: 1, max: 3}\nworkers: *b\n", "x.yaml")
    assert source.data["workers"] == {"min": 1, "max": 3}


def test_templates_are_sandboxed(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("team: \"{{ self.__init__.__globals__.__builtins__.__import__('os').getcwd() }}\"\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "x.yaml")
    assert "unsafe" in caught.value.message


def test_undefined_template_name_hints_at_raw(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nlog: \"{{ ti.dag_id }}\"\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "x.yaml")
    assert caught.value.position.line == 2 and "{% raw %}" in caught.value.message
    path.write_text("a: 1\nlog: \"{% raw %}{{ ti.dag_id }}{% endraw %}\"\n")
    assert read_source(path, "x.yaml").data["log"] == "{{ ti.dag_id }}"


# libyaml composes the tree of a valid spec; PyYAML's pure-Python composer decides everything else.
_SAME_EITHER_WAY = [
    "account: {id: '1'}\nlist: [a, b, {c: d}]\nnested:\n  - x: 1\n    y: [2.10, true, ~]\n",
    "a: caf\u00e9 \U0001F600\nb: [\u00e9, x]\n",  # columns after characters beyond ASCII
    "a: b\n  c\n",  # invalid: libyaml's message would differ
    "a: x\tb\n",  # tab between tokens: libyaml accepts it
    "a: {? b : c}\n",  # '?' key in a flow mapping: libyaml accepts it
    "wor\ufeffkers: {min: 1}\n",  # libyaml does not count a BOM inside the text as a column
    "a: &x [1]\nb: *x\n",  # aliases
    "a: " + "[" * 45 + "]" * 45 + "\n",  # nesting beyond MAX_DEPTH
    "# nothing\n",
]


@pytest.mark.parametrize("text", _SAME_EITHER_WAY)
def test_libyaml_fast_path_reads_like_pyyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from mwaaform.spec import source

    def outcome() -> object:
        try:
            parsed = source.parse_yaml(text, "x.yaml")
        except source.SourceError as exc:
            return str(exc)
        return parsed.data, parsed.positions, parsed.written

    fast = outcome()
    monkeypatch.setattr(source, "_compose_fast", lambda text: source._SLOW)
    assert fast == outcome()
