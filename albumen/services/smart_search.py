"""``POST /search/smart``: assets ordered by how close their CLIP embedding is to a query.

The query is a text, encoded by the ML service's CLIP text model (cached like Immich's, per model,
text and language), or an asset whose stored embedding is used as is. Immich's search filters and
the caller's scope (own and timeline partners' assets) apply; pages are numbered.
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.smart_search import SmartSearchRepository
from albumen.dto.search import SmartSearchDto
from albumen.permissions import Permission
from albumen.services.access import require_assets
from albumen.services.asset_items import asset_items
from albumen.services.authentication import AuthContext
from albumen.services.errors import BadRequestError, ServiceUnavailableError
from albumen.services.ml_client import MachineLearningClient, MachineLearningError, MachineLearningUnavailable
from albumen.services.search import build_search, search_response
from albumen.services.system_config import get_config
from albumen.services.visibility import visibilities_for

#: Immich's page size for smart search.
DEFAULT_SIZE = 100
#: Text embeddings kept (Immich keeps 100 in an LRU map).
TEXT_CACHE_SIZE = 100

_text_embeddings: OrderedDict[tuple[str, str, str | None], list[float]] = OrderedDict()


async def search_smart(db: AsyncSession, settings: Settings, auth: AuthContext, dto: SmartSearchDto) -> bytes:
    """A page of ``SearchResponseDto`` as JSON, nearest first."""
    visibilities_for(auth, dto.visibility)
    ml = (await get_config(db, settings)).machineLearning
    if not (ml.enabled and ml.clip.enabled):
        raise BadRequestError("Smart search is not enabled")
    embedding: list[float] | str
    if dto.query:
        embedding = await _text_embedding(MachineLearningClient.from_config(ml), ml.clip.modelName, dto)
    elif dto.queryAssetId:
        await require_assets(db, auth, Permission.ASSET_READ, [dto.queryAssetId])
        stored = await SmartSearchRepository(db).embedding_of(dto.queryAssetId)
        if stored is None:
            raise BadRequestError(f"Asset {dto.queryAssetId} has no embedding")
        embedding = stored
    else:
        raise BadRequestError("Either `query` or `queryAssetId` must be set")
    search = await build_search(db, auth, dto)
    size = dto.size or DEFAULT_SIZE
    page = dto.page or 1
    ids = await SmartSearchRepository(db).nearest(search, embedding, size=size, offset=(page - 1) * size)
    has_next = len(ids) > size
    ids = ids[:size]
    items = await asset_items(db, auth, ids, with_exif=bool(dto.withExif), with_people=bool(dto.withPeople))
    return search_response(items, str(page + 1) if has_next else None, None)


async def _text_embedding(client: MachineLearningClient, model_name: str, dto: SmartSearchDto) -> list[float]:
    assert dto.query is not None
    key = (model_name, dto.query, dto.language)
    cached = _text_embeddings.get(key)
    if cached is not None:
        _text_embeddings.move_to_end(key)
        return cached
    try:
        embedding = await client.encode_text(dto.query, model_name, dto.language)
    except MachineLearningUnavailable as error:
        raise ServiceUnavailableError("Machine learning is not available") from error
    except MachineLearningError as error:
        raise BadRequestError(str(error)) from error
    _text_embeddings[key] = embedding
    if len(_text_embeddings) > TEXT_CACHE_SIZE:
        _text_embeddings.popitem(last=False)
    return embedding
