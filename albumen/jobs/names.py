"""Immich 3.2.2's queue and job names, and which queue runs which job (NOTES.md §7)."""

from __future__ import annotations

from enum import StrEnum


class QueueName(StrEnum):
    THUMBNAIL_GENERATION = "thumbnailGeneration"
    METADATA_EXTRACTION = "metadataExtraction"
    VIDEO_CONVERSION = "videoConversion"
    FACE_DETECTION = "faceDetection"
    FACIAL_RECOGNITION = "facialRecognition"
    SMART_SEARCH = "smartSearch"
    DUPLICATE_DETECTION = "duplicateDetection"
    BACKGROUND_TASK = "backgroundTask"
    STORAGE_TEMPLATE_MIGRATION = "storageTemplateMigration"
    MIGRATION = "migration"
    SEARCH = "search"
    SIDECAR = "sidecar"
    LIBRARY = "library"
    NOTIFICATIONS = "notifications"
    BACKUP_DATABASE = "backupDatabase"
    OCR = "ocr"
    WORKFLOW = "workflow"
    INTEGRITY_CHECK = "integrityCheck"
    EDITOR = "editor"


class JobName(StrEnum):
    ASSET_DELETE = "AssetDelete"
    ASSET_DELETE_CHECK = "AssetDeleteCheck"
    ASSET_DETECT_FACES_QUEUE_ALL = "AssetDetectFacesQueueAll"
    ASSET_DETECT_FACES = "AssetDetectFaces"
    ASSET_DETECT_DUPLICATES_QUEUE_ALL = "AssetDetectDuplicatesQueueAll"
    ASSET_DETECT_DUPLICATES = "AssetDetectDuplicates"
    ASSET_EDIT_THUMBNAIL_GENERATION = "AssetEditThumbnailGeneration"
    ASSET_ENCODE_VIDEO_QUEUE_ALL = "AssetEncodeVideoQueueAll"
    ASSET_ENCODE_VIDEO = "AssetEncodeVideo"
    ASSET_EMPTY_TRASH = "AssetEmptyTrash"
    ASSET_EXTRACT_METADATA_QUEUE_ALL = "AssetExtractMetadataQueueAll"
    ASSET_EXTRACT_METADATA = "AssetExtractMetadata"
    ASSET_FILE_MIGRATION = "AssetFileMigration"
    ASSET_GENERATE_THUMBNAILS_QUEUE_ALL = "AssetGenerateThumbnailsQueueAll"
    ASSET_GENERATE_THUMBNAILS = "AssetGenerateThumbnails"
    AUDIT_TABLE_CLEANUP = "AuditTableCleanup"
    DATABASE_BACKUP = "DatabaseBackup"
    FACIAL_RECOGNITION_QUEUE_ALL = "FacialRecognitionQueueAll"
    FACIAL_RECOGNITION = "FacialRecognition"
    FILE_DELETE = "FileDelete"
    FILE_MIGRATION_QUEUE_ALL = "FileMigrationQueueAll"
    LIBRARY_DELETE_CHECK = "LibraryDeleteCheck"
    LIBRARY_DELETE = "LibraryDelete"
    LIBRARY_REMOVE_ASSET = "LibraryRemoveAsset"
    LIBRARY_SCAN_ASSETS_QUEUE_ALL = "LibraryScanAssetsQueueAll"
    LIBRARY_SYNC_ASSETS = "LibrarySyncAssets"
    LIBRARY_SYNC_FILES_QUEUE_ALL = "LibrarySyncFilesQueueAll"
    LIBRARY_SYNC_FILES = "LibrarySyncFiles"
    LIBRARY_SCAN_QUEUE_ALL = "LibraryScanQueueAll"
    HLS_SESSION_CLEANUP = "HlsSessionCleanup"
    MEMORY_CLEANUP = "MemoryCleanup"
    MEMORY_GENERATE = "MemoryGenerate"
    NOTIFICATIONS_CLEANUP = "NotificationsCleanup"
    NOTIFY_USER_SIGNUP = "NotifyUserSignup"
    NOTIFY_ALBUM_INVITE = "NotifyAlbumInvite"
    NOTIFY_ALBUM_UPDATE = "NotifyAlbumUpdate"
    USER_DELETE = "UserDelete"
    USER_DELETE_CHECK = "UserDeleteCheck"
    USER_SYNC_USAGE = "UserSyncUsage"
    PERSON_CLEANUP = "PersonCleanup"
    PERSON_FILE_MIGRATION = "PersonFileMigration"
    PERSON_GENERATE_THUMBNAIL = "PersonGenerateThumbnail"
    SESSION_CLEANUP = "SessionCleanup"
    SEND_MAIL = "SendMail"
    SIDECAR_QUEUE_ALL = "SidecarQueueAll"
    SIDECAR_CHECK = "SidecarCheck"
    SIDECAR_WRITE = "SidecarWrite"
    SMART_SEARCH_QUEUE_ALL = "SmartSearchQueueAll"
    SMART_SEARCH = "SmartSearch"
    STORAGE_TEMPLATE_MIGRATION = "StorageTemplateMigration"
    STORAGE_TEMPLATE_MIGRATION_SINGLE = "StorageTemplateMigrationSingle"
    TAG_CLEANUP = "TagCleanup"
    VERSION_CHECK = "VersionCheck"
    OCR_QUEUE_ALL = "OcrQueueAll"
    OCR = "Ocr"
    WORKFLOW_ASSET_TRIGGER = "WorkflowAssetTrigger"
    INTEGRITY_UNTRACKED_FILES_QUEUE_ALL = "IntegrityUntrackedFilesQueueAll"
    INTEGRITY_UNTRACKED_FILES = "IntegrityUntrackedFiles"
    INTEGRITY_UNTRACKED_REFRESH = "IntegrityUntrackedRefresh"
    INTEGRITY_MISSING_FILES_QUEUE_ALL = "IntegrityMissingFilesQueueAll"
    INTEGRITY_MISSING_FILES = "IntegrityMissingFiles"
    INTEGRITY_MISSING_FILES_REFRESH = "IntegrityMissingFilesRefresh"
    INTEGRITY_CHECKSUM_FILES = "IntegrityChecksumFiles"
    INTEGRITY_CHECKSUM_FILES_REFRESH = "IntegrityChecksumFilesRefresh"
    INTEGRITY_DELETE_REPORT_TYPE = "IntegrityDeleteReportType"
    INTEGRITY_DELETE_REPORTS = "IntegrityDeleteReports"


