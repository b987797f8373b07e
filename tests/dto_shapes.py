"""Check a JSON response against Immich 3.2.2's DTO definitions (``shared/immich-api/dto-3.2.2.json``).

``assert_shape(body, "ServerConfigDto")`` fails when a required field is missing, a field the DTO
doesn't have is present, or a value has the wrong JSON type or enum value; nested DTOs and arrays
(``"ServerVersionHistoryResponseDto[]"``) are checked the same way.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from tests.conftest import SHARED

ANY_OBJECT = {"{", "{}", "Blob", "any", "unknown", "object"}


@cache
def _definitions() -> tuple[dict[str, dict[str, list[Any]]], dict[str, list[Any]]]:
    document = json.loads((SHARED / "immich-api" / "dto-3.2.2.json").read_text())
    return document["types"], document["enums"]


def dto_fields(dto: str) -> tuple[set[str], set[str]]:
    """(required, all) field names of a DTO, following ``__alias__`` entries."""
    types, _ = _definitions()
    fields = types[dto]
    if "__alias__" in fields:
        return dto_fields(fields["__alias__"][1])
    return {name for name, (required, _) in fields.items() if required}, set(fields)


def shape_problems(value: Any, type_expression: str, path: str = "$") -> list[str]:
    problems: list[str] = []
    _check(value, type_expression.strip(), path, problems)
    return problems


def assert_shape(value: Any, type_expression: str) -> None:
    problems = shape_problems(value, type_expression)
    assert problems == [], f"response does not match {type_expression}:\n" + "\n".join(problems)


def _check(value: Any, expression: str, path: str, problems: list[str]) -> None:
    alternatives = _split_union(expression)
    if len(alternatives) > 1:
        if not any(shape_problems(value, alternative, path) == [] for alternative in alternatives):
            problems.append(f"{path}: {value!r} is not {expression}")
        return
    if expression.startswith("(") and _closing_paren(expression) == len(expression) - 1:
        _check(value, expression[1:-1].strip(), path, problems)
        return
    if expression.endswith("[]"):
        if not isinstance(value, list):
            problems.append(f"{path}: expected an array, got {value!r}")
            return
        for index, item in enumerate(value):
            _check(item, expression[:-2], f"{path}[{index}]", problems)
        return
    _check_single(value, expression, path, problems)


def _check_single(value: Any, expression: str, path: str, problems: list[str]) -> None:
    types, enums = _definitions()
    simple = {
        "string": lambda v: isinstance(v, str),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if expression in ANY_OBJECT:
        return
    if expression in simple:
        if not simple[expression](value):
            problems.append(f"{path}: expected {expression}, got {value!r}")
    elif expression in types:
        _check_object(value, expression, path, problems)
    elif expression in enums:
        allowed = enums[expression]
        if allowed and value not in allowed:
            problems.append(f"{path}: {value!r} is not a {expression} ({allowed})")


def _check_object(value: Any, dto: str, path: str, problems: list[str]) -> None:
    types, _ = _definitions()
    fields = types[dto]
    if "__alias__" in fields:
        _check(value, fields["__alias__"][1], path, problems)
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected a {dto} object, got {value!r}")
        return
    required, known = dto_fields(dto)
    problems.extend(f"{path}.{name}: required by {dto} but missing" for name in sorted(required - set(value)))
    problems.extend(f"{path}.{name}: not a field of {dto}" for name in sorted(set(value) - known))
    for name in sorted(set(value) & known):
        _check(value[name], fields[name][1], f"{path}.{name}", problems)


def _split_union(expression: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(expression):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(expression[start:index].strip())
            start = index + 1
    parts.append(expression[start:].strip())
    return parts


def _closing_paren(expression: str) -> int:
    depth = 0
    for index, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index
    return -1
