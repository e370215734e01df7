"""The walk over reachable pages that the page guard and bench.pages share."""

from collections import Counter

from tests.crawl import links_of, reachable_pages


def test_links_of_keeps_same_site_paths_without_fragments():
    html = '<a href="/a/?q=1#top">a</a><a href="https://elsewhere.example/">x</a><a href="#x">y</a><a href="b/">z</a>'
    assert links_of(html) == ["/a/?q=1"]


def test_walk_reaches_the_managers_pages_and_caps_each_url_name(client, manager):
    client.force_login(manager.user)
    pages = reachable_pages(client, per_name=1)
    names = Counter(page.name for page in pages)
    assert {"catalog:home", "catalog:approvals", "budgets:mine"} <= set(names)
    assert max(names.values()) == 1
    assert all(page.status < 500 for page in pages)


def test_walk_speaks_the_language_asked_for(client, employee):
    client.force_login(employee.user)
    reachable_pages(client, per_name=1, limit=1, language="nl")
    assert client.get("/").headers["Content-Language"] == "nl"
