"""Every page a signed-in person reaches by following links from their home page.

One list for the page guard (every page in the browser, both languages) and for `bench.pages`
(every page at 300 and at 50,000 employees): a breadth-first walk over the links of each HTML
page, at most `per_name` pages for each URL name, so a list of 300 people yields a few of their
detail pages, not 300.
"""

from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

# Paths never followed: signing out ends the walk's session; static and media are files, not pages.
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/media/", "/i18n/")


@dataclass(frozen=True)
class Page:
    url: str  # a path with its query string
    name: str  # the URL name, "namespace:name"
    status: int
    content_type: str


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    """The same-site paths an HTML page links to, in document order, without fragments."""
    parser = _Links()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        paths.append(href)
    return paths


def url_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def reachable_pages(
    client, *, start: str = "/", per_name: int = 2, limit: int = 600, language: str | None = None
) -> list[Page]:
    """Walk from `start` as the person `client` is signed in as; `language` sets the language cookie."""
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen_urls: set[str] = set()
    per_name_count: dict[str, int] = {}
    pages: list[Page] = []
    queue = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        if url in seen_urls or url.startswith(SKIP_PREFIXES):
            continue
        seen_urls.add(url)
        name = url_name(url)
        if name is None or per_name_count.get(name, 0) >= per_name:
            continue
        per_name_count[name] = per_name_count.get(name, 0) + 1
        response = client.get(url)
        content_type = response.get("Content-Type", "").split(";")[0]
        pages.append(Page(url, name, response.status_code, content_type))
        if response.status_code == 200 and content_type == "text/html" and not response.streaming:
            queue.extend(links_of(response.content.decode()))
    return pages
