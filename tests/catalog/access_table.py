"""Who may open the catalog's pages and endpoints, and who may act on an enrolment."""

from decimal import Decimal

from catalog.models import Enrolment, LearningItem
from tests.access import Row, only_hr, same


def _item(p):
    item, _ = LearningItem.objects.get_or_create(
        provider="Matrix",
        provider_key="M1",
        defaults={"title": "Matrix item", "format": "elearning", "level_basic": True, "duration_hours": Decimal(1)},
    )
    return item


def _enrolment(status):
    def make(p):
        item, _ = LearningItem.objects.get_or_create(
            provider="Matrix",
            provider_key=f"E-{status}",
            defaults={
                "title": f"Matrix {status}",
                "format": "elearning",
                "level_basic": True,
                "duration_hours": Decimal(1),
                "cost": Decimal("500"),
            },
        )
        enrolment, _ = Enrolment.objects.get_or_create(
            employee=p.employee, item=item, defaults={"status": status, "motivation": "Matrix"}
        )
        return {"pk": enrolment.pk}

    return make


SIGNED_IN = same(200, anonymous=302)
# Acting on the employee's own enrolment: the employee and L&D staff; the manager sees it but may
# not act for the employee; people outside the line do not see it at all.
ACT = {"anonymous": 302, "employee": 302, "other_employee": 404, "manager": 403, "outsider_manager": 404, "hr": 302}
# Deciding on the employee's request: their manager and L&D staff.
DECIDE = {"anonymous": 302, "employee": 403, "other_employee": 403, "manager": 302, "outsider_manager": 404, "hr": 302}

ROWS = [
    Row("catalog:home", SIGNED_IN),
    Row("catalog:browse", SIGNED_IN),
    Row("catalog:browse", SIGNED_IN, query="format=coaching&level=basic&free=on&max_cost=10"),
    Row("catalog:item_detail", SIGNED_IN, kwargs=lambda p: {"pk": _item(p).pk}),
    Row("catalog:item_request", SIGNED_IN, kwargs=lambda p: {"pk": _item(p).pk}),
    Row("catalog:external_request", SIGNED_IN),
    Row("catalog:my_enrolments", SIGNED_IN),
    Row("catalog:profile", SIGNED_IN),
    Row(
        "catalog:enrolment_detail",
        {"anonymous": 302, "employee": 200, "other_employee": 404, "manager": 200, "outsider_manager": 404, "hr": 200},
        kwargs=_enrolment("requested"),
    ),
    Row("catalog:enrolment_cancel", ACT, method="post", kwargs=_enrolment("requested")),
    Row("catalog:enrolment_start", ACT, method="post", kwargs=_enrolment("approved")),
    Row(
        "catalog:enrolment_complete",
        ACT,
        method="post",
        kwargs=_enrolment("started"),
        data={"helped_in_work": "yes"},
    ),
    Row("catalog:enrolment_approve", DECIDE, method="post", kwargs=_enrolment("requested")),
    Row("catalog:enrolment_reject", DECIDE, method="post", kwargs=_enrolment("requested"), data={"comment": "No."}),
    Row(
        "catalog:approvals",
        {"anonymous": 302, "employee": 403, "other_employee": 403, "manager": 200, "outsider_manager": 200, "hr": 200},
    ),
    Row(
        "catalog:team",
        {"anonymous": 302, "employee": 403, "other_employee": 403, "manager": 200, "outsider_manager": 200, "hr": 403},
    ),
    Row("catalog:diversity", only_hr()),
    Row("catalog:asked_offered", only_hr()),
    Row("catalog:import_items", only_hr()),
    Row("api:learning-item-list", same(200, anonymous=401)),
    Row("api:learning-item-detail", same(200, anonymous=401), kwargs=lambda p: {"pk": _item(p).pk}),
    Row(
        "api:learning-item-list",
        same(403, anonymous=401, hr=200),
        method="post",
        json=True,
        data={
            "items": [
                {
                    "provider": "P",
                    "provider_key": "1",
                    "title": "T",
                    "format": "video",
                    "levels": ["basic"],
                    "duration_hours": "1",
                }
            ]
        },
    ),
    Row("api:enrolment-list", same(200, anonymous=401)),
    Row(
        "api:enrolment-detail",
        {"anonymous": 401, "employee": 200, "other_employee": 404, "manager": 200, "outsider_manager": 404, "hr": 200},
        kwargs=_enrolment("approved"),
    ),
    Row(
        "api:enrolment-list",
        same(403, anonymous=401, hr=201),
        method="post",
        json=True,
        data=lambda p: {"employee_external_id": p.employee.external_id, "item_id": _item(p).pk},
    ),
]


