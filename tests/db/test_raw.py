"""``fetch_records`` reuses compiled SQL per statement shape: each call must still run with its own
values, lists of any length included."""

from __future__ import annotations

from sqlalchemy import column, literal, select, values
from sqlalchemy.types import Integer

from albumen.db.engine import Database
from albumen.db.repositories.raw import fetch_records

NUMBERS = values(column("n", Integer), name="numbers").data([(n,) for n in range(10)])


async def test_same_shape_different_values(database: Database) -> None:
    async with database.session() as db:
        for low, wanted in ((2, [3, 5, 7, 9]), (6, [7, 9]), (0, [1, 3, 5, 7, 9])):
            query = select(NUMBERS.c.n).where(NUMBERS.c.n > low, NUMBERS.c.n % 2 == literal(1))
            assert [row[0] for row in await fetch_records(db, query.order_by(NUMBERS.c.n))] == wanted


async def test_in_lists_of_different_lengths(database: Database) -> None:
    async with database.session() as db:
        for chosen in ([3], [1, 4, 8], [0, 2, 4, 6, 8, 9], []):
            query = select(NUMBERS.c.n).where(NUMBERS.c.n.in_(chosen)).order_by(NUMBERS.c.n)
            assert [row[0] for row in await fetch_records(db, query)] == chosen
