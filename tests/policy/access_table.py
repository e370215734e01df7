"""Who may open the learning-moment pages, the calendar feed and the policy pages."""

from datetime import time, timedelta

from django.utils import timezone

from people.audience import Audience
from tests.access import Row, only_hr, same


def _moment(p):
    """A daily moment for Customer Service (employee and manager are in it; the Finance people are not)."""
    from policy.models import LearningMoment
    from policy.services import moment_create

    found = LearningMoment.objects.filter(title="Matrix moment").first()
    return found or moment_create(
        title="Matrix moment",
        audience=Audience.of("department", department=p.employee.department),
        rrule="FREQ=DAILY",
        starts_on=timezone.localdate() - timedelta(days=7),
        start_time=time(0, 0),
        duration_minutes=8 * 60,
    )


def _occurrence(p):
    from policy.recurrence import next_occurrence

    return {"occurrence": next_occurrence(_moment(p), timezone.now()).key}


def _feed_token(p):
    from policy.services import calendar_feed_get

    return {"token": calendar_feed_get(employee=p.employee).token}


def _policy(p):
    from policy.models import LearningTimePolicy

    policy = LearningTimePolicy.objects.first() or LearningTimePolicy.objects.create(hours_per_fte=40)
    return {"pk": policy.pk}


def _pk(p):
    return {"pk": _moment(p).pk}


IN_SCOPE = same(404, anonymous=302, employee=200, manager=200, hr=200)

ROWS = [
    Row("policy:my_moments", same(200, anonymous=302)),
    Row("policy:moment_detail", IN_SCOPE, kwargs=_pk),
    Row("policy:moment_ics", IN_SCOPE, kwargs=_pk),
    Row(
        "policy:check_in",
        same(404, anonymous=302, employee=302, manager=302, hr=302),
        method="post",
        kwargs=_pk,
        data=_occurrence,
    ),
    Row(
        "policy:mute",
        same(404, anonymous=302, employee=302, manager=302, hr=302),
        method="post",
        kwargs=_pk,
        data={"muted": "1"},
    ),
    # The feed is opened by calendar apps without a login: the secret token is the credential.
    Row("policy:feed", same(200), kwargs=_feed_token),
    Row("policy:feed", same(404), kwargs=lambda p: {"token": "not-a-token"}),
    Row("policy:feed_reset", same(302), method="post"),
    Row("policy:team_hours", same(403, anonymous=302, manager=200, outsider_manager=200)),
    Row("policy:manage", only_hr()),
    Row("policy:moment_create", only_hr()),
    Row("policy:moment_edit", only_hr(), kwargs=_pk),
    Row("policy:occurrences", only_hr(), kwargs=_pk),
    Row("policy:policy_create", only_hr()),
    Row("policy:policy_edit", only_hr(), kwargs=_policy),
    Row("policy:policy_delete", only_hr(denied=403) | {"hr": 302}, method="post", kwargs=_policy),
    Row("api:my_moments", same(200, anonymous=401)),
]
