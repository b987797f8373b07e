"""Email: Immich's templates (test, welcome, album invite, album update) and sending over SMTP.

SMTP uses the standard library in a worker thread. A custom template from the admin config replaces
the built-in body; like Immich's, it names values in braces (``{displayName}``, ``{albumName}`` ...).
"""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from enum import StrEnum

from albumen.dto.config_admin import AdminConfigSmtpTransportDto

SMTP_TIMEOUT_SECONDS = 5.0
DEFAULT_BASE_URL = "http://localhost:2283"
_TAG = re.compile(r"\{([A-Za-z]+)\}")


class EmailTemplate(StrEnum):
    TEST_EMAIL = "test"
    WELCOME = "welcome"
    ALBUM_INVITE = "album-invite"
    ALBUM_UPDATE = "album-update"


_BUILT_IN: dict[EmailTemplate, str] = {
    EmailTemplate.TEST_EMAIL: (
        "<p>Hi {displayName}!</p><p>This is a test email from your Albumen server at "
        '<a href="{baseUrl}">{baseUrl}</a>. Your email settings work.</p>'
    ),
    EmailTemplate.WELCOME: (
        "<p>Hey {displayName}!</p><p>A new account has been created for you.</p>"
        "<p><b>Username</b>: {username}<br><b>Password</b>: {password}</p>"
        '<p>Log in at <a href="{baseUrl}/auth/login">{baseUrl}</a>.</p>'
    ),
    EmailTemplate.ALBUM_INVITE: (
        "<p>Hey {recipientName}!</p><p>{senderName} added you to an album: "
        '<a href="{baseUrl}/albums/{albumId}">{albumName}</a>.</p>'
    ),
    EmailTemplate.ALBUM_UPDATE: (
        "<p>Hey {recipientName}!</p><p>New media has been added to "
        '<a href="{baseUrl}/albums/{albumId}">{albumName}</a>.</p>'
    ),
}

#: Sample values for previewing a template in the admin settings (``POST /admin/notifications/templates``).
PREVIEW_VALUES: dict[EmailTemplate, dict[str, str]] = {
    EmailTemplate.TEST_EMAIL: {"displayName": "John Doe"},
    EmailTemplate.WELCOME: {
        "displayName": "John Doe",
        "username": "john@doe.com",
        "password": "thisIsAPassword123",
    },
    EmailTemplate.ALBUM_INVITE: {
        "albumId": "1",
        "albumName": "John Doe's Favorites",
        "senderName": "John Doe",
        "recipientName": "Jane Doe",
    },
    EmailTemplate.ALBUM_UPDATE: {"albumId": "1", "albumName": "Favorite Photos", "recipientName": "Jane Doe"},
}


@dataclass(frozen=True)
class RenderedEmail:
    html: str
    text: str


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    body: RenderedEmail
    sender: str
    reply_to: str


class SmtpError(Exception):
    """The SMTP server could not be reached, refused the login or the message."""


def base_url(external_domain: str) -> str:
    return external_domain.rstrip("/") or DEFAULT_BASE_URL


def render(template: EmailTemplate, values: dict[str, str], custom_template: str = "") -> RenderedEmail:
    """Fill ``template`` (or the admin's ``custom_template``) with HTML-escaped ``values``."""
    body = custom_template or _BUILT_IN[template]
    filled = _TAG.sub(lambda match: html.escape(values.get(match.group(1), "")), body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", filled))
    return RenderedEmail(html=f"<html><body>{filled}</body></html>", text=" ".join(text.split()))


async def verify(transport: AdminConfigSmtpTransportDto) -> None:
    await asyncio.to_thread(_verify, transport)


async def send(transport: AdminConfigSmtpTransportDto, email: OutgoingEmail) -> str:
    """Send ``email``; returns its ``Message-ID``."""
    return await asyncio.to_thread(_send, transport, email)


def _connect(transport: AdminConfigSmtpTransportDto) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if transport.ignoreCert:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        client: smtplib.SMTP
        if transport.secure:
            client = smtplib.SMTP_SSL(
                transport.host, transport.port or 465, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(transport.host, transport.port or 587, timeout=SMTP_TIMEOUT_SECONDS)
            client.ehlo()
            # Like nodemailer: upgrade to TLS whenever the server offers it.
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
        if transport.username or transport.password:
            client.login(transport.username, transport.password)
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpError(str(error)) from error
    return client


def _verify(transport: AdminConfigSmtpTransportDto) -> None:
    client = _connect(transport)
    try:
        client.noop()
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpError(str(error)) from error
    finally:
        _close(client)


def _send(transport: AdminConfigSmtpTransportDto, email: OutgoingEmail) -> str:
    message = EmailMessage()
    message["From"] = email.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    domain = email.sender.rsplit("@", 1)[-1].strip("> ") or None
    message_id = make_msgid(domain=domain)
    message["Message-ID"] = message_id
    message.set_content(email.body.text)
    message.add_alternative(email.body.html, subtype="html")
    client = _connect(transport)
    try:
        client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise SmtpError(str(error)) from error
    finally:
        _close(client)
    return message_id


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (OSError, smtplib.SMTPException):
        client.close()
