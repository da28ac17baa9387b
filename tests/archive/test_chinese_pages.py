"""The archive reads in Chinese (issue 14, the crawl of "Must show"): after a household's whole walk,
a level record and a site's file, the archive pages each post reaches — the browser from 档案 down
to every 案卷 and its 卷内目录, 完整性, 四性检测, 档案导出 — are crawled by following their own links, and
the catalogue and cover PDFs read; no Latin word or raw code is shown outside a short whitelist of
data (file names with their extensions, 文号 prefixes, hash and format names)."""

import html
import re

import pytest

from archive.models import ArchiveFile
from tests.archive.pdftext import pdftotext
from tests.archive.test_level_records import generate, walked  # noqa: F401  (fixture)
from tests.crawl import crawl as crawl_pages
from tests.factories import SiteFactory

# What may be Latin on an archive page: format and hash names, and what is data — a file's own
# name with its extension (what the official uploaded), stripped before the check.
ALLOWED = {"PDF", "SHA", "SM3", "Excel", "BagIt", "JSON", "JPEG", "PNG", "EXIF", "ZIP", "GB/T", "DA/T"}
FILE_NAME = re.compile(r"[\w.\-()（）\u3400-\u9fff]+\.(?:png|jpe?g|pdf|xlsx|zip|txt|xml)\b", re.IGNORECASE)
# 档号 (全宗号-类别号·年度-保管期限-案卷号[-件号], DA/T 13): its class and retention codes are Latin letters.
ARCHIVAL_CODE = re.compile(r"[0-9A-Z]+-[0-9A-Z]+·\d{4}-[0-9A-Z]+-\d+(?:-\d+)?")
LATIN = re.compile(r"(?<![A-Za-z0-9/])[A-Za-z][A-Za-z_]{2,}(?![A-Za-z0-9])")
RAW = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+\.[a-z_]+(?::\d+)?\b")
SKIP = re.compile(r"/(items/\d+/|exports/\d+/download/|exports/new/)|\.pdf$")
POSTS = ("county_office", "auditor", "reviewer", "clerk_a")


def visible(body: str) -> str:
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    attributes = " ".join(re.findall(r'(?:title|placeholder|aria-label|alt)="([^"]*)"', body))
    options = " ".join(re.findall(r"(?s)<option[^>]*>(.*?)</option>", body))
    text = html.unescape(" ".join([re.sub(r"(?s)<[^>]+>", " ", body), attributes, options]))
    return FILE_NAME.sub(" ", text)


def foreign(text: str) -> list[str]:
    text = ARCHIVAL_CODE.sub(" ", FILE_NAME.sub(" ", text))
    words = {w for w in LATIN.findall(text) if w not in ALLOWED}
    return sorted(words | set(RAW.findall(text)))


def crawl(client, starts, limit=80):
    """Every archive page reachable from `starts` through the pages' own links (GET only)."""
    return crawl_pages(client, starts, limit=limit, allowed_status=(200, 404),
                       follow=lambda parts: parts.path.startswith("/archive/") and not SKIP.search(parts.path))


@pytest.fixture
def named(officials):
    """Every official with a Chinese name before anything is filed: 责任者 is the uploader's name as
    it was at filing (a username here would be a test's artefact, not the page's)."""
    names = {"clerk_a": ("吴", "春梅"), "clerk_b": ("冯", "二村"), "head_a": ("王", "村长"), "reviewer": ("李", "审核"),
             "leader": ("周", "镇长"), "other_reviewer": ("陈", "审核"), "county_office": ("赵", "县办"),
             "housing": ("钱", "住建"), "auditor": ("郑", "审计"), "natres": ("孙", "自然"), "hrss": ("何", "人社")}
    for key, (family_name, given) in names.items():
        officials[key].last_name, officials[key].first_name = family_name, given
        officials[key].save(update_fields=["first_name", "last_name"])
    return officials


@pytest.fixture
def archived(named, walked, areas, client):  # noqa: F811
    """The walked household's file, a level record of the county, a site's file with its evidence,
    a 四性 check recorded, an export built — every kind of archive page has something to show."""
    from django.core.management import call_command

    from archive.jobs import request_export, run
    from documents.evidence.services import ingest_evidence
    from tests.workflows.conftest import upload

    assert generate(client, named["county_office"], areas["county"], "county_approval_list").status_code == 302
    site = SiteFactory(area=areas["town"])
    ingest_evidence(actor=named["county_office"], upload=upload("选址论证报告.png"), stage=site.stage,
                    kind="site_selection_study", site=site)
    call_command("check_archive", "--record", "--area", areas["county"].code)
    run(request_export(named["county_office"], "household", walked.pk).pk)
    return walked


def test_no_latin_word_or_raw_code_on_the_archive_pages_a_post_reaches(client, named, archived):
    found, reached = {}, {}
    for name in POSTS:
        client.force_login(named[name])
        pages = crawl(client, ["/archive/", "/archive/completeness/", "/archive/four-properties/",
                               "/archive/exports/"])
        reached[name] = len(pages)
        for url, body in pages.items():
            words = foreign(visible(body))
            if words:
                found[f"{name} {url}"] = words
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
    # The crawl reached the files themselves, not only the tree.
    assert reached["county_office"] >= 6 and reached["clerk_a"] >= 3, reached


def test_the_catalogue_and_cover_pdfs_read_in_chinese(client, named, archived):
    client.force_login(named["county_office"])
    found = {}
    for archive_file in ArchiveFile.objects.all():
        for part in ("catalogue", "cover"):
            response = client.get(f"/archive/files/{archive_file.pk}/{part}.pdf")
            assert response.status_code == 200, (archive_file.pk, part)
            words = foreign(pdftotext(b"".join(response.streaming_content) if response.streaming else
                                      response.content))
            if words:
                found[f"{archive_file.file_code} {part}"] = words
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
