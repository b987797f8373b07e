"""Sync DTOs: the stream request, acknowledgements, and the request/entity type enums of 3.2.2."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from albumen.dto.base import Dto, RequestDto


class SyncRequestType(StrEnum):
    ALBUMS_V1 = "AlbumsV1"
    ALBUMS_V2 = "AlbumsV2"
    ALBUM_USERS_V1 = "AlbumUsersV1"
    ALBUM_TO_ASSETS_V1 = "AlbumToAssetsV1"
    ALBUM_ASSETS_V1 = "AlbumAssetsV1"
    ALBUM_ASSETS_V2 = "AlbumAssetsV2"
    ALBUM_ASSET_EXIFS_V1 = "AlbumAssetExifsV1"
    ASSETS_V1 = "AssetsV1"
    ASSETS_V2 = "AssetsV2"
    ASSET_EXIFS_V1 = "AssetExifsV1"
    ASSET_EDITS_V1 = "AssetEditsV1"
    ASSET_METADATA_V1 = "AssetMetadataV1"
    ASSET_OCR_V1 = "AssetOcrV1"
    AUTH_USERS_V1 = "AuthUsersV1"
    MEMORIES_V1 = "MemoriesV1"
    MEMORY_TO_ASSETS_V1 = "MemoryToAssetsV1"
    PARTNERS_V1 = "PartnersV1"
    PARTNER_ASSETS_V1 = "PartnerAssetsV1"
    PARTNER_ASSETS_V2 = "PartnerAssetsV2"
    PARTNER_ASSET_EXIFS_V1 = "PartnerAssetExifsV1"
    PARTNER_STACKS_V1 = "PartnerStacksV1"
    STACKS_V1 = "StacksV1"
    USERS_V1 = "UsersV1"
    PEOPLE_V1 = "PeopleV1"
    ASSET_FACES_V1 = "AssetFacesV1"
    ASSET_FACES_V2 = "AssetFacesV2"
    USER_METADATA_V1 = "UserMetadataV1"


class SyncEntityType(StrEnum):
    AUTH_USER_V1 = "AuthUserV1"
    USER_V1 = "UserV1"
    USER_DELETE_V1 = "UserDeleteV1"
    ASSET_V1 = "AssetV1"
    ASSET_V2 = "AssetV2"
    ASSET_DELETE_V1 = "AssetDeleteV1"
    ASSET_EXIF_V1 = "AssetExifV1"
    ASSET_EDIT_V1 = "AssetEditV1"
    ASSET_EDIT_DELETE_V1 = "AssetEditDeleteV1"
    ASSET_METADATA_V1 = "AssetMetadataV1"
    ASSET_METADATA_DELETE_V1 = "AssetMetadataDeleteV1"
    ASSET_OCR_V1 = "AssetOcrV1"
    ASSET_OCR_DELETE_V1 = "AssetOcrDeleteV1"
    PARTNER_V1 = "PartnerV1"
    PARTNER_DELETE_V1 = "PartnerDeleteV1"
    PARTNER_ASSET_V1 = "PartnerAssetV1"
    PARTNER_ASSET_V2 = "PartnerAssetV2"
    PARTNER_ASSET_BACKFILL_V1 = "PartnerAssetBackfillV1"
    PARTNER_ASSET_BACKFILL_V2 = "PartnerAssetBackfillV2"
    PARTNER_ASSET_DELETE_V1 = "PartnerAssetDeleteV1"
    PARTNER_ASSET_EXIF_V1 = "PartnerAssetExifV1"
    PARTNER_ASSET_EXIF_BACKFILL_V1 = "PartnerAssetExifBackfillV1"
    PARTNER_STACK_BACKFILL_V1 = "PartnerStackBackfillV1"
    PARTNER_STACK_DELETE_V1 = "PartnerStackDeleteV1"
    PARTNER_STACK_V1 = "PartnerStackV1"
    ALBUM_V1 = "AlbumV1"
    ALBUM_V2 = "AlbumV2"
    ALBUM_DELETE_V1 = "AlbumDeleteV1"
    ALBUM_USER_V1 = "AlbumUserV1"
    ALBUM_USER_BACKFILL_V1 = "AlbumUserBackfillV1"
    ALBUM_USER_DELETE_V1 = "AlbumUserDeleteV1"
    ALBUM_ASSET_CREATE_V1 = "AlbumAssetCreateV1"
    ALBUM_ASSET_CREATE_V2 = "AlbumAssetCreateV2"
    ALBUM_ASSET_UPDATE_V1 = "AlbumAssetUpdateV1"
    ALBUM_ASSET_UPDATE_V2 = "AlbumAssetUpdateV2"
    ALBUM_ASSET_BACKFILL_V1 = "AlbumAssetBackfillV1"
    ALBUM_ASSET_BACKFILL_V2 = "AlbumAssetBackfillV2"
    ALBUM_ASSET_EXIF_CREATE_V1 = "AlbumAssetExifCreateV1"
    ALBUM_ASSET_EXIF_UPDATE_V1 = "AlbumAssetExifUpdateV1"
    ALBUM_ASSET_EXIF_BACKFILL_V1 = "AlbumAssetExifBackfillV1"
    ALBUM_TO_ASSET_V1 = "AlbumToAssetV1"
    ALBUM_TO_ASSET_DELETE_V1 = "AlbumToAssetDeleteV1"
    ALBUM_TO_ASSET_BACKFILL_V1 = "AlbumToAssetBackfillV1"
    MEMORY_V1 = "MemoryV1"
    MEMORY_DELETE_V1 = "MemoryDeleteV1"
    MEMORY_TO_ASSET_V1 = "MemoryToAssetV1"
    MEMORY_TO_ASSET_DELETE_V1 = "MemoryToAssetDeleteV1"
    STACK_V1 = "StackV1"
    STACK_DELETE_V1 = "StackDeleteV1"
    PERSON_V1 = "PersonV1"
    PERSON_DELETE_V1 = "PersonDeleteV1"
    ASSET_FACE_V1 = "AssetFaceV1"
    ASSET_FACE_V2 = "AssetFaceV2"
    ASSET_FACE_DELETE_V1 = "AssetFaceDeleteV1"
    USER_METADATA_V1 = "UserMetadataV1"
    USER_METADATA_DELETE_V1 = "UserMetadataDeleteV1"
    SYNC_ACK_V1 = "SyncAckV1"
    SYNC_RESET_V1 = "SyncResetV1"
    SYNC_COMPLETE_V1 = "SyncCompleteV1"


class SyncStreamDto(RequestDto):
    types: list[SyncRequestType]
    reset: bool | None = None


class SyncAckSetDto(RequestDto):
    acks: list[str] = Field(max_length=1000)


class SyncAckDeleteDto(RequestDto):
    types: list[SyncEntityType] | None = None


class SyncAckDto(Dto):
    type: SyncEntityType
    ack: str
