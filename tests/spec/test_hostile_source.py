"""Hostile and sloppy spec text: every case is a SourceError at its line, never a crash or a hang."""

from __future__ import annotations

import pytest

from mwaaform.spec.source import SourceError, read_source


def read(tmp_path, text: str):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return read_source(path, "x.yaml")


def error_of(tmp_path, text: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read(tmp_path, text)
    return caught.value


# The five crash signatures of issue 14, each now an error at its line.


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x9b", "\x85", "\u2028"])
def test_control_characters_are_refused_at_their_place(tmp_path, char):
    error = error_of(tmp_path, f"a: 1\nb: x{char}y\n")
    assert (error.position.line, error.position.col) == (2, 5)
    assert f"U+{ord(char):04X}" in error.message


def test_merge_key_on_a_list_is_an_error_at_the_mapping(tmp_path):
    error = error_of(tmp_path, "a: &a [1, 2]\nb:\n  <<: *a\n")
    assert error.position.line == 3
    assert "merge key" in error.message and "line 1" in error.message


def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path):
    error = error_of(tmp_path, "a: 1\nb: " + "[" * 500 + "]" * 500 + "\n")
    assert error.position.line == 2 and "nested more than" in error.message


@pytest.mark.parametrize("tag", ["{% include 'other.yaml' %}", "{% import 'm.j2' as m %}", "{% from 'm.j2' import x %}", "{% extends 'b.yaml' %}"])
def test_templates_cannot_read_other_files(tmp_path, tag):
    (tmp_path / "other.yaml").write_text("a: 1\n")
    error = error_of(tmp_path, f"a: 1\n{tag}\n")
    assert error.position.line == 2 and "not allowed" in error.message


def test_huge_range_is_refused(tmp_path):
    error = error_of(tmp_path, "a: 1\nb: {{ range(200000) | length }}\n")
    assert error.position.line == 2 and "range() is limited" in error.message


def test_nested_loops_share_one_range_budget(tmp_path):
    error = error_of(tmp_path, "a: 1\n{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}{% endfor %}\n")
    assert error.position.line == 2 and "range() is limited" in error.message


@pytest.mark.parametrize(
    "expression",
    [
        "'A' * 300000000",
        "300000000 * 'A'",
        "10 ** 100000",
        "'%999999999d' % 1",
        "'x' | center(300000000)",
        "'x'.rjust(300000000)",
        "'{:>300000000}'.format(1)",
        "('x' * 1000).replace('', 'y' * 1000)",
        "('x' * 1000) | replace('', 'y' * 1000)",
        "('\\n' * 100000) | indent(100)",
        "('\\t' * 100000).expandtabs(100)",
        "('x' * 100000) | list | join('y' * 100)",
        "('y' * 100).join('x' * 100000)",
        "'%-20000s' | format(1)",
    ],
)
def test_expensive_expressions_are_refused_quickly(tmp_path, expression):
    error = error_of(tmp_path, f"a: 1\nb: {{{{ {expression} }}}}\n")
    assert error.position.line == 2 and error.message.startswith("template error")


def test_output_size_is_limited(tmp_path):
    text = "{% for i in range(9000) %}k{{ i }}: " + "x" * 200 + "\n{% endfor %}"
    assert "larger than" in error_of(tmp_path, text).message


def test_only_range_is_a_global(tmp_path):
    for name in ("lipsum(10)", "namespace(x=1)", "cycler(1)", "dict(a=1)"):
        assert "undefined" in error_of(tmp_path, f"a: {{{{ {name} }}}}\n").message


def test_python_errors_in_templates_are_spec_errors(tmp_path):
    error = error_of(tmp_path, "a: 1\nb: {{ 1 / 0 }}\n")
    assert error.position.line == 2 and "ZeroDivisionError" in error.message
    error = error_of(tmp_path, "{% macro f() %}{{ f() }}{% endmacro %}\na: {{ f() }}\n")
    assert error.message.startswith("template error")


