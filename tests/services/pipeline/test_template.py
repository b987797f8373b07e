"""Immich's storage template language: Handlebars variables, blocks, escaping, luxon date tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from albumen.services.pipeline.storage_template import sanitize_filename
from albumen.services.pipeline.template import TemplateError, date_variables, format_date, render, validate


def test_variables_are_substituted_and_html_escaped_unless_triple_braced() -> None:
    variables = {"album": "Tom & Jerry's", "filename": "IMG_1"}
    assert render("{{album}}/{{filename}}", variables) == "Tom &amp; Jerry&#x27;s/IMG_1"
    assert render("{{{album}}}/{{ filename }}", variables) == "Tom & Jerry's/IMG_1"


def test_if_else_and_unless_blocks_choose_on_an_empty_value() -> None:
    template = "{{#if album}}{{album}}{{else}}Other/{{MM}}{{/if}}/{{filename}}"
    assert render(template, {"album": "Trip", "MM": "07", "filename": "a"}) == "Trip/a"
    assert render(template, {"album": "", "MM": "07", "filename": "a"}) == "Other/07/a"
    assert render("{{#unless album}}none{{/unless}}", {"album": ""}) == "none"
    nested = "{{#if a}}{{#if b}}ab{{else}}a{{/if}}{{/if}}"
    assert render(nested, {"a": "1", "b": ""}) == "a"


def test_an_unknown_variable_is_an_error_only_where_it_is_rendered() -> None:
    with pytest.raises(TemplateError):
        render("{{y}}/{{nope}}", {"y": "2024"})
    template = "{{#if album}}{{album-startDate-y}}{{else}}{{y}}{{/if}}"
    assert render(template, {"album": "", "y": "2024"}) == "2024"


@pytest.mark.parametrize("template", ["{{#if a}}x", "{{/if}}", "{{#each a}}{{/each}}", "{{a b}}", "{{else}}"])
def test_malformed_templates_are_refused(template: str) -> None:
    with pytest.raises(TemplateError):
        render(template, {"a": "1", "b": "2"})


def test_luxon_date_tokens() -> None:
    moment = datetime(2024, 3, 7, 15, 4, 9, 123456, tzinfo=UTC)
    expected = {
        "y": "2024", "yy": "24", "M": "3", "MM": "03", "MMM": "Mar", "MMMM": "March", "W": "10",
        "WW": "10", "d": "7", "dd": "07", "h": "3", "hh": "03", "H": "15", "HH": "15", "m": "4",
        "mm": "04", "s": "9", "ss": "09", "SSS": "123",
    }  # fmt: skip
    assert {token: format_date(moment, token) for token in expected} == expected
    assert format_date(datetime(2024, 1, 1, 0, 0, tzinfo=UTC), "hh") == "12"
    assert date_variables(moment, "album-startDate-")["album-startDate-y"] == "2024"


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("a/b:c*?d", "abcd"),
        ("..", ""),
        ("con", ""),
        ("com1.txt", ""),
        ("trail. ", "trail"),
        ("ok.jpg", "ok.jpg"),
    ],
)
def test_file_names_are_sanitized_like_npm_sanitize_filename(name: str, clean: str) -> None:
    assert sanitize_filename(name) == clean


def test_validate_accepts_immich_presets_and_refuses_unknown_variables() -> None:
    from albumen.services.system_config import STORAGE_TEMPLATE_PRESETS

    for preset in STORAGE_TEMPLATE_PRESETS:
        validate(preset)
    validate("{{#if album}}{{album-startDate-y}}/{{album}}{{else}}{{y}}/Other{{/if}}/{{filename}}")
    with pytest.raises(TemplateError):
        validate("{{y}}/{{camera}}/{{filename}}")
