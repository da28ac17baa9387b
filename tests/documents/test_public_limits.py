"""Small holes of issue 16 in documents/: the notice form needs a sign-in (GET and POST), and the
public /verify/ page is limited per address (429 past DOCUMENTS_VERIFY_RATE)."""

from django.core.cache import cache
from django.test import Client
from django.urls import reverse


def test_the_notice_form_answers_an_anonymous_get_and_post_with_the_login_page(client, db):
    for response in (client.get("/documents/notice/new/"), client.post("/documents/notice/new/", {"household": ["1"]})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_verify_is_limited_per_address(db, settings):
    cache.clear()
    settings.DOCUMENTS_VERIFY_RATE = "5/minute"
    prober, neighbour = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    codes = [f"ABCD-EFGH-JKMN-PQRS-TV{n:02d}" for n in range(6)]
    statuses = [prober.get(f"/verify/{code}/").status_code for code in codes]
    assert all(status in (302, 404) for status in statuses[:5])  # answered (canonical form, or unknown)
    assert statuses[5] == 429
    limited = prober.get("/verify/?code=ABCD")
    assert limited.status_code == 429 and "请一分钟后再试" in limited.content.decode()
    assert limited["Retry-After"] == "60"
    assert neighbour.get(f"/verify/{codes[0]}/").status_code in (302, 404)  # another address is not limited
    cache.clear()
