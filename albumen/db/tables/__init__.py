"""Tables, named after Immich's entities. Import this package to register every table on ``Base``."""

from albumen.db.tables import sync_indexes as sync_indexes  # registers migration 0008's indexes
from albumen.db.tables.albums import Album, AlbumAsset, AlbumUser
from albumen.db.tables.assets import (
    Asset,
    AssetEdit,
    AssetExif,
    AssetFile,
    AssetJobStatus,
    AssetMetadata,
    AssetOcr,
)
from albumen.db.tables.audit import AUDITED_TABLES, AuditTable
from albumen.db.tables.base import Base
from albumen.db.tables.duplicates import AssetPhash
from albumen.db.tables.events import ClientEvent
from albumen.db.tables.jobs import Job, JobQueue, JobScheduleTick
from albumen.db.tables.moves import MoveHistory
from albumen.db.tables.operations import IntegrityReport, WorkerHeartbeat
from albumen.db.tables.people import AssetFace, FaceSearch, Person, SmartSearch
from albumen.db.tables.sharing import (
    Activity,
    Memory,
    MemoryAsset,
    Notification,
    Partner,
    SharedLink,
    SharedLinkAsset,
)
from albumen.db.tables.system import Library, SessionSyncCheckpoint, SystemMetadata
from albumen.db.tables.tags import Stack, Tag, TagAsset, TagClosure
from albumen.db.tables.timeline import AssetMapMarker, AssetMonthCount, AssetTimeline
from albumen.db.tables.users import ApiKey, Session, User, UserMetadata

__all__ = [
    "AUDITED_TABLES",
    "Activity",
    "Album",
    "AlbumAsset",
    "AlbumUser",
    "ApiKey",
    "Asset",
    "AssetEdit",
    "AssetExif",
    "AssetFace",
    "AssetFile",
    "AssetJobStatus",
    "AssetMapMarker",
    "AssetMetadata",
    "AssetMonthCount",
    "AssetOcr",
    "AssetPhash",
    "AssetTimeline",
    "AuditTable",
    "Base",
    "ClientEvent",
    "FaceSearch",
    "IntegrityReport",
    "Job",
    "JobQueue",
    "JobScheduleTick",
    "Library",
    "Memory",
    "MemoryAsset",
    "MoveHistory",
    "Notification",
    "Partner",
    "Person",
    "Session",
    "SessionSyncCheckpoint",
    "SharedLink",
    "SharedLinkAsset",
    "SmartSearch",
    "Stack",
    "SystemMetadata",
    "Tag",
    "TagAsset",
    "TagClosure",
    "User",
    "UserMetadata",
    "WorkerHeartbeat",
]
