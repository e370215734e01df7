"""Paging: one page of a manager's team for the team pages (the search box, the Paginator and the
query string the page links keep, so "next" stays within the search), and a Paginator that counts
only a few pages ahead, for a list whose length is not worth reading whole on every page."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from .reporting import team_page_members, team_sizes_of

TEAM_PAGE_SIZE = 50


@dataclass
class TeamPage:
    page: Page
    q: str
    query: str  # the request's query string without `page`

    @property
    def members(self) -> list:
        return list(self.page.object_list)


def team_page(request, manager_id: int | None, *, per_page: int = TEAM_PAGE_SIZE, narrow=None) -> TeamPage:
    """The page of the manager's reports the request asks for (`?q=...&page=N`): two queries (the
    count and the page), whatever the size of the team."""
    from .models import Employee

    q = request.GET.get("q", "").strip()[:100]
    people = team_page_members(manager_id, q=q) if manager_id is not None else Employee.objects.none()
    if narrow is not None:
        people = narrow(people)
    paginator = Paginator(people, per_page)
    if manager_id is not None and not q and narrow is None:
        # the whole team: its size is the count the home and the team's totals share (one query)
        paginator.count = sum(team_sizes_of(request, manager_id).values())
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TeamPage(page=page, q=q, query=query.urlencode())


class AheadPaginator(Paginator):
    """A Paginator that counts at most `ahead` pages past the page asked for, so a page costs the
    same however long the list: "Page 1 of 21 or more" (`more_beyond`) instead of counting a
    backlog of thousands on every visit. Past the last page it counts the whole list once, to
    show the last page as Django's does."""

    def __init__(self, object_list, per_page, *, ahead: int = 20, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.ahead = ahead
        self.more_beyond = False
        self._first = 0

    def get_page(self, number):
        try:
            asked = max(int(number), 1)
        except (TypeError, ValueError):
            asked = 1
        self._first = (asked - 1) * self.per_page
        return super().get_page(asked)

    @cached_property
    def count(self) -> int:
        window = self.ahead * self.per_page
        found = self.object_list[self._first : self._first + window + 1].count()
        if found == 0 and self._first > 0:  # past the end: the last page is wanted
            return self.object_list.count()
        self.more_beyond = found > window  # the row past the window is a page that is there
        return self._first + found
