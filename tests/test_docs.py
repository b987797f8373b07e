"""docs/configuration.md names every environment variable and every ``albumen`` command and flag."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from pydantic import AliasChoices

from albumen.cli import main
from albumen.config import SECRET_VARIABLES, Settings

CONFIGURATION = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def documented() -> str:
    return CONFIGURATION.read_text()


def environment_variables() -> list[str]:
    names: list[str] = []
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        names += [choice for choice in choices if isinstance(choice, str) and choice.isupper()]
    names += [f"{name}_FILE" for name in SECRET_VARIABLES]
    return names


def command_options() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []

    def walk(command: click.Command, path: str) -> None:
        for param in command.params:
            if isinstance(param, click.Option):
                found.extend((path, opt) for opt in param.opts + param.secondary_opts)
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found.append((f"{path} {name}".strip(), ""))
                walk(sub, f"{path} {name}".strip())

    walk(main, "")
    return found


def test_every_settings_field_has_an_environment_variable() -> None:
    without = [
        name
        for name, field in Settings.model_fields.items()
        if not any(choice.isupper() for choice in _choices(field.validation_alias))
    ]
    assert without == []


def _choices(alias: object) -> list[str]:
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return [alias] if isinstance(alias, str) else []


@pytest.mark.parametrize("variable", environment_variables())
def test_environment_variable_is_documented(variable: str) -> None:
    assert re.search(rf"`{re.escape(variable)}`", documented()), f"{variable} is missing from {CONFIGURATION}"


@pytest.mark.parametrize(("command", "option"), command_options())
def test_command_and_option_are_documented(command: str, option: str) -> None:
    text = documented()
    if command:
        section = re.search(rf"^#+ `albumen {re.escape(command)}`$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
        assert section, f"`albumen {command}` has no section in {CONFIGURATION}"
        text = section.group(1)
    if option:
        assert re.search(rf"`{re.escape(option)}[ `]", text), (
            f"{option} of `albumen {command}` is not documented"
        )


def test_help_option_is_documented() -> None:
    # click adds --help outside ``params``; the docs describe it once for every command.
    assert "`--help`" in documented() and "`-h`" in documented()
