"""Download DTOs: how a selection splits into ZIP archives (``/download/info``) and what one archive holds."""

from __future__ import annotations

import uuid

from pydantic import Field

from albumen.dto.base import Dto, RequestDto


class DownloadInfoDto(RequestDto):
    assetIds: list[uuid.UUID] | None = None
    albumId: uuid.UUID | None = None
    userId: uuid.UUID | None = None
    #: Bytes per archive; Immich's default is 4 GiB.
    archiveSize: int | None = Field(default=None, gt=0)


class DownloadArchiveInfo(Dto):
    size: int
    assetIds: list[str]


class DownloadResponseDto(Dto):
    totalSize: int
    archives: list[DownloadArchiveInfo]


class DownloadArchiveDto(RequestDto):
    assetIds: list[uuid.UUID]
    archiveName: str | None = None
    edited: bool | None = None
