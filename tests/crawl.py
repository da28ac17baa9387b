"""The tests' crawler: the pages an official reaches through the pages' own links, as a browser
would follow them (GET only), for the crawls over the admin, the archive and every page a post
reaches (tests/approvals/test_no_english.py, test_way_back.py, tests/archive/test_chinese_pages.py)."""

import html
import re
from urllib.parse import urljoin, urlsplit

LINK = re.compile(r'href="([^"#]+)"')


def crawl(client, starts, *, follow, limit, allowed_status=None) -> dict[str, str]:
    """{address: HTML} of the pages reachable from `starts`, breadth first, up to `limit` pages;
    a link is followed when `follow(parts)` (its urlsplit) says so; `allowed_status`, when given,
    is asserted of every response."""
    seen, queue, pages = set(), list(starts), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if allowed_status is not None:
            assert response.status_code in allowed_status, (url, response.status_code)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages[url] = response.content.decode()
        for href in LINK.findall(pages[url]):
            target = html.unescape(urljoin(url, href))
            if target not in seen and follow(urlsplit(target)):
                queue.append(target)
    return pages
