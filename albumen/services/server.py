"""Facts about this server: version, features, storage, statistics, license."""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from albumen.config import Settings
from albumen.db.repositories.statistics import StatisticsRepository
from albumen.db.repositories.system_metadata import SystemMetadataRepository
from albumen.db.repositories.users import UserRepository
from albumen.dto.base import iso_timestamp
from albumen.dto.server import (
    LicenseKeyDto,
    ServerAboutResponseDto,
    ServerApkLinksDto,
    ServerConfigDto,
    ServerFeaturesDto,
    ServerMediaTypesResponseDto,
    ServerStatsResponseDto,
    ServerStorageResponseDto,
    ServerVersionHistoryResponseDto,
    ServerVersionResponseDto,
    UsageByUserDto,
    VersionCheckStateResponseDto,
)
from albumen.dto.users import UserLicense
from albumen.media.formats import IMAGE_EXTENSIONS, SIDECAR_EXTENSIONS, VIDEO_EXTENSIONS
from albumen.services import maintenance, system_config, system_metadata
from albumen.services.errors import BadRequestError, NotFoundError
from albumen.services.ml_client import MachineLearningClient
from albumen.version import ALBUMEN_VERSION, IMMICH_API_VERSION, IMMICH_API_VERSION_STRING

VERSION_HISTORY_KEY = "version-history"
LICENSE_KEY = "license"
RELEASES_URL = "https://github.com/immich-app/immich/releases"


def version() -> ServerVersionResponseDto:
    major, minor, patch = IMMICH_API_VERSION
    return ServerVersionResponseDto(major=major, minor=minor, patch=patch, prerelease=None)


def _version_number() -> str:
    return "{}.{}.{}".format(*IMMICH_API_VERSION)


async def record_version(db: AsyncSession) -> None:
    """Remember when this server first ran the Immich version it serves (call once at startup)."""
    repository = SystemMetadataRepository(db)
    history = await repository.get(VERSION_HISTORY_KEY)
    entries = history if isinstance(history, list) else []
    current = _version_number()
    if entries and entries[-1].get("version") == current:
        return
    entry = {"id": str(uuid.uuid4()), "createdAt": iso_timestamp(datetime.now(UTC)), "version": current}
    await repository.set(VERSION_HISTORY_KEY, [*entries, entry])
    await db.commit()


async def version_history(db: AsyncSession) -> list[ServerVersionHistoryResponseDto]:
    """Newest first, as Immich lists its ``version_history`` table."""
    history = await SystemMetadataRepository(db).get(VERSION_HISTORY_KEY)
    entries = history if isinstance(history, list) else []
    return [ServerVersionHistoryResponseDto.model_validate(entry) for entry in reversed(entries)]


async def features(db: AsyncSession, settings: Settings) -> ServerFeaturesDto:
    config = await system_config.get_config(db, settings)
    ml = config.machineLearning
    smart_search = ml.enabled and ml.clip.enabled
    # Features that need the ML service read false while no service answers (their jobs wait).
    client = MachineLearningClient.from_config(ml)
    reachable = ml.enabled and await client.is_available()
    # A CLIP model no service has (its jobs are skipped) reads as no smart search until it appears.
    clip_present = (
        smart_search and reachable and await client.model_available("clip", "visual", ml.clip.modelName)
    )
    return ServerFeaturesDto(
        smartSearch=clip_present,
        facialRecognition=ml.enabled and ml.facialRecognition.enabled and reachable,
        duplicateDetection=smart_search and ml.duplicateDetection.enabled,
        ocr=ml.enabled and ml.ocr.enabled and reachable,
        map=config.map.enabled,
        reverseGeocoding=config.reverseGeocoding.enabled,
        importFaces=config.metadata.faces.import_,
        sidecar=True,
        search=True,
        trash=config.trash.enabled,
        oauth=config.oauth.enabled,
        oauthAutoLaunch=config.oauth.autoLaunch,
        passwordLogin=config.passwordLogin.enabled,
        configFile=settings.config_file is not None,
        email=config.notifications.smtp.enabled,
        realtimeTranscoding=config.ffmpeg.realtime.enabled,
    )


async def server_config(db: AsyncSession, settings: Settings) -> ServerConfigDto:
    config = await system_config.get_config(db, settings)
    return ServerConfigDto(
        loginPageMessage=config.server.loginPageMessage,
        trashDays=config.trash.days,
        userDeleteDelay=config.user.deleteDelay,
        oauthButtonText=config.oauth.buttonText,
        oauthAccountManagementUrl=config.oauth.accountManagementUrl,
        isInitialized=await UserRepository(db).has_admin(),
        isOnboarded=await system_metadata.is_admin_onboarded(db, settings),
        externalDomain=config.server.externalDomain,
        publicUsers=config.server.publicUsers,
        mapDarkStyleUrl=config.map.darkStyle,
        mapLightStyleUrl=config.map.lightStyle,
        maintenanceMode=await maintenance.is_enabled(db),
        minFaces=config.machineLearning.facialRecognition.minFaces,
    )


async def about(db: AsyncSession) -> ServerAboutResponseDto:
    """Immich's version (what clients gate on), and the truth about what actually runs it."""
    tools = await _tool_versions()
    return ServerAboutResponseDto(
        version=IMMICH_API_VERSION_STRING,
        versionUrl=f"{RELEASES_URL}/tag/{IMMICH_API_VERSION_STRING}",
        licensed=await SystemMetadataRepository(db).get(LICENSE_KEY) is not None,
        build=f"Albumen {ALBUMEN_VERSION} on Python {platform.python_version()}",
        sourceRef=f"albumen-{ALBUMEN_VERSION}",
        ffmpeg=tools.get("ffmpeg"),
        exiftool=tools.get("exiftool"),
    )


