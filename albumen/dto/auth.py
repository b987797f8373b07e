"""``Authentication`` DTOs: sign-up, login, password and PIN code, auth status."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from albumen.dto.base import Dto, OmitNoneDto, RequestDto, Timestamp

#: Immich's email rule (its DTOs' ``pattern``): local domains such as ``admin@nas`` are fine.
EMAIL_PATTERN = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)


def _email(value: str) -> str:
    value = value.strip().lower()
    if not EMAIL_PATTERN.match(value):
        raise ValueError("Invalid email address")
    return value


#: An email address as Immich accepts it, trimmed and lower-cased.
Email = Annotated[str, AfterValidator(_email)]
PinCode = Annotated[str, Field(pattern=r"^\d{6}$")]


class SignUpDto(RequestDto):
    email: Email
    name: str
    password: str


class LoginCredentialDto(RequestDto):
    email: Email
    password: str


class LoginResponseDto(Dto):
    accessToken: str
    userId: str
    userEmail: str
    name: str
    isAdmin: bool
    isOnboarded: bool
    profileImagePath: str
    shouldChangePassword: bool


class LogoutResponseDto(Dto):
    successful: bool
    redirectUri: str


class ValidateAccessTokenResponseDto(Dto):
    authStatus: bool


class ChangePasswordDto(RequestDto):
    password: str
    newPassword: str = Field(min_length=8)
    invalidateSessions: bool = False


class AuthStatusResponseDto(OmitNoneDto):
    omit_when_none = frozenset({"expiresAt", "pinExpiresAt"})

    pinCode: bool
    password: bool
    isElevated: bool
    expiresAt: Timestamp | None = None
    pinExpiresAt: Timestamp | None = None


class PinCodeSetupDto(RequestDto):
    pinCode: PinCode


class PinCodeChangeDto(RequestDto):
    newPinCode: PinCode
    pinCode: PinCode | None = None
    password: str | None = None


class PinCodeResetDto(RequestDto):
    pinCode: PinCode | None = None
    password: str | None = None


class SessionUnlockDto(RequestDto):
    pinCode: PinCode | None = None
    password: str | None = None