# --- managing the offer: L&D staff only --------------------------------------------------------


def _session(p):
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Session

    item, _ = LearningItem.objects.get_or_create(
        provider="Matrix",
        provider_key="S1",
        defaults={"title": "Matrix classroom", "format": "classroom", "level_basic": True, "duration_hours": 4},
    )
    start = timezone.now() + timedelta(days=20)
    session, _ = Session.objects.get_or_create(
        item=item, place="Matrix", defaults={"starts_at": start, "ends_at": start + timedelta(hours=2), "seats": 5}
    )
    return session


def _rule(p):
    from datetime import date

    from catalog.models import MandatoryRule

    rule, _ = MandatoryRule.objects.get_or_create(
        item=_item(p), audience_kind="everyone", defaults={"starts_on": date(2026, 1, 1), "due_days": 30}
    )
    return {"pk": rule.pk}


def _session_data(p):
    session = _session(p)
    return {
        "starts_at": session.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%dT%H:%M"),
        "place": "Matrix",
        "seats": "6",
    }


MANAGE_POST = same(403, anonymous=302, hr=302)  # L&D staff are sent on after the change

ROWS += [
    Row("catalog:manage_items", only_hr()),
    Row("catalog:manage_items", only_hr(), query="q=Matrix&format=elearning&level=basic&active=yes&provider=Matrix"),
    Row("catalog:manage_item_create", only_hr()),
    Row(
        "catalog:manage_item_create",
        MANAGE_POST,
        method="post",
        data={
            "title": "Matrix new",
            "format": "video",
            "levels": ["basic"],
            "language": "nl",
            "duration_hours": "1",
            "cost": "0",
            "delivery": "online",
            "active": "on",
        },
    ),
    Row("catalog:manage_item_edit", only_hr(), kwargs=lambda p: {"pk": _item(p).pk}),
    Row("catalog:manage_item_deactivate", MANAGE_POST, method="post", kwargs=lambda p: {"pk": _item(p).pk}),
    Row("catalog:manage_sessions", only_hr(), kwargs=lambda p: {"pk": _session(p).item_id}),
    Row(
        "catalog:manage_sessions",
        MANAGE_POST,
        method="post",
        kwargs=lambda p: {"pk": _session(p).item_id},
        data=_session_data,
    ),
    Row("catalog:manage_session_edit", only_hr(), kwargs=lambda p: {"pk": _session(p).pk}),
    Row(
        "catalog:manage_session_edit",
        MANAGE_POST,
        method="post",
        kwargs=lambda p: {"pk": _session(p).pk},
        data=_session_data,
    ),
    Row("catalog:manage_session_cancel", MANAGE_POST, method="post", kwargs=lambda p: {"pk": _session(p).pk}),
    Row("catalog:manage_rules", only_hr()),
    Row("catalog:manage_rule_create", only_hr()),
    Row("catalog:manage_rule_edit", only_hr(), kwargs=_rule),
    Row("catalog:manage_rule_delete", MANAGE_POST, method="post", kwargs=_rule),
    Row("catalog:manage_job_groups", only_hr()),
    Row("catalog:manage_job_group_skills", only_hr(), kwargs=lambda p: {"pk": p.employee.job_group_id}),
    Row(
        "catalog:manage_job_group_skills",
        MANAGE_POST,
        method="post",
        kwargs=lambda p: {"pk": p.employee.job_group_id},
        data={"skills": "Matrix skill"},
    ),
    Row("catalog:manage_settings", only_hr()),
    Row("catalog:manage_settings", MANAGE_POST, method="post", data={"approval_threshold": "150"}),
]


# --- mandatory rules through the API: L&D staff (and catalog systems, see the token matrix) -----------


def _rule_data(p):
    return {
        "item": _item(p).pk,
        "audience": {"kind": "department", "department": p.employee.department_id},
        "starts_on": "2026-01-01",
        "due_days": 30,
    }


ROWS += [
    Row("api:mandatory-rule-list", same(403, anonymous=401, hr=200)),
    Row("api:mandatory-rule-list", same(403, anonymous=401, hr=201), method="post", json=True, data=_rule_data),
    Row("api:mandatory-rule-detail", same(403, anonymous=401, hr=200), kwargs=_rule),
    Row(
        "api:mandatory-rule-detail",
        same(403, anonymous=401, hr=200),
        kwargs=_rule,
        method="patch",
        json=True,
        data={"due_days": 45},
    ),
    Row("api:mandatory-rule-detail", same(403, anonymous=401, hr=204), kwargs=_rule, method="delete"),
]
