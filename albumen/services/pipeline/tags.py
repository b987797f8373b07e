"""Tags read from a file's keywords become the owner's tags, as Immich's metadata tag import does."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.db.repositories.asset_pipeline import AssetPipelineRepository
from albumen.services.tags import upsert_values


async def apply_file_tags(
    db: AsyncSession,
    asset_id: uuid.UUID,
    owner_id: uuid.UUID,
    paths: Sequence[str],
    previous_paths: Sequence[str] | None,
) -> None:
    """Make the asset's tags those its file names (``a/b/c`` creates ``a`` and ``a/b`` as parents).

    The caller skips this when the user set the asset's tags in the app (``tags`` is then a locked
    property). Nothing to do for a file that has no keywords and never had any.
    """
    if not paths and not previous_paths:
        return
    tags = await upsert_values(db, owner_id, list(paths))
    await AssetPipelineRepository(db).replace_asset_tags(asset_id, [tag.id for tag in tags])
