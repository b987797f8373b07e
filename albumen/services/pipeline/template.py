"""Immich's storage template language: the Handlebars subset its templates use, with luxon date tokens.

``{{name}}`` substitutes a variable HTML-escaped (as Handlebars does, so ``&`` in an album name becomes
``&amp;``), ``{{{name}}}`` substitutes it as is, and ``{{#if name}}…{{else}}…{{/if}}`` (or ``#unless``)
chooses on whether it is non-empty. Like Immich's ``strict`` Handlebars, a variable that does not exist
is an error, but only in a branch that is rendered (``{{album-startDate-y}}`` exists only for assets
in an album).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

#: The date tokens Immich offers (``SystemConfigTemplateStorageOptionDto``), in luxon's syntax.
DATE_TOKENS: tuple[str, ...] = (
    *("y", "yy", "M", "MM", "MMM", "MMMM", "W", "WW", "d", "dd"),
    *("h", "hh", "H", "HH", "m", "mm", "s", "ss", "SSS"),
)

_TAG = re.compile(r"\{\{\{\s*([^{}]+?)\s*\}\}\}|\{\{\s*([^{}]+?)\s*\}\}")
_NAME = re.compile(r"^[A-Za-z_][\w-]*$")
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#x27;",
    "`": "&#x60;",
    "=": "&#x3D;",
}
_MONTHS: tuple[str, ...] = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


class TemplateError(ValueError):
    """The template is malformed, or names a variable the asset does not have."""


@dataclass
class _Text:
    text: str


@dataclass
class _Variable:
    name: str
    raw: bool


@dataclass
class _Block:
    helper: str  # "if" or "unless"
    name: str
    body: list[_Text | _Variable | _Block]
    otherwise: list[_Text | _Variable | _Block]


_Node = _Text | _Variable | _Block


def parse(template: str) -> list[_Node]:
    """The template's tree; raises TemplateError for unbalanced blocks or unknown helpers."""
    root: list[_Node] = []
    stack: list[tuple[_Block, bool]] = []  # open blocks, and whether we are in their else branch

    def current() -> list[_Node]:
        if not stack:
            return root
        block, in_else = stack[-1]
        return block.otherwise if in_else else block.body

    position = 0
    for match in _TAG.finditer(template):
        if match.start() > position:
            current().append(_Text(template[position : match.start()]))
        position = match.end()
        raw, expression = match.group(1), match.group(2)
        if raw is not None:
            current().append(_Variable(_checked_name(raw), raw=True))
        elif expression.startswith("#"):
            helper, _, argument = expression[1:].partition(" ")
            if helper not in ("if", "unless"):
                raise TemplateError(f"unknown helper {helper!r}")
            block = _Block(helper, _checked_name(argument.strip()), [], [])
            current().append(block)
            stack.append((block, False))
        elif expression == "else":
            if not stack or stack[-1][1]:
                raise TemplateError("{{else}} outside an {{#if}} block")
            stack[-1] = (stack[-1][0], True)
        elif expression.startswith("/"):
            if not stack or stack[-1][0].helper != expression[1:].strip():
                raise TemplateError(f"unexpected {{{{{expression}}}}}")
            stack.pop()
        else:
            current().append(_Variable(_checked_name(expression), raw=False))
    if stack:
        raise TemplateError(f"{{{{#{stack[-1][0].helper}}}}} is not closed")
    if position < len(template):
        current().append(_Text(template[position:]))
    return root


def _checked_name(name: str) -> str:
    if not _NAME.match(name):
        raise TemplateError(f"invalid expression {{{{{name}}}}}")
    return name


def render(template: str, variables: Mapping[str, str]) -> str:
    """Render ``template`` with ``variables`` (all strings; empty counts as false in ``#if``)."""
    return _render(parse(template), variables)


def _render(nodes: list[_Node], variables: Mapping[str, str]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Variable):
            value = _lookup(variables, node.name)
            out.append(value if node.raw else "".join(_ESCAPES.get(char, char) for char in value))
        else:
            truthy = bool(_lookup(variables, node.name))
            chosen = node.body if truthy == (node.helper == "if") else node.otherwise
            out.append(_render(chosen, variables))
    return "".join(out)


def _lookup(variables: Mapping[str, str], name: str) -> str:
    if name not in variables:
        raise TemplateError(f'"{name}" not defined')
    return variables[name]


def format_date(moment: datetime, token: str) -> str:
    """``moment`` formatted with one of luxon's tokens in :data:`DATE_TOKENS`."""
    match token:
        case "y":
            return str(moment.year)
        case "yy":
            return f"{moment.year % 100:02d}"
        case "M" | "MM":
            return f"{moment.month:0{len(token)}d}"
        case "MMM":
            return _MONTHS[moment.month - 1][:3]
        case "MMMM":
            return _MONTHS[moment.month - 1]
        case "W" | "WW":
            return f"{moment.isocalendar().week:0{len(token)}d}"
        case "d" | "dd":
            return f"{moment.day:0{len(token)}d}"
        case "h" | "hh":
            return f"{(moment.hour % 12) or 12:0{len(token)}d}"
        case "H" | "HH":
            return f"{moment.hour:0{len(token)}d}"
        case "m" | "mm":
            return f"{moment.minute:0{len(token)}d}"
        case "s" | "ss":
            return f"{moment.second:0{len(token)}d}"
        case "SSS":
            return f"{moment.microsecond // 1000:03d}"
    raise TemplateError(f"unknown date token {token!r}")


def date_variables(moment: datetime, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}{token}": format_date(moment, token) for token in DATE_TOKENS}


def validate(template: str) -> None:
    """Raise TemplateError unless ``template`` renders for a sample asset in an album (Immich checks a
    new storage template this way before saving the config)."""
    now = datetime.now().astimezone()
    sample = {
        "filename": "IMG_123",
        "ext": "jpg",
        "filetype": "IMG",
        "filetypefull": "IMAGE",
        "assetId": "d587e44b-f8c0-4832-9ba3-43268bbf5d4e",
        "assetIdShort": "43268bbf5d4e",
        "album": "album",
        "make": "",
        "model": "",
        "lensModel": "",
        **date_variables(now),
        **date_variables(now, "album-startDate-"),
        **date_variables(now, "album-endDate-"),
    }
    render(template, sample)