class QueueCommand(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EMPTY = "empty"
    CLEAR_FAILED = "clear-failed"


class QueueJobStatus(StrEnum):
    ACTIVE = "active"
    FAILED = "failed"
    COMPLETED = "completed"
    DELAYED = "delayed"
    WAITING = "waiting"
    PAUSED = "paused"


_Q = QueueName
_J = JobName

QUEUE_JOBS: dict[QueueName, tuple[JobName, ...]] = {
    _Q.THUMBNAIL_GENERATION: (
        _J.ASSET_GENERATE_THUMBNAILS_QUEUE_ALL,
        _J.ASSET_GENERATE_THUMBNAILS,
        _J.PERSON_GENERATE_THUMBNAIL,
    ),
    _Q.METADATA_EXTRACTION: (_J.ASSET_EXTRACT_METADATA_QUEUE_ALL, _J.ASSET_EXTRACT_METADATA),
    _Q.VIDEO_CONVERSION: (_J.ASSET_ENCODE_VIDEO_QUEUE_ALL, _J.ASSET_ENCODE_VIDEO),
    _Q.FACE_DETECTION: (_J.ASSET_DETECT_FACES_QUEUE_ALL, _J.ASSET_DETECT_FACES),
    _Q.FACIAL_RECOGNITION: (_J.FACIAL_RECOGNITION_QUEUE_ALL, _J.FACIAL_RECOGNITION),
    _Q.SMART_SEARCH: (_J.SMART_SEARCH_QUEUE_ALL, _J.SMART_SEARCH),
    _Q.DUPLICATE_DETECTION: (_J.ASSET_DETECT_DUPLICATES_QUEUE_ALL, _J.ASSET_DETECT_DUPLICATES),
    _Q.BACKGROUND_TASK: (
        _J.ASSET_DELETE,
        _J.ASSET_DELETE_CHECK,
        _J.ASSET_EMPTY_TRASH,
        _J.AUDIT_TABLE_CLEANUP,
        _J.FILE_DELETE,
        _J.HLS_SESSION_CLEANUP,
        _J.MEMORY_CLEANUP,
        _J.MEMORY_GENERATE,
        _J.NOTIFICATIONS_CLEANUP,
        _J.PERSON_CLEANUP,
        _J.SESSION_CLEANUP,
        _J.TAG_CLEANUP,
        _J.USER_DELETE,
        _J.USER_DELETE_CHECK,
        _J.USER_SYNC_USAGE,
        _J.VERSION_CHECK,
    ),
    _Q.STORAGE_TEMPLATE_MIGRATION: (_J.STORAGE_TEMPLATE_MIGRATION, _J.STORAGE_TEMPLATE_MIGRATION_SINGLE),
    _Q.MIGRATION: (_J.ASSET_FILE_MIGRATION, _J.FILE_MIGRATION_QUEUE_ALL, _J.PERSON_FILE_MIGRATION),
    _Q.SEARCH: (),
    _Q.SIDECAR: (_J.SIDECAR_QUEUE_ALL, _J.SIDECAR_CHECK, _J.SIDECAR_WRITE),
    _Q.LIBRARY: (
        _J.LIBRARY_DELETE_CHECK,
        _J.LIBRARY_DELETE,
        _J.LIBRARY_REMOVE_ASSET,
        _J.LIBRARY_SCAN_ASSETS_QUEUE_ALL,
        _J.LIBRARY_SYNC_ASSETS,
        _J.LIBRARY_SYNC_FILES_QUEUE_ALL,
        _J.LIBRARY_SYNC_FILES,
        _J.LIBRARY_SCAN_QUEUE_ALL,
    ),
    _Q.NOTIFICATIONS: (_J.NOTIFY_USER_SIGNUP, _J.NOTIFY_ALBUM_INVITE, _J.NOTIFY_ALBUM_UPDATE, _J.SEND_MAIL),
    _Q.BACKUP_DATABASE: (_J.DATABASE_BACKUP,),
    _Q.OCR: (_J.OCR_QUEUE_ALL, _J.OCR),
    _Q.WORKFLOW: (_J.WORKFLOW_ASSET_TRIGGER,),
    _Q.INTEGRITY_CHECK: (
        _J.INTEGRITY_UNTRACKED_FILES_QUEUE_ALL,
        _J.INTEGRITY_UNTRACKED_FILES,
        _J.INTEGRITY_UNTRACKED_REFRESH,
        _J.INTEGRITY_MISSING_FILES_QUEUE_ALL,
        _J.INTEGRITY_MISSING_FILES,
        _J.INTEGRITY_MISSING_FILES_REFRESH,
        _J.INTEGRITY_CHECKSUM_FILES,
        _J.INTEGRITY_CHECKSUM_FILES_REFRESH,
        _J.INTEGRITY_DELETE_REPORT_TYPE,
        _J.INTEGRITY_DELETE_REPORTS,
    ),
    _Q.EDITOR: (_J.ASSET_EDIT_THUMBNAIL_GENERATION,),
}

#: Every job name's queue.
JOB_QUEUE: dict[JobName, QueueName] = {job: queue for queue, jobs in QUEUE_JOBS.items() for job in jobs}

#: The job that ``PUT /api/jobs/{queue} {command: "start"}`` queues, as Immich's job service does; queues
#: without an entry cannot be started by hand.
QUEUE_START_JOB: dict[QueueName, JobName] = {
    _Q.THUMBNAIL_GENERATION: _J.ASSET_GENERATE_THUMBNAILS_QUEUE_ALL,
    _Q.METADATA_EXTRACTION: _J.ASSET_EXTRACT_METADATA_QUEUE_ALL,
    _Q.VIDEO_CONVERSION: _J.ASSET_ENCODE_VIDEO_QUEUE_ALL,
    _Q.FACE_DETECTION: _J.ASSET_DETECT_FACES_QUEUE_ALL,
    _Q.FACIAL_RECOGNITION: _J.FACIAL_RECOGNITION_QUEUE_ALL,
    _Q.SMART_SEARCH: _J.SMART_SEARCH_QUEUE_ALL,
    _Q.DUPLICATE_DETECTION: _J.ASSET_DETECT_DUPLICATES_QUEUE_ALL,
    _Q.STORAGE_TEMPLATE_MIGRATION: _J.STORAGE_TEMPLATE_MIGRATION,
    _Q.MIGRATION: _J.FILE_MIGRATION_QUEUE_ALL,
    _Q.SIDECAR: _J.SIDECAR_QUEUE_ALL,
    _Q.LIBRARY: _J.LIBRARY_SCAN_QUEUE_ALL,
    _Q.BACKUP_DATABASE: _J.DATABASE_BACKUP,
    _Q.OCR: _J.OCR_QUEUE_ALL,
}

#: Concurrency when the admin config has no ``job.<queue>.concurrency`` (Immich's defaults; the queues
#: the config does not list — facial recognition, duplicate detection, storage template migration,
#: database backup — always run one job at a time in Immich).
DEFAULT_CONCURRENCY: dict[QueueName, int] = {
    _Q.THUMBNAIL_GENERATION: 3,
    _Q.METADATA_EXTRACTION: 5,
    _Q.VIDEO_CONVERSION: 1,
    _Q.FACE_DETECTION: 2,
    _Q.FACIAL_RECOGNITION: 1,
    _Q.SMART_SEARCH: 2,
    _Q.DUPLICATE_DETECTION: 1,
    _Q.BACKGROUND_TASK: 5,
    _Q.STORAGE_TEMPLATE_MIGRATION: 1,
    _Q.MIGRATION: 5,
    _Q.SEARCH: 5,
    _Q.SIDECAR: 5,
    _Q.LIBRARY: 5,
    _Q.NOTIFICATIONS: 5,
    _Q.BACKUP_DATABASE: 1,
    _Q.OCR: 1,
    _Q.WORKFLOW: 5,
    _Q.INTEGRITY_CHECK: 1,
    _Q.EDITOR: 2,
}

#: Queues whose concurrency the admin config cannot change (absent from ``AdminConfigJobDto``).
FIXED_CONCURRENCY_QUEUES = frozenset(
    {_Q.FACIAL_RECOGNITION, _Q.DUPLICATE_DETECTION, _Q.STORAGE_TEMPLATE_MIGRATION, _Q.BACKUP_DATABASE}
)
