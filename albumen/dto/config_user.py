"""``UserConfigDto`` and ``PublicConfigDto``: the parts of the admin config that users and anonymous
visitors may see (Immich 3.2 added them beside ``/admin/config``)."""

from __future__ import annotations

from typing import TypeVar

from albumen.dto.base import Dto
from albumen.dto.config_admin import AdminConfigDto
from albumen.dto.config_enums import HlsVideoResolution, VideoCodec


class UserConfigFFmpegRealtimeDto(Dto):
    enabled: bool
    videoCodecs: list[VideoCodec]
    resolutions: list[HlsVideoResolution]


class UserConfigFFmpegDto(Dto):
    realtime: UserConfigFFmpegRealtimeDto


class UserConfigGeneratedImageDto(Dto):
    size: int


class UserConfigGeneratedFullsizeImageDto(Dto):
    enabled: bool


class UserConfigImageDto(Dto):
    thumbnail: UserConfigGeneratedImageDto
    preview: UserConfigGeneratedImageDto
    fullsize: UserConfigGeneratedFullsizeImageDto


class UserConfigClipDto(Dto):
    enabled: bool


class UserConfigDuplicateDetectionDto(Dto):
    enabled: bool


class UserConfigFacialRecognitionDto(Dto):
    enabled: bool
    minFaces: int


class UserConfigOcrDto(Dto):
    enabled: bool


class UserConfigMachineLearningDto(Dto):
    enabled: bool
    clip: UserConfigClipDto
    duplicateDetection: UserConfigDuplicateDetectionDto
    facialRecognition: UserConfigFacialRecognitionDto
    ocr: UserConfigOcrDto


class UserConfigMapDto(Dto):
    enabled: bool
    lightStyle: str
    darkStyle: str


class UserConfigOAuthDto(Dto):
    enabled: bool
    autoLaunch: bool
    buttonText: str


class UserConfigPasswordLoginDto(Dto):
    enabled: bool


class UserConfigReverseGeocodingDto(Dto):
    enabled: bool


class UserConfigServerDto(Dto):
    externalDomain: str
    loginPageMessage: str
    publicUsers: bool


class UserConfigThemeDto(Dto):
    customCss: str


class UserConfigTrashDto(Dto):
    enabled: bool
    days: int


class UserConfigUserDto(Dto):
    deleteDelay: int


class UserConfigDto(Dto):
    ffmpeg: UserConfigFFmpegDto
    image: UserConfigImageDto
    machineLearning: UserConfigMachineLearningDto
    map: UserConfigMapDto
    oauth: UserConfigOAuthDto
    passwordLogin: UserConfigPasswordLoginDto
    reverseGeocoding: UserConfigReverseGeocodingDto
    server: UserConfigServerDto
    theme: UserConfigThemeDto
    trash: UserConfigTrashDto
    user: UserConfigUserDto


class PublicConfigOAuthDto(Dto):
    enabled: bool
    autoLaunch: bool
    buttonText: str


class PublicConfigPasswordLoginDto(Dto):
    enabled: bool


class PublicConfigServerDto(Dto):
    loginPageMessage: str


class PublicConfigThemeDto(Dto):
    customCss: str


class PublicConfigDto(Dto):
    oauth: PublicConfigOAuthDto
    passwordLogin: PublicConfigPasswordLoginDto
    server: PublicConfigServerDto
    theme: PublicConfigThemeDto


ViewT = TypeVar("ViewT", bound=Dto)


def _view(view: type[ViewT], config: AdminConfigDto) -> ViewT:
    """Project the admin config onto a view: each view field keeps only the keys the view declares."""
    return view.model_validate(config.model_dump(by_alias=True))


def to_user_config(config: AdminConfigDto) -> UserConfigDto:
    return _view(UserConfigDto, config)


def to_public_config(config: AdminConfigDto) -> PublicConfigDto:
    return _view(PublicConfigDto, config)
