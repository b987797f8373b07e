"""``AdminConfigDto`` (Immich 3.2's name for ``SystemConfigDto``): the admin-editable server config.

The same models validate updates and describe responses, so the bounds below are Immich's zod bounds.
Field names are Immich's camelCase; ``import`` and ``from`` are Python keywords, hence the aliases.
"""

from __future__ import annotations

from typing import Annotated

from croniter import croniter
from pydantic import AfterValidator, Field

from albumen.dto.base import Dto
from albumen.dto.config_enums import (
    AudioCodec,
    Colorspace,
    CQMode,
    HlsVideoResolution,
    ImageFormat,
    LogLevel,
    OAuthTokenEndpointAuthMethod,
    ReleaseChannel,
    ToneMapping,
    TranscodeHWAccel,
    TranscodePolicy,
    VideoCodec,
    VideoContainer,
)


def _cron_expression(value: str) -> str:
    if not croniter.is_valid(value):
        raise ValueError("Invalid cron expression")
    return value


def _hh_mm(value: str) -> str:
    hours, _, minutes = value.partition(":")
    if not (len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
        raise ValueError("Invalid input: expected string in HH:MM format")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError("Invalid input: expected string in HH:MM format")
    return value


def _empty_or_url(value: str) -> str:
    if value and not value.startswith(("http://", "https://")):
        raise ValueError("must be an empty string or a valid URL")
    return value


CronExpression = Annotated[str, AfterValidator(_cron_expression)]
ClockTime = Annotated[str, AfterValidator(_hh_mm)]
OptionalUrl = Annotated[str, AfterValidator(_empty_or_url)]
Concurrency = Annotated[int, Field(ge=1)]
Quality = Annotated[int, Field(ge=1, le=100)]
Score = Annotated[float, Field(ge=0.1, le=1)]


class AdminConfigDatabaseBackupDto(Dto):
    enabled: bool
    cronExpression: CronExpression
    keepLastAmount: Annotated[int, Field(ge=1)]


class AdminConfigBackupsDto(Dto):
    database: AdminConfigDatabaseBackupDto


class AdminConfigFFmpegRealtimeDto(Dto):
    enabled: bool
    videoCodecs: list[VideoCodec]
    resolutions: list[HlsVideoResolution]


class AdminConfigFFmpegDto(Dto):
    crf: Annotated[int, Field(ge=0, le=51)]
    threads: Annotated[int, Field(ge=0)]
    preset: str
    targetVideoCodec: VideoCodec
    acceptedVideoCodecs: list[VideoCodec]
    targetAudioCodec: AudioCodec
    acceptedAudioCodecs: list[AudioCodec]
    acceptedContainers: list[VideoContainer]
    targetResolution: str
    maxBitrate: str
    bframes: Annotated[int, Field(ge=-1, le=16)]
    refs: Annotated[int, Field(ge=0, le=6)]
    gopSize: Annotated[int, Field(ge=0)]
    temporalAQ: bool
    cqMode: CQMode
    twoPass: bool
    preferredHwDevice: str
    transcode: TranscodePolicy
    accel: TranscodeHWAccel
    accelDecode: bool
    tonemap: ToneMapping
    realtime: AdminConfigFFmpegRealtimeDto


class AdminConfigIntegrityJobDto(Dto):
    enabled: bool
    cronExpression: CronExpression


class AdminConfigIntegrityChecksumJobDto(AdminConfigIntegrityJobDto):
    timeLimit: Annotated[int, Field(ge=0)]
    percentageLimit: Annotated[float, Field(ge=0, le=1)]


class AdminConfigIntegrityChecksDto(Dto):
    missingFiles: AdminConfigIntegrityJobDto
    untrackedFiles: AdminConfigIntegrityJobDto
    checksumFiles: AdminConfigIntegrityChecksumJobDto


class AdminConfigJobSettingsDto(Dto):
    concurrency: Concurrency


class AdminConfigJobDto(Dto):
    thumbnailGeneration: AdminConfigJobSettingsDto
    metadataExtraction: AdminConfigJobSettingsDto
    videoConversion: AdminConfigJobSettingsDto
    faceDetection: AdminConfigJobSettingsDto
    smartSearch: AdminConfigJobSettingsDto
    backgroundTask: AdminConfigJobSettingsDto
    migration: AdminConfigJobSettingsDto
    search: AdminConfigJobSettingsDto
    sidecar: AdminConfigJobSettingsDto
    library: AdminConfigJobSettingsDto
    notifications: AdminConfigJobSettingsDto
    ocr: AdminConfigJobSettingsDto
    workflow: AdminConfigJobSettingsDto
    editor: AdminConfigJobSettingsDto
    integrityCheck: AdminConfigJobSettingsDto


class AdminConfigLibraryScanDto(Dto):
    enabled: bool
    cronExpression: CronExpression


class AdminConfigLibraryWatchDto(Dto):
    enabled: bool


class AdminConfigLibraryDto(Dto):
    scan: AdminConfigLibraryScanDto
    watch: AdminConfigLibraryWatchDto


class AdminConfigLoggingDto(Dto):
    enabled: bool
    level: LogLevel


class AdminConfigMachineLearningAvailabilityChecksDto(Dto):
    enabled: bool
    timeout: int
    interval: int


class AdminConfigClipDto(Dto):
    enabled: bool
    modelName: str


class AdminConfigDuplicateDetectionDto(Dto):
    enabled: bool
    maxDistance: Annotated[float, Field(ge=0.001, le=0.1)]


class AdminConfigFacialRecognitionDto(Dto):
    enabled: bool
    modelName: str
    minScore: Score
    maxDistance: Annotated[float, Field(ge=0.1, le=2)]
    minFaces: Annotated[int, Field(ge=1)]


class AdminConfigOcrDto(Dto):
    enabled: bool
    modelName: str
    minDetectionScore: Score
    minRecognitionScore: Score
    maxResolution: Annotated[int, Field(ge=1)]


class AdminConfigMachineLearningDto(Dto):
    enabled: bool
    urls: Annotated[list[str], Field(min_length=1)]
    availabilityChecks: AdminConfigMachineLearningAvailabilityChecksDto
    clip: AdminConfigClipDto
    duplicateDetection: AdminConfigDuplicateDetectionDto
    facialRecognition: AdminConfigFacialRecognitionDto
    ocr: AdminConfigOcrDto


class AdminConfigMapDto(Dto):
    enabled: bool
    lightStyle: str
    darkStyle: str


class AdminConfigFacesDto(Dto):
    import_: bool = Field(alias="import")


class AdminConfigMetadataDto(Dto):
    faces: AdminConfigFacesDto


class AdminConfigNewVersionCheckDto(Dto):
    enabled: bool
    channel: ReleaseChannel


class AdminConfigNightlyTasksDto(Dto):
    startTime: ClockTime
    databaseCleanup: bool
    missingThumbnails: bool
    clusterNewFaces: bool
    generateMemories: bool
    syncQuotaUsage: bool


class AdminConfigSmtpTransportDto(Dto):
    ignoreCert: bool
    host: str
    port: Annotated[int, Field(ge=0, le=65535)]
    secure: bool
    username: str
    password: str


class AdminConfigSmtpDto(Dto):
    enabled: bool
    from_: str = Field(alias="from")
    replyTo: str
    transport: AdminConfigSmtpTransportDto


class AdminConfigNotificationsDto(Dto):
    smtp: AdminConfigSmtpDto


class AdminConfigOAuthDto(Dto):
    accountManagementUrl: OptionalUrl = ""
    allowInsecureRequests: bool
    autoLaunch: bool
    autoRegister: bool
    buttonText: str
    clientId: str
    clientSecret: str
    defaultStorageQuota: Annotated[int, Field(ge=0)] | None
    enabled: bool
    endSessionEndpoint: OptionalUrl
    issuerUrl: OptionalUrl
    mobileOverrideEnabled: bool
    mobileRedirectUri: str
    profileSigningAlgorithm: str
    prompt: str
    roleClaim: str
    scope: str
    signingAlgorithm: str
    storageLabelClaim: str
    storageQuotaClaim: str
    timeout: Annotated[int, Field(ge=1)]
    tokenEndpointAuthMethod: OAuthTokenEndpointAuthMethod


class AdminConfigPasswordLoginDto(Dto):
    enabled: bool


class AdminConfigReverseGeocodingDto(Dto):
    enabled: bool


class AdminConfigServerDto(Dto):
    externalDomain: OptionalUrl
    loginPageMessage: str
    publicUsers: bool


class AdminConfigStorageTemplateDto(Dto):
    enabled: bool
    hashVerificationEnabled: bool
    template: str


class AdminConfigTemplateEmailsDto(Dto):
    albumInviteTemplate: str
    welcomeTemplate: str
    albumUpdateTemplate: str


class AdminConfigTemplatesDto(Dto):
    email: AdminConfigTemplateEmailsDto


class AdminConfigThemeDto(Dto):
    customCss: str


class AdminConfigGeneratedImageDto(Dto):
    format: ImageFormat
    quality: Quality
    size: Annotated[int, Field(ge=1)]
    progressive: bool = False


class AdminConfigGeneratedFullsizeImageDto(Dto):
    enabled: bool
    format: ImageFormat
    quality: Quality
    progressive: bool = False


class AdminConfigImageDto(Dto):
    thumbnail: AdminConfigGeneratedImageDto
    preview: AdminConfigGeneratedImageDto
    fullsize: AdminConfigGeneratedFullsizeImageDto
    colorspace: Colorspace
    extractEmbedded: bool


class AdminConfigTrashDto(Dto):
    enabled: bool
    days: Annotated[int, Field(ge=0)]


class AdminConfigUserDto(Dto):
    deleteDelay: Annotated[int, Field(ge=1)]


class AdminConfigDto(Dto):
    backup: AdminConfigBackupsDto
    ffmpeg: AdminConfigFFmpegDto
    image: AdminConfigImageDto
    integrityChecks: AdminConfigIntegrityChecksDto
    job: AdminConfigJobDto
    library: AdminConfigLibraryDto
    logging: AdminConfigLoggingDto
    machineLearning: AdminConfigMachineLearningDto
    map: AdminConfigMapDto
    metadata: AdminConfigMetadataDto
    newVersionCheck: AdminConfigNewVersionCheckDto
    nightlyTasks: AdminConfigNightlyTasksDto
    notifications: AdminConfigNotificationsDto
    oauth: AdminConfigOAuthDto
    passwordLogin: AdminConfigPasswordLoginDto
    reverseGeocoding: AdminConfigReverseGeocodingDto
    server: AdminConfigServerDto
    storageTemplate: AdminConfigStorageTemplateDto
    templates: AdminConfigTemplatesDto
    theme: AdminConfigThemeDto
    trash: AdminConfigTrashDto
    user: AdminConfigUserDto


#: What other services read: ``config.passwordLogin.enabled``, ``config.user.deleteDelay`` ...
AdminConfig = AdminConfigDto


class SystemConfigTemplateStorageOptionDto(Dto):
    yearOptions: list[str]
    monthOptions: list[str]
    weekOptions: list[str]
    dayOptions: list[str]
    hourOptions: list[str]
    minuteOptions: list[str]
    secondOptions: list[str]
    presetOptions: list[str]
