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
        data={"rating": "4", "helped_in_work": "yes"},
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
