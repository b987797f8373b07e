"""In-app notifications, album invitation notices, email template previews and the test email."""

from __future__ import annotations

import socket

import httpx

from tests.dto_shapes import assert_shape
from tests.helpers import LoggedIn, create_user, sign_up_admin
from tests.support.smtp_sink import SmtpSink


async def _notify(client: httpx.AsyncClient, admin: LoggedIn, user: LoggedIn, **fields: object) -> dict:
    response = await client.post(
        "/api/admin/notifications",
        json={"userId": user.user_id, "title": "Hello", **fields},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    body: dict = response.json()
    return body


async def test_admin_creates_a_notification_only_its_user_sees(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    created = await _notify(client, admin, user, description="Welcome aboard", data={"x": 1})
    assert_shape(created, "NotificationDto")
    assert created["type"] == "Custom" and created["level"] == "info"
    assert created["description"] == "Welcome aboard" and created["data"] == {"x": 1}
    assert "readAt" not in created

    listed = (await client.get("/api/notifications", headers=user.headers)).json()
    assert [item["id"] for item in listed] == [created["id"]]
    assert (await client.get("/api/notifications", headers=admin.headers)).json() == []

    own = await client.get(f"/api/notifications/{created['id']}", headers=user.headers)
    assert own.status_code == 200 and own.json() == created
    other = await client.get(f"/api/notifications/{created['id']}", headers=admin.headers)
    assert other.status_code == 400
    assert other.json()["message"] == "Not found or no notification.read access"

    refused = await client.post(
        "/api/admin/notifications", json={"userId": admin.user_id, "title": "x"}, headers=user.headers
    )
    assert refused.status_code == 403


async def test_read_and_unread_one_or_many(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    first = await _notify(client, admin, user, level="warning", type="SystemMessage")
    second = await _notify(client, admin, user)

    read = await client.put(
        f"/api/notifications/{first['id']}", json={"readAt": "2025-01-02T03:04:05.000Z"}, headers=user.headers
    )
    assert read.status_code == 200
    assert read.json()["readAt"] == "2025-01-02T03:04:05.000Z"
    unread = (await client.get("/api/notifications", params={"unread": "true"}, headers=user.headers)).json()
    assert [item["id"] for item in unread] == [second["id"]]
    warnings = (
        await client.get("/api/notifications", params={"level": "warning"}, headers=user.headers)
    ).json()
    assert [item["id"] for item in warnings] == [first["id"]]

    ids = [first["id"], second["id"]]
    marked = await client.put(
        "/api/notifications", json={"ids": ids, "readAt": "2025-01-03T00:00:00.000Z"}, headers=user.headers
    )
    assert marked.status_code == 204
    assert (
        await client.get("/api/notifications", params={"unread": "true"}, headers=user.headers)
    ).json() == []
    reset = await client.put("/api/notifications", json={"ids": ids, "readAt": None}, headers=user.headers)
    assert reset.status_code == 204
    assert (
        len((await client.get("/api/notifications", params={"unread": "true"}, headers=user.headers)).json())
        == 2
    )

    foreign = await client.put("/api/notifications", json={"ids": ids, "readAt": None}, headers=admin.headers)
    assert foreign.status_code == 400
    assert foreign.json()["message"] == "Not found or no notification.update access"


async def test_delete_one_or_many(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    first, second, third = [await _notify(client, admin, user, title=f"n{i}") for i in range(3)]

    assert (
        await client.delete(f"/api/notifications/{first['id']}", headers=admin.headers)
    ).status_code == 400
    assert (await client.delete(f"/api/notifications/{first['id']}", headers=user.headers)).status_code == 204
    gone = await client.get(f"/api/notifications/{first['id']}", headers=user.headers)
    assert gone.status_code == 400
    deleted = await client.request(
        "DELETE", "/api/notifications", json={"ids": [second["id"], third["id"]]}, headers=user.headers
    )
    assert deleted.status_code == 204
    assert (await client.get("/api/notifications", headers=user.headers)).json() == []


async def test_album_invitations_notify_the_invited_users(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    friend = await create_user(client, admin, "friend@albumen.test")
    late = await create_user(client, admin, "late@albumen.test")
    created = await client.post(
        "/api/albums",
        json={"albumName": "Holidays", "albumUsers": [{"userId": friend.user_id, "role": "editor"}]},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    album_id = created.json()["id"]

    notices = (await client.get("/api/notifications", headers=friend.headers)).json()
    assert len(notices) == 1
    assert_shape(notices[0], "NotificationDto")
    assert notices[0]["type"] == "AlbumInvite" and notices[0]["level"] == "success"
    assert notices[0]["title"] == "Shared Album Invitation"
    assert notices[0]["description"] == "Admin shared an album (Holidays) with you"
    assert notices[0]["data"] == {"albumId": album_id}
    assert (await client.get("/api/notifications", headers=admin.headers)).json() == []

    added = await client.put(
        f"/api/albums/{album_id}/users",
        json={"albumUsers": [{"userId": late.user_id, "role": "viewer"}, {"userId": friend.user_id}]},
        headers=admin.headers,
    )
    assert added.status_code == 200, added.text
    assert len((await client.get("/api/notifications", headers=late.headers)).json()) == 1
    # Already a member: no second invitation.
    assert len((await client.get("/api/notifications", headers=friend.headers)).json()) == 1


async def test_template_preview(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    user = await create_user(client, admin, "user@albumen.test")
    built_in = await client.post(
        "/api/admin/notifications/templates/album-invite", json={"template": ""}, headers=admin.headers
    )
    assert built_in.status_code == 200, built_in.text
    assert_shape(built_in.json(), "TemplateResponseDto")
    assert built_in.json()["name"] == "album-invite"
    assert "John Doe&#x27;s Favorites" in built_in.json()["html"]

    custom = await client.post(
        "/api/admin/notifications/templates/welcome",
        json={"template": "<p>Hi {displayName}, you are {username}</p>"},
        headers=admin.headers,
    )
    assert "<p>Hi John Doe, you are john@doe.com</p>" in custom.json()["html"]
    unknown = await client.post(
        "/api/admin/notifications/templates/nope", json={"template": ""}, headers=admin.headers
    )
    assert unknown.json() == {"name": "nope", "html": ""}
    forbidden = await client.post(
        "/api/admin/notifications/templates/welcome", json={"template": ""}, headers=user.headers
    )
    assert forbidden.status_code == 403


def _smtp(port: int) -> dict:
    return {
        "enabled": True,
        "from": "Albumen <photos@albumen.test>",
        "replyTo": "",
        "transport": {
            "host": "127.0.0.1",
            "port": port,
            "secure": False,
            "ignoreCert": False,
            "username": "",
            "password": "",
        },
    }


async def test_test_email_goes_to_the_admin(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    async with SmtpSink() as sink:
        response = await client.post(
            "/api/admin/notifications/test-email", json=_smtp(sink.port), headers=admin.headers
        )
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "TestEmailResponseDto")
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == admin.email
    assert message["Subject"] == "Test email from Immich"
    assert message["Reply-To"] == "Albumen <photos@albumen.test>"
    assert message["Message-ID"] == response.json()["messageId"]


async def test_test_email_reports_an_unreachable_server(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    response = await client.post(
        "/api/admin/notifications/test-email", json=_smtp(port), headers=admin.headers
    )
    assert response.status_code == 400
    assert response.json()["message"] == "Failed to verify SMTP configuration"
