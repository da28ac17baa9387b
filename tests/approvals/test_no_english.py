"""No page an official reaches shows untranslated viewflow or Django words: the main pages are
crawled as each post of the cast (and a few forms are posted empty to show their errors), and the
visible text — with titles, placeholders and labels — is searched for a list of English words."""

import html
import re

import pytest

from tests.workflows.test_site_walk import site, site_officials  # noqa: F401  (fixtures)
from tests.crawl import crawl
from workflows.models import NoticeBatch, ReviewMeeting

ENGLISH = [
    "Inbox", "Queue", "Assign", "Unassign", "Assigned", "Task", "Tasks", "Process", "Flow", "Status", "Owner",
    "Created", "Started", "Finished", "Done", "New", "Archive", "Dashboard", "Execute", "Submit", "Save",
    "Cancel", "Delete", "Next", "Previous", "Page", "Search", "Filter", "Home", "Login", "Log in", "Logout",
    "Log out", "None", "True", "False", "Yes", "No", "Unknown", "Show all", "required", "This field",
    "Enter a valid", "Select a valid", "Ensure this value", "Choose", "Browse", "No file", "Add", "Change",
    "Password", "Error", "Forbidden", "Not Found", "January", "Monday", "a.m.", "p.m.", "midnight", "noon",
]
WORDS = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![A-Za-z])")


def visible_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    # Django's admin writes a read-only boolean as an icon whose alt is the Python value
    # (admin_list._boolean_icon, not translatable); the icon itself is what officials see.
    body = re.sub(r'<img src="[^"]*/admin/img/icon-(?:yes|no|unknown)\.svg" alt="(?:True|False|None)">', " ", body)
    attributes = " ".join(re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', body))
    buttons = " ".join(re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', body))
    text = re.sub(r"(?s)<[^>]+>", " ", body)
    return html.unescape(" ".join([text, attributes, buttons]))


def english_in(body: str) -> list[str]:
    return sorted(set(WORDS.findall(visible_text(body))))


def where(body: str) -> list[str]:
    """Each English word with the text around it: a failure names its source (a rare failure of the
    clerk's admin pages in one full run, 'Add'/'Change', could not be reproduced: issue 14 notes)."""
    text = " ".join(visible_text(body).split())
    return [text[max(0, m.start() - 60):m.end() + 60] for m in WORDS.finditer(text)][:5]


def pages_for(name, household, batch, meeting, task_id):
    common = ["/", "/work/", "/work/?tab=queue", "/work/?tab=inbox&overdue=on&sort=number",
              f"/work/?tab=queue&q=%E7%8E%8B", "/households/", "/sites/", "/notices/", "/meetings/",
              "/accounts/password/", f"/cases/{household.pk}/", f"/households/{household.pk}/",
              f"/notices/{batch.pk}/", f"/meetings/{meeting.pk}/", f"/documents/household/{household.pk}/",
              "/cases/999999/"]
    extra = {
        "clerk_a": ["/notices/new/", f"/evidence/household/{household.pk}/", "/admin/registry/household/add/",
                    f"/admin/registry/household/{household.pk}/change/"],
        "head_a": ["/meetings/new/"],
        "leader": ["/work/?tab=area", f"/work/tasks/{task_id}/reassign/"],
        "county_office": ["/work/?tab=area", f"/work/tasks/{task_id}/reassign/"],
    }
    return common + extra.get(name, [])


@pytest.mark.parametrize("name", ["clerk_a", "clerk_b", "head_a", "reviewer", "leader", "other_reviewer",
                                  "county_office", "housing", "auditor"])
def test_no_english_on_the_pages_a_post_reaches(officials, in_approval, login, name):
    from workflows import worklist

    batch = NoticeBatch.objects.get()
    meeting = ReviewMeeting.objects.get()
    task_id = worklist.filter_step(worklist.open_tasks(), "township_review").get().pk
    client = login(officials[name])
    found = {}
    for url in pages_for(name, in_approval, batch, meeting, task_id):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        words = english_in(response.content.decode())
        if words:
            found[url] = (words, response.get("Content-Language"), where(response.content.decode()))
    assert found == {}


@pytest.mark.parametrize("name", ["county_office", "natres", "housing", "reviewer"])
def test_no_english_on_the_site_page_and_site_tasks(site_officials, site, login, name):
    client = login(site_officials[name])
    found = {}
    for url in [f"/site-cases/{site.pk}/", "/work/?tab=queue", "/work/?tab=area", f"/sites/{site.pk}/"]:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        words = english_in(response.content.decode())
        if words:
            found[url] = words
    assert found == {}


def test_no_english_in_the_errors_of_empty_forms(officials, in_approval, login):
    checks = [
        ("reviewer", f"/cases/{in_approval.pk}/decide/", {"step_code": "township_review",
                                                          "township_review-seen_stage": "approval",
                                                          "township_review-seen_round": type(in_approval).objects.get(
                                                              pk=in_approval.pk).stage_round}),
        ("clerk_a", "/notices/new/", {"village": "520999101201"}),
        ("head_a", "/meetings/new/", {"village": "520999101201"}),
        ("reviewer", "/work/search-id/", {"id_number": "12345"}),
    ]
    found = {}
    for name, url, data in checks:
        response = login(officials[name]).post(url, data, follow=True)
        assert response.status_code in (200, 400), (url, response.status_code)
        words = english_in(response.content.decode())
        if words:
            found[url] = words
    assert found == {}


def test_the_word_list_catches_an_untranslated_page():
    page = '<p>Inbox</p><button title="Assign">领取</button><input type="submit" value="Save">'
    assert english_in(page) == ["Assign", "Inbox", "Save"]
    assert english_in("<p>5209 PDF SHA-256 GPS 审核</p>") == []


def crawl_admin(client, limit=120):
    """The admin pages a non-superuser official reaches from /admin/ through its own links."""
    return crawl(client, ["/admin/"], limit=limit, follow=lambda parts: parts.path.startswith("/admin/")
                 and not re.search(r"/(logout|delete|password_change)/", parts.path))


@pytest.mark.parametrize("name", ["clerk_a", "reviewer", "county_office", "auditor"])
def test_no_english_on_the_admin_pages_an_official_reaches(officials, in_approval, login, name):
    """viewflow's 'Tasks' and the admin's own words, as a non-superuser official sees them."""
    pages = crawl_admin(login(officials[name]))
    found = {url: english_in(body) for url, body in pages.items() if english_in(body)}
    assert len(pages) > 5
    assert found == {}, sorted({w for words in found.values() for w in words})
