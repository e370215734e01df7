"""The enrolment life cycle: every transition, who may make it, and the contract with budgets."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog import services
from catalog.exceptions import ApprovalRefused
from catalog.models import Enrolment, Status
from catalog.selectors import approvals_waiting_for
from catalog.signals import enrolment_approving, enrolment_completed, enrolment_released
from people.formatting import money
from people.services import employee_deactivate

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """Records what the budget hooks would receive."""
    calls = []

    def approving(sender, enrolment, by, **kw):
        calls.append(("approving", enrolment.pk, by))

    def released(sender, enrolment, **kw):
        calls.append(("released", enrolment.pk))

    def completed(sender, enrolment, amount, **kw):
        calls.append(("completed", enrolment.pk, amount))

    enrolment_approving.connect(approving, dispatch_uid="test-approving")
    enrolment_released.connect(released, dispatch_uid="test-released")
    enrolment_completed.connect(completed, dispatch_uid="test-completed")
    yield calls
    enrolment_approving.disconnect(dispatch_uid="test-approving")
    enrolment_released.disconnect(dispatch_uid="test-released")
    enrolment_completed.disconnect(dispatch_uid="test-completed")


@pytest.fixture
def refuse():
    """refuse(message, route_to_ld=False): a budget receiver that refuses every approval."""
    state = {}

    def receiver(sender, enrolment, by, **kw):
        # A receiver that wrote something before refusing: that write must be rolled back too.
        Enrolment.objects.filter(pk=enrolment.pk).update(decision_comment="written by the receiver")
        raise ApprovalRefused(state["message"], route_to_ld=state["route"])

    def arm(message, route_to_ld=False):
        state.update(message=message, route=route_to_ld)
        enrolment_approving.connect(receiver, dispatch_uid="test-refuse")

    yield arm
    enrolment_approving.disconnect(dispatch_uid="test-refuse")


def request(employee, item, **kw):
    return services.enrolment_request(employee=employee, item=item, motivation="It helps my work.", **kw)


def test_request_above_threshold_waits_for_the_manager(employee, manager, pricey_item, received):
    e = request(employee, pricey_item)
    assert e.status == Status.REQUESTED
    assert received == []
    assert list(approvals_waiting_for(manager.user)) == [e]


def test_request_below_threshold_is_approved_automatically_through_the_same_hook(employee, cheap_item, received):
    e = request(employee, cheap_item)
    assert e.status == Status.APPROVED
    assert e.auto_approved
    assert e.decided_by is None
    assert received == [("approving", e.pk, None)]


def test_request_needs_a_motivation_and_an_active_item(employee, pricey_item):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_request(employee=employee, item=pricey_item, motivation="  ")
    assert "motivation" in exc.value.message_dict
    pricey_item.active = False
    pricey_item.save()
    with pytest.raises(ValidationError) as exc:
        request(employee, pricey_item)
    assert "item" in exc.value.message_dict
    assert not Enrolment.objects.exists()


def test_second_open_request_for_the_same_item_is_refused(employee, pricey_item):
    request(employee, pricey_item)
    with pytest.raises(ValidationError, match="already have an open enrolment"):
        request(employee, pricey_item)
    assert Enrolment.objects.count() == 1


def test_manager_approves_direct_report_and_budget_hook_sees_the_approver(employee, manager, pricey_item, received):
    e = request(employee, pricey_item)
    services.enrolment_approve(enrolment=e, by=manager.user, comment="Go ahead")
    e.refresh_from_db()
    assert e.status == Status.APPROVED
    assert e.decided_by == manager.user
    assert e.decision_comment == "Go ahead"
    assert received == [("approving", e.pk, manager.user)]


def test_second_approval_is_refused_without_a_second_effect(employee, manager, hr, pricey_item, received):
    e = request(employee, pricey_item)
    services.enrolment_approve(enrolment=e, by=manager.user)
    stale = Enrolment.objects.get(pk=e.pk)
    stale.status = Status.REQUESTED  # what a second browser tab still believes
    with pytest.raises(ValidationError, match="cannot be done any more"):
        services.enrolment_approve(enrolment=stale, by=hr.user)
    assert received == [("approving", e.pk, manager.user)]
    assert Enrolment.objects.get(pk=e.pk).decided_by == manager.user


def test_nobody_approves_their_own_request(manager, hr, pricey_item):
    own = request(hr, pricey_item)  # L&D staff may approve anything, but not their own
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(enrolment=own, by=hr.user)
    mine = request(manager, pricey_item)
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(enrolment=mine, by=manager.user)
    assert not approvals_waiting_for(hr.user).filter(pk=own.pk).exists()
    assert Enrolment.objects.filter(status=Status.APPROVED).count() == 0


@pytest.mark.parametrize("who", ["outsider_manager", "other_employee", "team_lead"])
def test_only_the_direct_manager_or_ld_decides(personas, who, pricey_item):
    # team_lead manages indirect_report, not employee; the employee's manager is `manager`.
    e = request(personas.employee, pricey_item)
    with pytest.raises(PermissionDenied):
        services.enrolment_approve(enrolment=e, by=getattr(personas, who).user)
    with pytest.raises(PermissionDenied):
        services.enrolment_reject(enrolment=e, by=getattr(personas, who).user, comment="no")
    assert Enrolment.objects.get(pk=e.pk).status == Status.REQUESTED


def test_request_of_someone_whose_manager_is_inactive_goes_to_ld(employee, manager, hr, pricey_item):
    employee_deactivate(employee=manager)
    e = request(employee, pricey_item)
    assert list(approvals_waiting_for(hr.user)) == [e]
    assert not services.can_decide(manager.user, e)
    services.enrolment_approve(enrolment=e, by=hr.user)
    assert Enrolment.objects.get(pk=e.pk).status == Status.APPROVED


def test_request_of_someone_without_manager_goes_to_ld(manager, hr, pricey_item):
    e = request(manager, pricey_item)  # the persona `manager` has no manager
    assert e in approvals_waiting_for(hr.user)


def test_budget_refusal_writes_nothing_and_shows_its_message(employee, manager, pricey_item, refuse, received):
    e = request(employee, pricey_item)
    refuse("Only € 120 left in your budget.")
    with pytest.raises(ApprovalRefused) as exc:
        services.enrolment_approve(enrolment=e, by=manager.user)
    assert exc.value.message == "Only € 120 left in your budget."
    e.refresh_from_db()
    assert e.status == Status.REQUESTED
    assert e.decided_by is None
    assert e.decision_comment == ""
    assert not e.routed_to_ld


def test_budget_refusal_with_route_to_ld_moves_the_request_to_ld(employee, manager, hr, pricey_item, refuse):
    e = request(employee, pricey_item)
    refuse("Over budget: L&D decides on exceptions.", route_to_ld=True)
    with pytest.raises(ApprovalRefused):
        services.enrolment_approve(enrolment=e, by=manager.user)
    e.refresh_from_db()
    assert e.status == Status.REQUESTED
    assert e.routed_to_ld
    assert e.routing_note == "Over budget: L&D decides on exceptions."
    assert e.decision_comment == ""  # the receiver's own write was rolled back
    assert e not in approvals_waiting_for(manager.user)
    assert e in approvals_waiting_for(hr.user)
    assert not services.can_decide(manager.user, e)


def test_refused_automatic_approval_leaves_the_request_with_its_approver(employee, manager, cheap_item, refuse):
    refuse("No budget this year.")
    e = request(employee, cheap_item)
    assert e.status == Status.REQUESTED
    assert e in approvals_waiting_for(manager.user)


def test_reject_needs_a_comment_and_rejecting_an_approval_releases_it(employee, manager, pricey_item, received):
    e = request(employee, pricey_item)
    with pytest.raises(ValidationError):
        services.enrolment_reject(enrolment=e, by=manager.user, comment="")
    services.enrolment_approve(enrolment=e, by=manager.user)
    services.enrolment_reject(enrolment=e, by=manager.user, comment="Plans changed")
    assert Enrolment.objects.get(pk=e.pk).status == Status.REJECTED
    assert received[-1] == ("released", e.pk)


def test_cancel_releases_only_what_was_approved(employee, pricey_item, cheap_item, received):
    waiting = request(employee, pricey_item)
    services.enrolment_cancel(enrolment=waiting, by=employee.user)
    assert ("released", waiting.pk) not in received
    approved = request(employee, cheap_item)
    services.enrolment_cancel(enrolment=approved, by=employee.user)
    assert received[-1] == ("released", approved.pk)
    with pytest.raises(ValidationError):
        services.enrolment_cancel(enrolment=approved, by=employee.user)


def test_manager_cannot_cancel_start_or_complete_for_the_employee(employee, manager, cheap_item):
    e = request(employee, cheap_item)
    for action in (services.enrolment_cancel, services.enrolment_start):
        with pytest.raises(PermissionDenied):
            action(enrolment=e, by=manager.user)
    with pytest.raises(PermissionDenied):
        services.enrolment_complete(enrolment=e, by=manager.user, helped_in_work=True)


def test_start_complete_and_completion_hook(employee, cheap_item, received):
    """Completing asks only whether it helped: the rating is the evaluation's (surveys), so
    nothing new is written to Enrolment.rating."""
    e = request(employee, cheap_item)
    services.enrolment_start(enrolment=e, by=employee.user)
    assert e.status == Status.STARTED
    with pytest.raises(ValidationError) as exc:
        services.enrolment_complete(enrolment=e, by=employee.user, helped_in_work=None)
    assert set(exc.value.message_dict) == {"helped_in_work"}
    services.enrolment_complete(enrolment=e, by=employee.user, helped_in_work=True)
    e.refresh_from_db()
    assert (e.status, e.rating, e.helped_in_work) == (Status.COMPLETED, None, True)
    assert received[-1] == ("completed", e.pk, None)
    with pytest.raises(ValidationError):
        services.enrolment_start(enrolment=e, by=employee.user)


def test_completion_passes_the_invoiced_amount(employee, hr, cheap_item, received):
    e = request(employee, cheap_item)
    services.enrolment_complete(enrolment=e, by=hr.user, amount=Decimal("22.50"))
    assert received[-1] == ("completed", e.pk, Decimal("22.50"))


def test_requested_cannot_be_started_or_completed(employee, pricey_item):
    e = request(employee, pricey_item)
    with pytest.raises(ValidationError):
        services.enrolment_start(enrolment=e, by=employee.user)
    with pytest.raises(ValidationError):
        services.enrolment_complete(enrolment=e, by=employee.user, helped_in_work=False)


def test_external_request_exposes_cost_hours_and_title(employee, manager, threshold, received):
    e = services.enrolment_request_external(
        employee=employee,
        title="Klantcontact Congres",
        provider="Events BV",
        cost=Decimal("375.00"),
        hours=Decimal("8"),
        motivation="Ideas for our team",
    )
    assert (e.title, e.cost, e.hours, e.employee) == ("Klantcontact Congres", Decimal("375.00"), Decimal("8"), employee)
    assert e.status == Status.REQUESTED
    services.enrolment_approve(enrolment=e, by=manager.user)
    assert received == [("approving", e.pk, manager.user)]


def test_external_request_reports_every_missing_field(employee, threshold):
    with pytest.raises(ValidationError) as exc:
        services.enrolment_request_external(employee=employee, title="", provider="", cost=Decimal(-1), motivation="")
    assert set(exc.value.message_dict) == {"title", "provider", "cost", "motivation"}
    assert not Enrolment.objects.exists()


def test_enrolment_exposes_what_budgets_rely_on(employee, pricey_item):
    e = request(employee, pricey_item)
    assert e.pk
    assert e.employee == employee
    assert (e.cost, e.hours, e.title) == (Decimal("450.00"), Decimal("2.0"), "Negotiation masterclass")


def test_approve_and_reject_in_place_with_htmx(client_for, employee, manager, pricey_item):
    e = request(employee, pricey_item)
    c = client_for(manager)
    r = c.post(f"/catalog/enrolments/{e.pk}/approve/", {"comment": "Fine"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert f'id="decision-{e.pk}"' in r.content.decode()
    assert "Approved" in r.content.decode()
    r = c.post(f"/catalog/enrolments/{e.pk}/approve/", {"comment": "again"}, headers={"HX-Request": "true"})
    assert "cannot be done any more" in r.content.decode()
    assert Enrolment.objects.get(pk=e.pk).decision_comment == "Fine"


def test_refusal_message_reaches_the_approver_page(client_for, employee, manager, pricey_item, refuse):
    e = request(employee, pricey_item)
    refuse("Only € 120 left in your budget.")
    r = client_for(manager).post(f"/catalog/enrolments/{e.pk}/approve/", {}, headers={"HX-Request": "true"})
    assert "Only € 120 left in your budget." in r.content.decode()


def test_employee_requests_and_completes_through_the_pages(client_for, employee, cheap_item):
    c = client_for(employee)
    r = c.post(f"/catalog/items/{cheap_item.pk}/request/", {"motivation": "I want to"})
    e = Enrolment.objects.get()
    assert r.status_code == 302
    assert e.status == Status.APPROVED
    page = c.get(f"/catalog/enrolments/{e.pk}/").content.decode()
    assert "You will get a short evaluation to rate it." in page
    assert 'name="rating"' not in page
    r = c.post(f"/catalog/enrolments/{e.pk}/complete/", {"rating": "4", "helped_in_work": "no"})
    e.refresh_from_db()
    assert (e.status, e.rating, e.helped_in_work) == (Status.COMPLETED, None, False)  # a posted rating is ignored
    assert "You will get a short evaluation" not in c.get(f"/catalog/enrolments/{e.pk}/").content.decode()


def test_bad_request_form_shows_errors_and_writes_nothing(client_for, employee, session):
    r = client_for(employee).post(f"/catalog/items/{session.item.pk}/request/", {"motivation": ""})
    assert r.status_code == 200
    assert r.context["form"].errors.keys() >= {"motivation", "session"}
    assert not Enrolment.objects.exists()


def test_lms_completion_completes_the_open_enrolment_idempotently(employee, cheap_item, received):
    from django.utils import timezone

    from catalog.services import enrolment_record_completion

    e = request(employee, cheap_item)
    at = timezone.now()
    done, changed = enrolment_record_completion(employee=employee, item=cheap_item, completed_at=at, amount=Decimal(20))
    assert changed
    assert done.pk == e.pk
    assert done.status == Status.COMPLETED
    again, changed = enrolment_record_completion(employee=employee, item=cheap_item, completed_at=at)
    assert not changed
    assert again.pk == e.pk
    assert [c for c in received if c[0] == "completed"] == [("completed", e.pk, Decimal(20))]


def test_lms_completion_of_a_request_still_waiting_is_refused(employee, pricey_item):
    from catalog.services import enrolment_record_completion

    request(employee, pricey_item)
    with pytest.raises(ValidationError, match="still waiting"):
        enrolment_record_completion(employee=employee, item=pricey_item)


def test_htmx_decision_that_is_not_yours_says_why_in_place(client_for, employee, manager, pricey_item, refuse):
    e = request(employee, pricey_item)
    refuse("Over budget: L&D decides.", route_to_ld=True)
    c = client_for(manager)
    c.post(f"/catalog/enrolments/{e.pk}/approve/", {}, headers={"HX-Request": "true"})
    r = c.post(f"/catalog/enrolments/{e.pk}/approve/", {}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "You cannot decide on this request." in r.content.decode()
    assert c.post(f"/catalog/enrolments/{e.pk}/approve/", {}).status_code == 403
    assert Enrolment.objects.get(pk=e.pk).status == Status.REQUESTED


def test_a_routed_request_refused_again_by_the_budget_stays_with_ld(employee, manager, hr, pricey_item, refuse):
    e = request(employee, pricey_item)
    refuse("Over budget: L&D decides.", route_to_ld=True)
    with pytest.raises(ApprovalRefused):
        services.enrolment_approve(enrolment=e, by=manager.user)
    with pytest.raises(ApprovalRefused) as exc:
        services.enrolment_approve(enrolment=e, by=hr.user)
    assert exc.value.message == "Over budget: L&D decides."
    e.refresh_from_db()
    assert e.status == Status.REQUESTED
    assert e.routed_to_ld
    assert e in approvals_waiting_for(hr.user)


def test_a_decision_made_on_the_managers_home_keeps_the_available_budget_column(
    client_for, employee, manager, pricey_item
):
    from people.registry import BUDGET_AVAILABLE, registry

    e = request(employee, pricey_item)
    c = client_for(manager)
    home = c.get("/").content.decode()
    assert 'name="with_available" value="1"' in home  # the home's table has the column
    r = c.post(
        f"/catalog/enrolments/{e.pk}/reject/",
        {"comment": "Not now", "with_available": "1"},
        headers={"HX-Request": "true"},
    )
    row = r.content.decode()
    assert row.count("<td") == 6, row  # as many cells as the home's table has columns
    available = registry.use(BUDGET_AVAILABLE)(employee)
    assert ("no budget" in row) if available is None else (money(available) in row)
    # The approvals page has no such column, and its rows none either.
    r = c.post(f"/catalog/enrolments/{e.pk}/approve/", {"comment": "x"}, headers={"HX-Request": "true"})
    assert r.content.decode().count("<td") == 5


def test_an_lms_completion_asks_only_whether_it_helped(client_for, employee, cheap_item):
    """A completion the LMS reported: the employee says afterwards whether it helped; the rating
    is the evaluation's, so the page asks for none."""
    e = request(employee, cheap_item)
    services.enrolment_complete(enrolment=e, by=None)
    c = client_for(employee)
    page = c.get(f"/catalog/enrolments/{e.pk}/").content.decode()
    assert 'name="helped_in_work"' in page
    assert 'name="rating"' not in page
    c.post(f"/catalog/enrolments/{e.pk}/complete/", {"helped_in_work": "yes"})
    e.refresh_from_db()
    assert (e.status, e.rating, e.helped_in_work) == (Status.COMPLETED, None, True)
    assert 'name="helped_in_work"' not in c.get(f"/catalog/enrolments/{e.pk}/").content.decode()
