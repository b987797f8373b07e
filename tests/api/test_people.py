"""People: list with counts, hidden and favourite, details, updates, merge, reassign, thumbnails, access."""

from __future__ import annotations

from datetime import date

import httpx

from albumen.db.engine import Database
from tests.api.people_support import add_face, add_person, new_asset
from tests.dto_shapes import assert_shape
from tests.helpers import create_user, sign_up_admin


async def test_create_get_and_update_a_person(client: httpx.AsyncClient) -> None:
    admin = await sign_up_admin(client)
    response = await client.post(
        "/api/people", json={"name": "Ada", "birthDate": "1815-12-10"}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert_shape(created, "PersonResponseDto")
    assert (created["name"], created["birthDate"], created["isHidden"], created["isFavorite"]) == (
        "Ada",
        "1815-12-10",
        False,
        False,
    )
    person_id = created["id"]
    fetched = (await client.get(f"/api/people/{person_id}", headers=admin.headers)).json()
    assert fetched == created

    response = await client.put(
        f"/api/people/{person_id}",
        json={"name": "Ada Lovelace", "isHidden": True, "isFavorite": True, "birthDate": None},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["name"], updated["isHidden"], updated["isFavorite"], updated["birthDate"]) == (
        "Ada Lovelace",
        True,
        True,
        None,
    )
    future = await client.put(
        f"/api/people/{person_id}", json={"birthDate": "2999-01-01"}, headers=admin.headers
    )
    assert future.status_code == 400


async def test_list_counts_people_with_enough_faces_and_hides_hidden_ones(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    assets = [await new_asset(client, admin) for _ in range(3)]
    frequent = await add_person(database, admin)
    rare = await add_person(database, admin)
    named = await add_person(database, admin, "Named")
    hidden = await add_person(database, admin, "Hidden", is_hidden=True)
    favourite = await add_person(database, admin, "Zed", is_favorite=True)
    for asset_id in assets:
        await add_face(database, asset_id, frequent)
    await add_face(database, assets[0], rare, x=200)
    await add_face(database, assets[1], named, x=200)
    await add_face(database, assets[2], hidden, x=200)
    await add_face(database, assets[2], favourite, x=400)

    body = (await client.get("/api/people", headers=admin.headers)).json()
    assert_shape(body, "PeopleResponseDto")
    # minFaces is 3: the unnamed person with one face is left out of the page, not out of the count.
    assert [person["id"] for person in body["people"]] == [favourite, named, frequent]
    assert (body["total"], body["hidden"], body["hasNextPage"]) == (5, 1, False)

    with_hidden = (
        await client.get("/api/people", params={"withHidden": "true"}, headers=admin.headers)
    ).json()
    assert [person["id"] for person in with_hidden["people"]] == [favourite, named, frequent, hidden]

    page = (await client.get("/api/people", params={"size": 2, "page": 1}, headers=admin.headers)).json()
    assert ([person["id"] for person in page["people"]], page["hasNextPage"]) == ([favourite, named], True)

    stats = await client.get(f"/api/people/{frequent}/statistics", headers=admin.headers)
    assert stats.status_code == 200
    assert_shape(stats.json(), "PersonStatisticsResponseDto")
    assert stats.json() == {"assets": 3}


async def test_other_users_cannot_see_or_change_a_person(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    person_id = await add_person(database, admin, "Mine")
    for method, path, permission in [
        ("GET", f"/api/people/{person_id}", "person.read"),
        ("GET", f"/api/people/{person_id}/statistics", "person.statistics"),
        ("GET", f"/api/people/{person_id}/thumbnail", "person.read"),
        ("PUT", f"/api/people/{person_id}", "person.update"),
        ("DELETE", f"/api/people/{person_id}", "person.delete"),
    ]:
        response = await client.request(method, path, json={}, headers=other.headers)
        assert response.status_code == 400, (method, path, response.text)
        assert response.json() == {"message": f"Not found or no {permission} access"}
    assert (await client.get("/api/people", headers=other.headers)).json()["total"] == 0

    bulk = await client.put(
        "/api/people", json={"people": [{"id": person_id, "name": "Stolen"}]}, headers=other.headers
    )
    assert bulk.status_code == 200
    assert bulk.json() == [{"id": person_id, "success": False, "error": "unknown"}]
    own = await client.put(
        "/api/people", json={"people": [{"id": person_id, "name": "Renamed"}]}, headers=admin.headers
    )
    assert own.json() == [{"id": person_id, "success": True}]
    assert (await client.get(f"/api/people/{person_id}", headers=admin.headers)).json()["name"] == "Renamed"


async def test_merge_moves_faces_and_removes_the_others(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    assets = [await new_asset(client, admin) for _ in range(2)]
    keep = await add_person(database, admin)
    merged = await add_person(database, admin, "Grace")
    foreign = await add_person(database, other, "Foreign")
    await add_face(database, assets[0], keep)
    await add_face(database, assets[1], merged)

    itself = await client.post(f"/api/people/{keep}/merge", json={"ids": [keep]}, headers=admin.headers)
    assert itself.status_code == 400
    assert itself.json() == {"message": "Cannot merge a person into themselves"}

    response = await client.post(
        f"/api/people/{keep}/merge", json={"ids": [merged, foreign]}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "BulkIdResponseDto[]")
    assert response.json() == [
        {"id": merged, "success": True},
        {"id": foreign, "success": False, "error": "no_permission"},
    ]
    kept = (await client.get(f"/api/people/{keep}", headers=admin.headers)).json()
    assert kept["name"] == "Grace"
    assert (await client.get(f"/api/people/{keep}/statistics", headers=admin.headers)).json() == {"assets": 2}
    gone = await client.get(f"/api/people/{merged}", headers=admin.headers)
    assert gone.status_code == 400


async def test_merge_people_keeps_the_first_person_and_the_first_name_set(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    other = await create_user(client, admin, "other@albumen.test")
    assets = [await new_asset(client, admin) for _ in range(3)]
    foreign = await add_person(database, other, "Foreign")
    keep = await add_person(database, admin)
    named = await add_person(database, admin, "Ada")
    later = await add_person(database, admin, "Grace", birth_date=date(1906, 12, 9))
    for asset_id, person_id in zip(assets, (keep, named, later), strict=True):
        await add_face(database, asset_id, person_id)

    for ids, message in (
        ([keep], "At least two people are required for merging"),
        ([keep, named, keep], "Cannot merge a person into themselves"),
    ):
        refused = await client.post("/api/people/merge", json={"ids": ids}, headers=admin.headers)
        assert (refused.status_code, refused.json()) == (400, {"message": message})

    response = await client.post(
        "/api/people/merge", json={"ids": [foreign, keep, named, later]}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "BulkIdResponseDto[]")
    # Someone else's person is refused; the first one the caller owns is kept and gets no entry.
    assert response.json() == [
        {"id": foreign, "success": False, "error": "no_permission"},
        {"id": named, "success": True},
        {"id": later, "success": True},
    ]
    kept = (await client.get(f"/api/people/{keep}", headers=admin.headers)).json()
    assert (kept["name"], kept["birthDate"]) == ("Ada", "1906-12-09")
    assert (await client.get(f"/api/people/{keep}/statistics", headers=admin.headers)).json() == {"assets": 3}
    for gone in (named, later):
        assert (await client.get(f"/api/people/{gone}", headers=admin.headers)).status_code == 400
    assert (await client.get(f"/api/people/{foreign}", headers=other.headers)).json()["name"] == "Foreign"

    # For the other user, their own person is the first they may merge: kept, with nothing merged in.
    theirs = await client.post("/api/people/merge", json={"ids": [keep, foreign]}, headers=other.headers)
    assert theirs.json() == [{"id": keep, "success": False, "error": "no_permission"}]


async def test_reassign_faces_and_delete_people(client: httpx.AsyncClient, database: Database) -> None:
    admin = await sign_up_admin(client)
    asset_id = await new_asset(client, admin)
    first = await add_person(database, admin, "First")
    second = await add_person(database, admin, "Second")
    await add_face(database, asset_id, first)

    response = await client.put(
        f"/api/people/{second}/reassign",
        json={"data": [{"personId": first, "assetId": asset_id}]},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert_shape(response.json(), "PersonResponseDto[]")
    assert [person["id"] for person in response.json()] == [second]
    faces = (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json()
    assert [face["person"]["id"] for face in faces] == [second]
    assert (await client.get(f"/api/people/{first}/statistics", headers=admin.headers)).json() == {
        "assets": 0
    }

    assert (await client.delete(f"/api/people/{second}", headers=admin.headers)).status_code == 204
    faces = (await client.get("/api/faces", params={"id": asset_id}, headers=admin.headers)).json()
    assert [face["person"] for face in faces] == [None]
    response = await client.request("DELETE", "/api/people", json={"ids": [first]}, headers=admin.headers)
    assert response.status_code == 204
    assert (await client.get(f"/api/people/{first}", headers=admin.headers)).status_code == 400


async def test_thumbnail_is_404_until_generated_and_search_finds_people_by_name(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await sign_up_admin(client)
    person_id = await add_person(database, admin, "Margaret Hamilton")
    hidden_id = await add_person(database, admin, "Marge", is_hidden=True)
    response = await client.get(f"/api/people/{person_id}/thumbnail", headers=admin.headers)
    assert response.status_code == 404

    found = (await client.get("/api/search/person", params={"name": "ham"}, headers=admin.headers)).json()
    assert [person["id"] for person in found] == [person_id]
    found = (await client.get("/api/search/person", params={"name": "mar"}, headers=admin.headers)).json()
    assert [person["id"] for person in found] == [person_id]
    found = (
        await client.get(
            "/api/search/person", params={"name": "mar", "withHidden": "true"}, headers=admin.headers
        )
    ).json()
    assert [person["id"] for person in found] == [person_id, hidden_id]
