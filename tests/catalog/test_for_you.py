""" "For you": the ranking, its reasons in words, and a fixed number of queries at any size."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalog.models import ItemDepartmentStat, JobGroupSkill, LearningItem, Status
from catalog.selectors import items_for_employee
from catalog.services import item_stats_refresh, learning_profile_update
from tests.catalog.factories import EnrolmentFactory, ItemFactory, SkillFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills(db):
    return {name: SkillFactory(name=name) for name in ("Data literacy", "Customer contact", "Forklift", "Sales")}


@pytest.fixture
def offer(skills, employee):
    employee.education_level = "basic"
    employee.locale = "nl"
    employee.save()
    JobGroupSkill.objects.create(job_group=employee.job_group, skill=skills["Customer contact"])
    return {
        "needed": ItemFactory(title="Phone calls that help", level_basic=True, skills=[skills["Customer contact"]]),
        "wanted": ItemFactory(title="Numbers made easy", level_basic=True, skills=[skills["Data literacy"]]),
        "coaching": ItemFactory(title="A coach for you", format="coaching", level_basic=True),
        "too_hard": ItemFactory(title="Advanced econometrics", level_basic=False, level_master=True),
        "plain": ItemFactory(title="Something else", level_basic=True, language="de"),
        "done": ItemFactory(title="Already done", level_basic=True, skills=[skills["Customer contact"]]),
    }


def test_ranking_follows_needs_job_group_level_and_excludes_what_was_completed(employee, offer, skills):
    learning_profile_update(employee=employee, needs=[skills["Data literacy"]], preferred_formats=["coaching"])
    EnrolmentFactory(employee=employee, item=offer["done"], status=Status.COMPLETED)
    recs = items_for_employee(employee=employee, limit=10)
    titles = [r.item.title for r in recs]
    assert "Already done" not in titles
    assert titles[:3] == ["Numbers made easy", "Phone calls that help", "A coach for you"]
    assert titles[-1] == "Advanced econometrics"
    reasons = {r.item.title: r.reasons for r in recs}
    assert "you want to learn Data literacy" in reasons["Numbers made easy"]
    assert "Customer contact: a skill your job group needs" in reasons["Phone calls that help"]
    assert "you asked for coaching" in reasons["A coach for you"]
    assert "suits your level" in reasons["A coach for you"]
    assert "suits your level" not in reasons["Advanced econometrics"]


def test_ratings_come_from_the_evaluations_and_only_above_the_minimum_group(employee, offer):
    from tests.surveys.helpers import evaluation_round

    # The catalog's own completion rating no longer says anything: one place for ratings.
    colleagues = [EmployeeFactory(department=employee.department) for _ in range(3)]
    for person in colleagues:
        EnrolmentFactory(employee=person, item=offer["plain"], status=Status.COMPLETED, rating=5)
    item_stats_refresh()
    assert items_for_employee(employee=employee)[0].colleagues_rating is None
    evaluation_round(offer["plain"], [5, 4, 5, 5, 4, 5])  # six answers: shown
    evaluation_round(offer["too_hard"], [5, 5, 5, 5])  # four, below the minimum of five: not shown
    evaluation_round(offer["coaching"], [5, 5, 5, 5, 5], close=False)  # still open: not shown
    recs = {r.item.title: r for r in items_for_employee(employee=employee)}
    assert recs["Something else"].colleagues_rating == Decimal("4.7")
    assert "colleagues rated it 4.7 out of 5" in recs["Something else"].reasons
    assert recs["Advanced econometrics"].colleagues_rating is None
    assert recs["A coach for you"].colleagues_rating is None
    # Rated well, "Something else" now beats an item with only the level in its favour.
    order = [r.item.title for r in items_for_employee(employee=employee)]
    assert order.index("Something else") < order.index("A coach for you")


def test_completion_updates_the_colleague_table_on_commit(employee, cheap_item, django_capture_on_commit_callbacks):
    from catalog import services

    colleague = EmployeeFactory(department=employee.department)
    with django_capture_on_commit_callbacks(execute=True):
        e = services.enrolment_request(employee=colleague, item=cheap_item, motivation="x")
        services.enrolment_complete(enrolment=e, by=None)
    stat = ItemDepartmentStat.objects.get(item=cheap_item, department=employee.department)
    assert (stat.completions, stat.rating_sum, stat.rating_count) == (1, 0, 0)


def test_reasons_are_translated(employee, offer, skills):
    learning_profile_update(employee=employee, needs=[], preferred_formats=["coaching"])
    with translation.override("nl"):
        reasons = {r.item.title: r.reasons for r in items_for_employee(employee=employee)}
    assert "past bij je niveau" in reasons["A coach for you"]


def _grow(n_items, n_employees, department, skills):
    ItemFactory.reset_sequence(10000)
    LearningItem.objects.bulk_create(
        [
            LearningItem(
                title=f"Bulk {i}",
                format="video",
                level_basic=i % 2 == 0,
                level_master=i % 2 == 1,
                duration_hours=Decimal(1),
                provider="Bulk",
                provider_key=f"B{i}",
            )
            for i in range(n_items)
        ]
    )
    through = LearningItem.skills.through
    ids = list(LearningItem.objects.filter(provider="Bulk").values_list("pk", flat=True))
    through.objects.bulk_create(
        [through(learningitem_id=pk, skill_id=skills["Customer contact"].pk) for pk in ids[::3]]
    )
    people = [EmployeeFactory(department=department) for _ in range(n_employees)]
    for person, pk in zip(people, ids, strict=False):
        EnrolmentFactory(employee=person, item_id=pk, status=Status.COMPLETED, rating=4)
    item_stats_refresh()


def test_for_you_page_runs_the_same_number_of_queries_for_a_small_and_a_large_catalog(
    client_for, employee, offer, skills, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.selectors import catalog_changed

    learning_profile_update(employee=employee, needs=[skills["Data literacy"]], preferred_formats=["video"])
    c = client_for(employee)
    c.get("/catalog/")  # warm the session and the settings row

    def count():
        with CaptureQueriesContext(connection) as ctx:
            r = c.get("/catalog/")
        assert r.status_code == 200
        return len(ctx), r

    cache.clear()
    small_miss, _ = count()
    small_hit, _ = count()
    _grow(300, 40, employee.department, skills)
    catalog_changed()  # bulk writes skip the model signals; they must say the catalog changed
    large_miss, r = count()
    assert r.content.decode().count('class="card h-100"') == 12
    assert "Customer contact: een vaardigheid die je functiegroep nodig heeft" in r.content.decode()  # Dutch
    large_hit, r2 = count()
    assert r2.context["for_you_html"] == r.context["for_you_html"]
    assert (small_miss, small_hit) == (large_miss, large_hit)
    assert small_hit < small_miss
    c.cookies["django_language"] = "en"
    english = c.get("/catalog/").content.decode()  # the cached cards are per language
    assert "Customer contact: a skill your job group needs" in english
    with django_assert_num_queries(large_hit):
        c.get("/catalog/")


def test_cached_ranking_follows_completions_profile_and_new_items(
    employee, offer, skills, django_capture_on_commit_callbacks
):
    from catalog import services
    from catalog.selectors import for_you

    def titles():
        return [r.item.title for r in for_you(employee=employee, limit=10)]

    assert "Phone calls that help" in titles()
    with django_capture_on_commit_callbacks(execute=True):
        e = services.enrolment_request(employee=employee, item=offer["needed"], motivation="x")
    assert "Phone calls that help" not in titles()  # enrolled: no longer suggested
    with django_capture_on_commit_callbacks(execute=True):
        learning_profile_update(employee=employee, needs=[skills["Data literacy"]], preferred_formats=[])
    assert titles()[0] == "Numbers made easy"
    with django_capture_on_commit_callbacks(execute=True):
        ItemFactory(title="Brand new on data", level_basic=True, language="nl", skills=[skills["Data literacy"]])
    assert "Brand new on data" in titles()[:2]
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_cancel(enrolment=e, by=employee.user)
    assert "Phone calls that help" in titles()


def test_cached_reasons_speak_the_language_of_the_request(employee, offer):
    from catalog.selectors import for_you

    for_you(employee=employee)  # fills the cache in English
    with translation.override("nl"):
        reasons = {r.item.title: r.reasons for r in for_you(employee=employee)}
    assert "past bij je niveau" in reasons["A coach for you"]