# Silent misreading: positions after a loop, non-text keys.


def test_errors_after_a_loop_point_at_their_source_line(tmp_path):
    text = "{% for i in range(3) %}\nk{{ i }}: {{ i }}\n{% endfor %}\nlast: 1\nbroken: [1,\n  2\n"
    assert error_of(tmp_path, text).position.line == 7  # the end of the file, as without the loop
    text = "{% for i in range(3) %}\nk{{ i }}: {{ i }}\n{% endfor %}\nlast: 1\nbroken: [1, {2}: 3]\n"
    assert error_of(tmp_path, text).position.line == 5
    source = read(tmp_path, "{% for i in range(3) %}\nk{{ i }}: {{ i }}\n{% endfor %}\nlast: 1\n")
    assert source.data == {"k0": 0, "k1": 1, "k2": 2, "last": 1}
    assert [source.positions[(f"k{i}",)].line for i in range(3)] == [2, 2, 2]  # the loop body's line
    assert source.positions[("last",)].line == 4


def test_multi_line_values_and_whitespace_control_keep_lines(tmp_path):
    text = '{% set block = "x: 1\\ny: 2" %}\n{{ block }}\nlist:\n{%- for i in range(2) %}\n  - {{ i }}\n{%- endfor %}\nlast: 1\n'
    source = read(tmp_path, text)
    assert source.data == {"x": 1, "y": 2, "list": [0, 1], "last": 1}
    assert source.positions[("x",)].line == 2 and source.positions[("y",)].line == 2
    assert source.positions[("last",)].line == 7


def test_whitespace_control_output_is_unchanged_by_the_line_map(tmp_path):
    source = read(tmp_path, "a: >-\n  x\n  {%- if true %} y{% endif %}\nb: [1,\n   {#- c -#}\n   2]\n")
    assert source.data == {"a": "x y", "b": [1, 2]}


@pytest.mark.parametrize("key, kind", [("null", "null"), ("~", "null"), ("true", "boolean"), ("yes", "boolean"), ("12", "int"), ("1.5", "float")])
def test_keys_must_be_text(tmp_path, key, kind):
    error = error_of(tmp_path, f"tags:\n  {key}: x\n")
    assert error.position.line == 2 and kind in error.message and "quote it" in error.message


@pytest.mark.parametrize("value", ["!!int foo", "!!timestamp nope", "!!float abc", "!foo x", "!!python/object:os.system x"])
def test_bad_tags_are_errors(tmp_path, value):
    assert error_of(tmp_path, f"a: 1\nb: {value}\n").position.line == 2


def test_crlf_files_keep_their_lines(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\r\nb: 2\r\nc: [\r\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "x.yaml")
    assert caught.value.position.line == 4  # the end of the file, after three CRLF lines


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: " + b"x" * 1_100_000 + b"\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, "x.yaml")
    assert "larger than" in caught.value.message


def test_slow_templates_stop_at_the_time_limit(tmp_path, monkeypatch):
    from mwaaform.spec import template

    monkeypatch.setattr(template, "MAX_SECONDS", 0.2)
    text = "a: 1\nb: {% for i in range(10000) %}{{ ('x' * 100000).split('x') | length }}{% endfor %}\n"
    error = error_of(tmp_path, text)
    assert "took more than 0.2 s" in error.message and error.position.line == 2


def test_control_characters_produced_by_a_template(tmp_path):
    error = error_of(tmp_path, "a: 1\n{% for i in range(2) %}\nb{{ i }}: \"{{ '\\x00' }}\"\n{% endfor %}\n")
    assert error.position.line == 3 and "U+0000" in error.message


def test_block_set_values_are_not_changed_by_the_line_map(tmp_path):
    text = "{% set env %}\nprod\n{% endset %}\nis_prod: {{ env | trim == 'prod' }}\nlength: {{ env | length }}\n"
    source = read(tmp_path, text)
    assert source.data == {"is_prod": True, "length": 6}
    assert source.positions[("length",)].line == 5
