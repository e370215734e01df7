"""`seed_demo --employees N`: the demo grown through the HRIS sync to N active people, four levels
of departments, 5 enrolments each, budgets allocated and booked, a director with everyone below."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum

from budgets.models import Budget
from catalog.models import Enrolment, Status
from people.models import Department, DepartmentClosure, Employee, ReportingLine

pytestmark = pytest.mark.django_db


def test_the_demo_grows_to_n_people_with_everyone_under_the_director_and_again_changes_nothing():
    out = StringIO()
    call_command("seed_demo", "--employees=700", stdout=out)
    assert "700 active employees" in out.getvalue()
    assert "director" in out.getvalue()
    assert Employee.objects.filter(active=True).count() == 700

    grown = Employee.objects.filter(external_id__startswith="S")
    assert grown.count() == 700 - Employee.objects.exclude(external_id__startswith="S").count()
    assert Department.objects.count() >= 200
    assert DepartmentClosure.objects.order_by("-depth").values_list("depth", flat=True).first() == 3
    director = get_user_model().objects.get(username="director").employee
    assert director.manager_id is None
    # Everyone else is below the director (the reporting lines are refreshed by the sync).
    assert ReportingLine.objects.filter(manager=director, depth__gt=0).count() == 699

    per_person = grown.annotate(n=Count("enrolments")).order_by().values_list("n", flat=True).distinct()
    assert list(per_person) == [5]
    statuses = set(Enrolment.objects.filter(employee__in=grown).values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    budgets = Budget.objects.filter(employee__in=grown)
    assert budgets.count() == grown.count()
    assert not budgets.filter(committed__gt=0).filter(Q(committed__gt=F("allocated") - F("spent"))).exists()
    booked = budgets.aggregate(spent=Sum("spent"))["spent"]
    assert booked > 0
    # The balance is the sum of the ledger (the invariant the services keep).
    for budget in budgets.annotate(ledger_spent=Sum("entries__spent"))[:20]:
        assert budget.spent == budget.ledger_spent

    counts = (Employee.objects.count(), Enrolment.objects.count(), Budget.objects.count())
    call_command("seed_demo", "--employees=700", stdout=StringIO())
    assert (Employee.objects.count(), Enrolment.objects.count(), Budget.objects.count()) == counts