def media_types() -> ServerMediaTypesResponseDto:
    return ServerMediaTypesResponseDto(
        image=list(IMAGE_EXTENSIONS), video=list(VIDEO_EXTENSIONS), sidecar=list(SIDECAR_EXTENSIONS)
    )


def storage(settings: Settings) -> ServerStorageResponseDto:
    """Disk use of the file system holding the media root (``used`` counts blocks reserved for root)."""
    folder = _existing_ancestor(settings.media_root)
    stats = os.statvfs(folder)
    total = stats.f_blocks * stats.f_frsize
    free = stats.f_bfree * stats.f_frsize
    available = stats.f_bavail * stats.f_frsize
    used = total - free
    return ServerStorageResponseDto(
        diskSize=human_readable_size(total),
        diskUse=human_readable_size(used),
        diskAvailable=human_readable_size(available),
        diskSizeRaw=total,
        diskUseRaw=used,
        diskAvailableRaw=available,
        diskUsagePercentage=round(used / total * 100, 2) if total else 0.0,
    )


async def statistics(db: AsyncSession) -> ServerStatsResponseDto:
    stats = ServerStatsResponseDto()
    for row in await StatisticsRepository(db).usage_by_user():
        stats.photos += row.photos
        stats.videos += row.videos
        stats.usage += row.usage
        stats.usagePhotos += row.usage_photos
        stats.usageVideos += row.usage_videos
        stats.usageByUser.append(
            UsageByUserDto(
                userId=str(row.user_id),
                userName=row.user_name,
                photos=row.photos,
                videos=row.videos,
                usage=row.usage,
                usagePhotos=row.usage_photos,
                usageVideos=row.usage_videos,
                quotaSizeInBytes=row.quota_size_in_bytes,
            )
        )
    return stats


async def get_license(db: AsyncSession) -> UserLicense:
    stored = await SystemMetadataRepository(db).get(LICENSE_KEY)
    if not isinstance(stored, dict):
        raise NotFoundError("Not Found")
    return UserLicense.model_validate(stored)


async def set_license(db: AsyncSession, key: LicenseKeyDto) -> UserLicense:
    """Stores a server license key. Immich also checks the activation key's signature against its
    own public key; Albumen sells nothing, so only the key's form is checked."""
    if not key.licenseKey.startswith("IMSV-"):
        raise BadRequestError("Invalid license key")
    license_ = UserLicense(
        licenseKey=key.licenseKey, activationKey=key.activationKey, activatedAt=datetime.now(UTC)
    )
    await SystemMetadataRepository(db).set(LICENSE_KEY, license_.model_dump(mode="json"))
    await db.commit()
    return license_


async def delete_license(db: AsyncSession) -> None:
    await SystemMetadataRepository(db).delete(LICENSE_KEY)
    await db.commit()


def apk_links() -> ServerApkLinksDto:
    """Albumen serves the Immich app, so these are the Immich release's APKs."""
    base = f"{RELEASES_URL}/download/{IMMICH_API_VERSION_STRING}"
    return ServerApkLinksDto(
        arm64v8a=f"{base}/app-arm64-v8a-release.apk",
        armeabiv7a=f"{base}/app-armeabi-v7a-release.apk",
        universal=f"{base}/app-release.apk",
        x86_64=f"{base}/app-x86_64-release.apk",
    )


async def version_check(db: AsyncSession) -> VersionCheckStateResponseDto:
    return await system_metadata.get_version_check_state(db)


def human_readable_size(size: int, precision: int = 1) -> str:
    """Immich's binary units: ``"512 B"``, ``"1.5 GiB"``; rounding up to 1024 moves to the next unit."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    magnitude = 0
    remainder = float(size)
    while remainder >= 1024 and magnitude + 1 < len(units):
        magnitude += 1
        remainder /= 1024
    digits = 0 if magnitude == 0 else precision
    if magnitude + 1 < len(units) and round(remainder, digits) >= 1024:
        magnitude += 1
        remainder /= 1024
        digits = precision
    return f"{remainder:.{digits}f} {units[magnitude]}"


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


_tool_version_cache: dict[str, str] = {}
_tools_probed = False


async def _tool_versions() -> dict[str, str]:
    """Versions of the external tools Albumen runs, probed once per process."""
    global _tools_probed
    if not _tools_probed:
        for name, arguments in (("ffmpeg", ["-version"]), ("exiftool", ["-ver"])):
            found = await _probe(name, arguments)
            if found:
                _tool_version_cache[name] = found
        _tools_probed = True
    return _tool_version_cache


async def _probe(name: str, arguments: list[str]) -> str | None:
    executable = shutil.which(name)
    if executable is None:
        return None
    try:
        process = await asyncio.create_subprocess_exec(
            executable, *arguments, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=5)
    except (OSError, TimeoutError):
        return None
    words = output.decode(errors="replace").split()
    if name == "ffmpeg":  # "ffmpeg version 6.1.1-3ubuntu5 Copyright ..."
        return words[2] if len(words) > 2 and words[1] == "version" else None
    return words[0] if words else None
