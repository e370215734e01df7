"""One page of a manager's team for the team pages: the search box, the Paginator and the query
string the page links keep (so "next" stays within the search)."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator

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
