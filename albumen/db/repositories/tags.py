"""Queries on ``tag`` (a per-user tree of values like ``a/b/c``), ``tag_closure`` and ``tag_asset``.

``tag_closure`` holds one row per (ancestor, descendant) pair, a tag being its own ancestor, so "assets
under this tag" is one join whatever the depth.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.assets import any_of, uuid_array, with_locked_properties
from albumen.db.tables import AssetExif, Tag, TagAsset, TagClosure


def parent_value(value: str) -> str | None:
    return value.rsplit("/", 1)[0] if "/" in value else None


class TagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, tag_id: uuid.UUID) -> Tag | None:
        return await self.session.get(Tag, tag_id, populate_existing=True)

    async def get_by_value(self, user_id: uuid.UUID, value: str) -> Tag | None:
        query = select(Tag).where(Tag.user_id == user_id, Tag.value == value)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def all_of(self, user_id: uuid.UUID) -> Sequence[Tag]:
        query = select(Tag).where(Tag.user_id == user_id).order_by(Tag.value)
        return (await self.session.execute(query)).scalars().all()

    async def owned(self, user_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not tag_ids:
            return set()
        query = select(Tag.id).where(Tag.id.in_(tag_ids), Tag.user_id == user_id)
        return set((await self.session.execute(query)).scalars())

    async def create(
        self, user_id: uuid.UUID, value: str, parent_id: uuid.UUID | None, color: str | None
    ) -> Tag:
        statement = insert(Tag).values(user_id=user_id, value=value, parent_id=parent_id, color=color)
        tag_id = (await self.session.execute(statement.returning(Tag.id))).scalar_one()
        await self._add_closure([(tag_id, parent_id)])
        tag = await self.get(tag_id)
        assert tag is not None
        return tag

    async def upsert_values(self, user_id: uuid.UUID, values: Sequence[str]) -> list[Tag]:
        """The tags named by ``values`` (full paths), creating them and any missing ancestors.

        One insert per level of depth, so a thousand keywords cost a handful of statements.
        """
        wanted = list(dict.fromkeys(value for value in values if value))
        paths: set[str] = set()
        for value in wanted:
            parts = value.split("/")
            paths.update("/".join(parts[: depth + 1]) for depth in range(len(parts)))
        ids: dict[str, uuid.UUID] = {}
        for depth in sorted({path.count("/") for path in paths}):
            level = sorted(path for path in paths if path.count("/") == depth)
            rows = [
                {"user_id": user_id, "value": path, "parent_id": ids.get(parent_value(path) or "")}
                for path in level
            ]
            statement = (
                insert(Tag).values(rows).on_conflict_do_nothing(index_elements=[Tag.user_id, Tag.value])
            )
            created = (await self.session.execute(statement.returning(Tag.id, Tag.parent_id))).all()
            await self._add_closure([(row.id, row.parent_id) for row in created])
            found = select(Tag.value, Tag.id).where(Tag.user_id == user_id, Tag.value.in_(level))
            ids.update({row.value: row.id for row in await self.session.execute(found)})
        if not wanted:
            return []
        query = select(Tag).where(Tag.id.in_([ids[value] for value in wanted]))
        by_id = {tag.id: tag for tag in (await self.session.execute(query)).scalars()}
        return [by_id[ids[value]] for value in wanted]

    async def _add_closure(self, created: Sequence[tuple[uuid.UUID, uuid.UUID | None]]) -> None:
        """Closure rows for new tags: itself, plus every ancestor of its parent."""
        for tag_id, parent_id in created:
            rows = select(literal(tag_id).label("id_ancestor"), literal(tag_id).label("id_descendant"))
            if parent_id is not None:
                ancestors = select(
                    TagClosure.id_ancestor, literal(tag_id, TagClosure.id_descendant.type)
                ).where(TagClosure.id_descendant == parent_id)
                rows = rows.union_all(ancestors)  # type: ignore[assignment]
            await self.session.execute(
                insert(TagClosure)
                .from_select(["id_ancestor", "id_descendant"], rows)
                .on_conflict_do_nothing()
            )

    async def update(self, tag: Tag, *, value: str | None = None, color: str | bool | None = False) -> None:
        """Change the colour (``False`` leaves it) and/or the value, renaming every descendant's path too."""
        values: dict[str, object] = {"updated_at": func.now()}
        if color is not False:
            values["color"] = color
        if value is not None and value != tag.value:
            values["value"] = value
            descendants = select(TagClosure.id_descendant).where(
                TagClosure.id_ancestor == tag.id, TagClosure.id_descendant != tag.id
            )
            await self.session.execute(
                update(Tag)
                .where(Tag.id.in_(descendants))
                .values(
                    value=literal(value) + func.substr(Tag.value, len(tag.value) + 1), updated_at=func.now()
                )
            )
        await self.session.execute(update(Tag).where(Tag.id == tag.id).values(**values))

    async def delete(self, tag_id: uuid.UUID) -> list[uuid.UUID]:
        """Remove a tag and its descendants (``parent_id`` cascades); returns the assets that lost a tag."""
        subtree = select(TagClosure.id_descendant).where(TagClosure.id_ancestor == tag_id)
        assets = select(TagAsset.asset_id).where(TagAsset.tag_id.in_(subtree)).distinct()
        affected = list((await self.session.execute(assets)).scalars())
        await self.session.execute(delete(Tag).where(Tag.id == tag_id))
        return affected

    async def tagged(self, tag_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not asset_ids:
            return set()
        query = select(TagAsset.asset_id).where(
            TagAsset.tag_id == tag_id, any_of(TagAsset.asset_id, asset_ids)
        )
        return set((await self.session.execute(query)).scalars())

    async def add_assets(self, pairs: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[uuid.UUID]:
        """Insert (tag id, asset id) links that don't exist yet; returns the asset id of each new link."""
        if not pairs:
            return []
        links = (
            func.unnest(
                uuid_array(tag_id for tag_id, _ in pairs), uuid_array(asset_id for _, asset_id in pairs)
            )
            .table_valued("tag_id", "asset_id")
            .render_derived()
        )
        statement = (
            insert(TagAsset)
            .from_select(["tag_id", "asset_id"], select(links.c.tag_id, links.c.asset_id))
            .on_conflict_do_nothing()
            .returning(TagAsset.asset_id)
        )
        return list((await self.session.execute(statement)).scalars())

    async def remove_assets(self, tag_id: uuid.UUID, asset_ids: Sequence[uuid.UUID]) -> None:
        if asset_ids:
            await self.session.execute(
                delete(TagAsset).where(TagAsset.tag_id == tag_id, any_of(TagAsset.asset_id, asset_ids))
            )

    async def tags_of_assets(self, asset_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Tag]]:
        if not asset_ids:
            return {}
        query = (
            select(TagAsset.asset_id, Tag)
            .join(Tag, Tag.id == TagAsset.tag_id)
            .where(any_of(TagAsset.asset_id, asset_ids))
            .order_by(Tag.value)
        )
        found: dict[uuid.UUID, list[Tag]] = {}
        for asset_id, tag in await self.session.execute(query):
            found.setdefault(asset_id, []).append(tag)
        return found

    async def write_exif_tags(self, asset_ids: Sequence[uuid.UUID]) -> None:
        """Copy each asset's tag values into ``asset_exif.tags`` and lock them, as Immich does, so a
        metadata re-extraction (or a sidecar write) keeps what the user chose."""
        if not asset_ids:
            return
        values = (
            select(
                func.coalesce(func.array_agg(aggregate_order_by(Tag.value, Tag.value)), text("'{}'::text[]"))
            )
            .join(TagAsset, TagAsset.tag_id == Tag.id)
            .where(TagAsset.asset_id == AssetExif.asset_id)
            .scalar_subquery()
        )
        await self.session.execute(
            update(AssetExif)
            .where(any_of(AssetExif.asset_id, asset_ids))
            .values(tags=values, locked_properties=with_locked_properties(["tags"]))
        )
