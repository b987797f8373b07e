"""Faces on an asset: listed with their person, drawn by hand, given to another person, deleted."""

from __future__ import annotations

import httpx

from albumen.db.engine import Database
from tests.api.people_support import add_face, add_person, new_asset
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_faces_of_an_asset_with_their_people(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_id = await new_asset(client, admin)
    person_id = await add_person(database, admin, "Ada")
    face_id = await add_face(database, asset_id, person_id)
    unknown = await add_face(database, asset_id, None, x=300)

    response = await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)
    assert response.status_code == 200
    body = response.json()
    assert_shape(body, "AssetFaceResponseDto[]")
    assert [(face["id"], face["person"] and face["person"]["id"]) for face in body] == [
        (face_id, person_id),
        (unknown, None),
    ]
    assert {
        key: body[0][key] for key in ("boundingBoxX1", "boundingBoxY1", "boundingBoxX2", "boundingBoxY2")
    } == {
        "boundingBoxX1": 10,
        "boundingBoxY1": 20,
        "boundingBoxX2": 110,
        "boundingBoxY2": 140,
    }
    asset = (await client.get(f"/api/assets/{asset_id}", headers=admin.headers)).json()
    assert_shape(asset, "AssetResponseDto")
    assert [person["id"] for person in asset["people"]] == [person_id]


async def test_a_face_drawn_by_hand_reassigned_and_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    asset_id = await new_asset(client, admin)
    first = await add_person(database, admin, "First")
    second = await add_person(database, admin, "Second")
    body = {
        "assetId": asset_id,
        "personId": first,
        "imageWidth": 800,
        "imageHeight": 600,
        "x": 50,
        "y": 60,
        "width": 100,
        "height": 120,
    }
    response = await client.post("/api/faces", json=body, headers=admin.headers)
    assert response.status_code == 201, response.text
    faces = (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json()
    assert len(faces) == 1
    face = faces[0]
    assert (face["sourceType"], face["person"]["id"]) == ("manual", first)
    assert (face["boundingBoxX1"], face["boundingBoxY1"], face["boundingBoxX2"], face["boundingBoxY2"]) == (
        50,
        60,
        150,
        180,
    )

    response = await client.put(f"/api/faces/{second}", json={"id": face["id"]}, headers=admin.headers)
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "PersonResponseDto")
    assert response.json()["id"] == second
    faces = (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json()
    assert faces[0]["person"]["id"] == second

    response = await client.request(
        "DELETE", f"/api/faces/{face['id']}", json={"force": False}, headers=admin.headers
    )
    assert response.status_code == 204
    assert (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json() == []


async def test_faces_of_other_users_are_out_of_reach(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    asset_id = await new_asset(client, admin)
    person_id = await add_person(database, admin, "Ada")
    face_id = await add_face(database, asset_id, person_id)
    theirs = await add_person(database, other, "Theirs")

    listed = await client.get("/api/faces", params={"id": asset_id}, headers=other.headers)
    assert listed.status_code == 400
    assert listed.json() == {"message": "Not found or no asset.read access"}
    moved = await client.put(f"/api/faces/{theirs}", json={"id": face_id}, headers=other.headers)
    assert moved.status_code == 400
    assert moved.json() == {"message": "Not found or no person.create access"}
    deleted = await client.request(
        "DELETE", f"/api/faces/{face_id}", json={"force": True}, headers=other.headers
    )
    assert deleted.status_code == 400
    assert deleted.json() == {"message": "Not found or no face.delete access"}
    drawn = {
        "assetId": asset_id,
        "personId": theirs,
        "imageWidth": 10,
        "imageHeight": 10,
        "x": 1,
        "y": 1,
        "width": 2,
        "height": 2,
    }
    response = await client.post("/api/faces", json=drawn, headers=other.headers)
    assert response.status_code == 400
