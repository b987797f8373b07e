"""DTOs of the ``Server`` and ``System metadata`` tags."""

from __future__ import annotations

from albumen.dto.base import Dto, RequestDto, Timestamp


class ServerPingResponse(Dto):
    res: str


class ServerVersionResponseDto(Dto):
    major: int
    minor: int
    patch: int
    prerelease: str | None = None


class ServerVersionHistoryResponseDto(Dto):
    id: str
    createdAt: Timestamp
    version: str


class ServerFeaturesDto(Dto):
    smartSearch: bool
    facialRecognition: bool
    duplicateDetection: bool
    map: bool
    reverseGeocoding: bool
    importFaces: bool
    sidecar: bool
    search: bool
    trash: bool
    oauth: bool
    oauthAutoLaunch: bool
    ocr: bool
    passwordLogin: bool
    configFile: bool
    email: bool
    realtimeTranscoding: bool


class ServerConfigDto(Dto):
    loginPageMessage: str
    trashDays: int
    userDeleteDelay: int
    oauthButtonText: str
    oauthAccountManagementUrl: str
    isInitialized: bool
    isOnboarded: bool
    externalDomain: str
    publicUsers: bool
    mapDarkStyleUrl: str
    mapLightStyleUrl: str
    maintenanceMode: bool
    minFaces: int


class ServerAboutResponseDto(Dto):
    """Optional fields are left out when unknown rather than sent as null, as Immich does."""

    version: str
    versionUrl: str
    licensed: bool
    build: str | None = None
    buildUrl: str | None = None
    buildImage: str | None = None
    buildImageUrl: str | None = None
    repository: str | None = None
    repositoryUrl: str | None = None
    sourceRef: str | None = None
    sourceCommit: str | None = None
    sourceUrl: str | None = None
    nodejs: str | None = None
    exiftool: str | None = None
    ffmpeg: str | None = None
    libvips: str | None = None
    imagemagick: str | None = None
    thirdPartySourceUrl: str | None = None
    thirdPartyBugFeatureUrl: str | None = None
    thirdPartyDocumentationUrl: str | None = None
    thirdPartySupportUrl: str | None = None


class ServerMediaTypesResponseDto(Dto):
    image: list[str]
    video: list[str]
    sidecar: list[str]


class ServerStorageResponseDto(Dto):
    diskSize: str
    diskUse: str
    diskAvailable: str
    diskSizeRaw: int
    diskUseRaw: int
    diskAvailableRaw: int
    diskUsagePercentage: float


class UsageByUserDto(Dto):
    userId: str
    userName: str
    photos: int
    videos: int
    usage: int
    usagePhotos: int
    usageVideos: int
    quotaSizeInBytes: int | None


class ServerStatsResponseDto(Dto):
    photos: int = 0
    videos: int = 0
    usage: int = 0
    usagePhotos: int = 0
    usageVideos: int = 0
    usageByUser: list[UsageByUserDto] = []


class ServerApkLinksDto(Dto):
    arm64v8a: str
    armeabiv7a: str
    universal: str
    x86_64: str


class LicenseKeyDto(RequestDto):
    licenseKey: str
    activationKey: str


class VersionCheckStateResponseDto(Dto):
    checkedAt: str | None = None
    releaseVersion: str | None = None


class ReverseGeocodingStateResponseDto(Dto):
    lastUpdate: str | None = None
    lastImportFileName: str | None = None


class AdminOnboardingUpdateDto(RequestDto):
    isOnboarded: bool
