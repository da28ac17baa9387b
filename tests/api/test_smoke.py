from tests.api.conftest import assert_error


def test_list_and_detail(cast, household_a, household_b, as_user):
    client = as_user(cast["clerk_a"])
    r = client.get("/api/v1/households/")
    assert r.status_code == 200, r.content
    ids = [h["id"] for h in r.json()["results"]]
    assert ids == [household_a.pk]
    r = client.get(f"/api/v1/households/{household_a.pk}/")
    assert r.status_code == 200
    assert r.json()["members"][0]["id_number_masked"].count("*") > 5
    assert_error(client.get(f"/api/v1/households/{household_b.pk}/"), 404, "not_found")
    r = client.get(f"/api/v1/households/{household_a.pk}/transitions/")
    assert r.status_code == 200, r.content
    print(r.json())
    r = client.get(f"/api/v1/households/{household_a.pk}/history/")
    assert r.status_code == 200, r.content
    assert client.get("/api/v1/areas/").status_code == 200
    assert client.get("/api/v1/tasks/").status_code == 200, client.get("/api/v1/tasks/").content
    assert client.get("/api/v1/sites/").status_code == 200
    assert client.get(f"/api/v1/households/{household_a.pk}/evidence/").status_code == 200
    assert client.get(f"/api/v1/households/{household_a.pk}/documents/").status_code == 200
