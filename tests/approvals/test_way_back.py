"""Every page has a way back (issue 14 item 8): the pages each post reaches from the home page by
following the system's own links are crawled, and each one that is not itself in the header's
navigation offers a way back — a 返回… link, a breadcrumb, or a 取消 next to its form."""

import html
import re
from urllib.parse import urlsplit

import pytest

from tests.crawl import crawl as crawl_pages
from tests.workflows.test_site_walk import site, site_officials  # noqa: F401  (fixtures)

# Not pages to crawl: downloads and files, the admin (Django's own breadcrumbs), the API, signing out,
# actions reached by GET that answer with a file or a redirect.
SKIP = re.compile(r"^/(admin|api|static|media|accounts/logout|public)/|\.(pdf|xlsx|zip|png|jpe?g)$|/download/|"
                  r"/(open|items)/|/evidence/\d+/file/|/versions/\d+/")
WAY_BACK = re.compile(r'(?s)<a\b[^>]*href="[^"]+"[^>]*>\s*(?:[^<]*返回[^<]*|取消)\s*</a>|class="breadcrumbs?"|'
                      r'aria-label="(?:breadcrumb|位置|面包屑)"')


def nav_paths(body: str) -> set[str]:
    """The header's own links and a section's tabs (审计日志 · 完整性检查 · 督查问题台账): the pages
    one is never far from."""
    parts = re.findall(r"(?s)<header\b.*?</header>|<nav class=\"tabs\".*?</nav>", body)
    return {urlsplit(html.unescape(h)).path for part in parts for h in re.findall(r'href="([^"#]+)"', part)}


def crawl(client, limit=400):
    """(pages, the navigation's and tabs' paths seen on them)."""
    pages = crawl_pages(client, ["/"], limit=limit,
                        follow=lambda parts: not parts.netloc and not SKIP.search(parts.path))
    return pages, set().union(*map(nav_paths, pages.values()))


@pytest.mark.parametrize("name", ["clerk_a", "head_a", "reviewer", "county_office", "auditor"])
def test_every_page_a_post_reaches_has_a_way_back(officials, in_approval, login, name):
    pages, top = crawl(login(officials[name]))
    dead_ends = sorted(url for url, body in pages.items()
                       if urlsplit(url).path not in top | {"/"} and not WAY_BACK.search(body))
    assert len(pages) > 10, sorted(pages)
    assert dead_ends == [], (len(pages), dead_ends)
