"""Large results straight from the asyncpg driver, past SQLAlchemy's per-row result processing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler


async def fetch_records(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> list[Any]:
    """Run ``query`` on the session's connection (in its transaction) and return asyncpg records.

    For listings of thousands of rows (map markers, a timeline month), where turning each row into
    a SQLAlchemy ``Row`` costs more than the query. The columns must need no conversion on the way
    out: select text, numbers and booleans (cast UUIDs to text).

    The compiled SQL is kept per statement shape (SQLAlchemy's cache key, as its own execution
    does): a search query with a dozen filters takes ~5 ms to compile, as long as it takes to run.
    """
    connection = await session.connection()
    dialect = connection.dialect
    cache_key = query._generate_cache_key()
    compiled = None
    if cache_key is not None:
        compiled = _BY_SHAPE.get((dialect.name, cache_key.key))
    if compiled is None:
        compiled = cast(SQLCompiler, dialect.statement_compiler(dialect, query, cache_key=cache_key))
        if cache_key is not None:
            if len(_BY_SHAPE) >= MAX_SHAPES:
                _BY_SHAPE.pop(next(iter(_BY_SHAPE)))
            _BY_SHAPE[(dialect.name, cache_key.key)] = compiled
    extracted = cache_key.bindparams if cache_key is not None else None
    # This query's values in the cached statement's parameters; lists expanded for IN (...).
    expanded = compiled.construct_expanded_state(compiled.construct_params(extracted_parameters=extracted))
    parameters = [expanded.parameters[name] for name in expanded.positiontup or ()]
    return await _fetch(connection, expanded.statement, parameters)


#: Compiled statements by (dialect, shape); the oldest goes when full.
_BY_SHAPE: dict[tuple[str, Any], SQLCompiler] = {}
MAX_SHAPES = 500


_TEMPLATES: dict[tuple[Any, str], tuple[str, tuple[str, ...], dict[str, Any]]] = {}


async def fetch_template(
    session: AsyncSession, key: Any, build: Callable[[], Select[*tuple[Any, ...]]], values: dict[str, Any]
) -> list[Any]:
    """:func:`fetch_records` for a query built and compiled once per ``key`` (its shape): ``build``
    names its changing values with ``bindparam(name)`` and ``values`` gives them on every call.
    Building and compiling a large query costs several milliseconds, as much as running it. A
    ``key`` of None builds and compiles every time (a shape too varied to keep)."""
    connection = await session.connection()
    cache_key = (key, connection.dialect.name)
    template = _TEMPLATES.get(cache_key) if key is not None else None
    if template is None:
        compiled = build().compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        template = (str(compiled), tuple(compiled.positiontup or ()), compiled.params)
        if key is not None:
            _TEMPLATES[cache_key] = template
    sql, names, defaults = template
    parameters = [values[name] if name in values else defaults[name] for name in names]
    return await _fetch(connection, sql, parameters)


async def _fetch(connection: AsyncConnection, sql: str, parameters: list[Any]) -> list[Any]:
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    records: list[Any] = await driver.fetch(sql, *parameters)
    return records
