"""What an API process does once before it serves: check the config file, lay out storage, recover uploads."""

from __future__ import annotations

import logging

from albumen.config import Settings
from albumen.db.engine import Database
from albumen.services import server, system_config
from albumen.services.asset_upload import recover_staged_uploads
from albumen.storage.local import LocalStorage

logger = logging.getLogger(__name__)


async def prepare(database: Database, settings: Settings) -> None:
    # A broken IMMICH_CONFIG_FILE stops the server here, as in Immich, rather than failing requests.
    if settings.config_file is not None:
        system_config.load_config_file(settings)
    storage = LocalStorage(settings.media_root)
    storage.ensure_layout()
    async with database.session() as db:
        await server.record_version(db)
        # The embedded database means this process holds the data directory's lock: no other API
        # process can be receiving uploads into the same staging folder.
        recovered = await recover_staged_uploads(db, storage, exclusive=settings.uses_embedded_database)
        await db.commit()
    if any(recovered.values()):
        logger.warning("recovered interrupted uploads", extra=recovered)
