"""Demo catalog for the demo organisation: 66 items over every format and education level,
sessions, mandatory rules, the skills each job group needs, and enrolments in every state.
Idempotent: items are upserted by provider key; enrolments are made once per person."""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from people.audience import EVERYONE, Audience
from people.audience import AudienceKind as K
from people.models import Department, Employee, JobGroup

from .imports import items_import
from .models import Enrolment, JobGroupSkill, LearningItem, MandatoryRule, Session, Skill, Status
from .services import (
    enrolment_approve,
    enrolment_cancel,
    enrolment_complete,
    enrolment_reject,
    enrolment_request,
    enrolment_request_external,
    enrolment_start,
    item_stats_refresh,
    learning_profile_update,
)

PROVIDER_MIX = ["Noordkade Academy", "LeerLab", "GoodHabitz", "NCOI", "Open Universiteit", "Intern"]
# (skill, [(title, format, levels, language, hours, cost, delivery)])
OFFER = {
    "Safe working": [
        ("Veilig werken met de reachtruck", "classroom", "basic;secondary", "nl", 8, 195, "on_site"),
        ("VCA basis", "classroom", "basic;secondary", "nl", 16, 320, "on_site"),
        ("Tillen zonder rugpijn in 10 minuten", "micro", "basic", "nl", 0.2, 0, "online"),
        ("Safety walk with your team lead", "on_the_job", "basic;secondary", "en", 1, 0, "on_site"),
        ("BHV: bedrijfshulpverlening", "classroom", "basic;secondary;bachelor", "nl", 12, 240, "on_site"),
        ("Veiligheid in beeld (video)", "video", "basic;secondary", "nl", 0.5, 0, "online"),
    ],
    "Data literacy": [
        ("Werken met cijfers: de basis", "elearning", "secondary", "nl", 4, 49, "online"),
        ("Excel for planners", "webinar", "secondary;bachelor", "en", 3, 75, "online"),
        ("Data storytelling", "classroom", "bachelor;master", "en", 8, 495, "on_site"),
        ("Dashboards lezen in 5 minuten", "micro", "secondary;bachelor", "nl", 0.1, 0, "online"),
        ("Power BI fundamentals", "elearning", "bachelor;master", "en", 12, 199, "online"),
        ("Data & AI conference Utrecht", "conference", "bachelor;master", "nl", 8, 650, "on_site"),
    ],
    "Customer contact": [
        ("Klantgericht telefoneren", "classroom", "basic;secondary", "nl", 6, 185, "on_site"),
        ("Lastige gesprekken met klanten", "coaching", "secondary;bachelor", "nl", 4, 360, "blended"),
        ("Luisteren als superkracht (podcast)", "podcast", "basic;secondary;bachelor;master", "nl", 0.7, 0, "online"),
        ("Schrijven voor klanten: heldere e-mails", "elearning", "secondary;bachelor", "nl", 3, 39, "online"),
        ("Meeluisteren met een ervaren collega", "peer", "basic;secondary", "nl", 4, 0, "on_site"),
        ("Customer journeys in practice", "webinar", "bachelor;master", "en", 2, 0, "online"),
    ],
    "Planning": [
        ("Slim plannen met TMS", "elearning", "secondary;bachelor", "nl", 5, 89, "online"),
        ("Routeplanning in de praktijk", "on_the_job", "secondary", "nl", 8, 0, "on_site"),
        ("Lean in logistics", "classroom", "secondary;bachelor;master", "en", 12, 540, "on_site"),
        ("Planning onder druk (podcast)", "podcast", "secondary;bachelor", "nl", 0.5, 0, "online"),
        ("Mentoring voor nieuwe planners", "mentoring", "secondary;bachelor", "nl", 10, 0, "blended"),
    ],
    "Digital skills": [
        ("Je telefoon als werkinstrument", "micro", "basic", "nl", 0.2, 0, "online"),
        ("Digitaal de baas: basisvaardigheden", "classroom", "basic", "nl", 6, 0, "on_site"),
        ("Veilig online: phishing herkennen", "elearning", "basic;secondary;bachelor;master", "nl", 1, 0, "online"),
        ("Microsoft Teams in 20 minuten", "video", "basic;secondary", "nl", 0.3, 0, "online"),
        ("Samenwerken in SharePoint", "webinar", "secondary;bachelor", "nl", 1.5, 0, "online"),
        ("Cloud fundamentals", "elearning", "bachelor;master", "en", 10, 150, "online"),
    ],
    "Leadership": [
        ("Van collega naar leidinggevende", "classroom", "secondary;bachelor", "nl", 16, 895, "on_site"),
        ("Coachend leidinggeven", "coaching", "bachelor;master", "nl", 6, 720, "blended"),
        ("Feedback geven en ontvangen", "micro", "secondary;bachelor;master", "nl", 0.3, 0, "online"),
        ("Leading remote teams", "webinar", "bachelor;master", "en", 2, 95, "online"),
        ("Leiderschap dat blijft hangen (boek)", "reading", "bachelor;master", "nl", 6, 35, "online"),
        ("Intervisie voor teamleiders", "peer", "secondary;bachelor;master", "nl", 6, 0, "on_site"),
        ("HR & Leadership Summit", "conference", "master;bachelor", "en", 16, 1250, "on_site"),
    ],
    "Finance": [
        ("Financiële basis voor niet-financials", "elearning", "secondary;bachelor", "nl", 4, 79, "online"),
        ("IFRS update", "webinar", "bachelor;master", "en", 2, 145, "online"),
        ("Controlling in logistics", "classroom", "bachelor;master", "nl", 12, 780, "on_site"),
        ("Kosten bewust: wat kost een pallet?", "video", "basic;secondary", "nl", 0.4, 0, "online"),
    ],
    "Dutch language": [
        ("Nederlands op de werkvloer (NT2)", "classroom", "basic", "nl", 40, 450, "on_site"),
        ("Taalmaatje: samen Nederlands oefenen", "peer", "basic;secondary", "nl", 20, 0, "on_site"),
        ("Werkinstructies lezen", "micro", "basic", "nl", 0.2, 0, "online"),
        ("Zakelijk schrijven", "elearning", "secondary;bachelor", "nl", 6, 59, "online"),
    ],
    "Driving and transport": [
        ("Code 95 nascholing", "classroom", "basic;secondary", "nl", 7, 210, "on_site"),
        ("Zuinig rijden", "on_the_job", "basic;secondary", "nl", 4, 0, "on_site"),
        ("Ladingzekering", "video", "basic;secondary", "nl", 0.5, 0, "online"),
        ("Rijtijdenwet in het kort", "micro", "basic;secondary", "nl", 0.2, 0, "online"),
    ],
    "Wellbeing": [
        ("Goed slapen bij ploegendienst", "podcast", "basic;secondary;bachelor;master", "nl", 0.6, 0, "online"),
        ("Stress de baas", "elearning", "basic;secondary;bachelor;master", "nl", 2, 0, "online"),
        ("Vitaliteitscoaching", "coaching", "basic;secondary;bachelor;master", "nl", 3, 240, "blended"),
        ("Mindful at work", "reading", "bachelor;master", "en", 4, 25, "online"),
    ],
    "Software development": [
        ("Python for automation", "elearning", "bachelor;master", "en", 20, 249, "online"),
        ("Secure coding", "classroom", "bachelor;master", "en", 16, 1100, "on_site"),
        ("Pair programming days", "peer", "secondary;bachelor;master", "en", 8, 0, "on_site"),
        ("Architecture podcast series", "podcast", "bachelor;master", "en", 3, 0, "online"),
        ("DevOps days Amsterdam", "conference", "bachelor;master", "en", 16, 480, "on_site"),
    ],
    "Recruiting and learning": [
        ("Learning design essentials", "elearning", "bachelor;master", "en", 8, 180, "online"),
        ("Gesprekstechnieken voor HR", "classroom", "bachelor;master", "nl", 8, 420, "on_site"),
        ("Leren dat beklijft (boek)", "reading", "bachelor;master", "nl", 5, 30, "online"),
        (
            "Mentorprogramma voor nieuwe collega's",
            "mentoring",
            "basic;secondary;bachelor;master",
            "nl",
            12,
            0,
            "blended",
        ),
    ],
    "Sales": [
        ("Consultatief verkopen", "classroom", "secondary;bachelor", "nl", 12, 690, "on_site"),
        ("Onderhandelen met inkopers", "coaching", "bachelor;master", "nl", 4, 480, "blended"),
        ("Sales pitch in 3 minuten", "video", "secondary;bachelor", "nl", 0.3, 0, "online"),
        ("Account planning", "webinar", "bachelor;master", "en", 1.5, 0, "online"),
        ("Shadow a senior account manager", "on_the_job", "secondary;bachelor", "en", 8, 0, "on_site"),
    ],
}
# A few items serve more than one skill.
CROSS_SKILLS = {
    "Excel for planners": ["Planning"],
    "Dashboards lezen in 5 minuten": ["Planning"],
    "Feedback geven en ontvangen": ["Customer contact"],
    "Schrijven voor klanten: heldere e-mails": ["Dutch language"],
    "Controlling in logistics": ["Data literacy"],
}
JOB_GROUP_SKILLS = {
    "JG-WH": ["Safe working", "Dutch language", "Digital skills"],
    "JG-DR": ["Driving and transport", "Safe working"],
    "JG-PL": ["Planning", "Data literacy"],
    "JG-AM": ["Sales", "Customer contact"],
    "JG-CS": ["Customer contact", "Digital skills", "Data literacy"],
    "JG-FI": ["Finance", "Data literacy"],
    "JG-IT": ["Software development", "Digital skills"],
    "JG-HR": ["Recruiting and learning", "Leadership"],
    "JG-TL": ["Leadership", "Safe working"],
    "JG-MT": ["Leadership", "Finance"],
}


def _rows():
    rows, n = [], 0
    for skill, items in OFFER.items():
        for title, fmt, levels, language, hours, cost, delivery in items:
            n += 1
            rows.append(
                {
                    "provider": PROVIDER_MIX[n % len(PROVIDER_MIX)],
                    "provider_key": f"DEMO-{n:03d}",
                    "title": title,
                    "description": f"{title}. {skill}: practical, short and close to your work.",
                    "format": fmt,
                    "levels": levels,
                    "language": language,
                    "duration_hours": str(hours),
                    "cost": str(cost),
                    "skills": [skill, *CROSS_SKILLS.get(title, [])],
                    "delivery": delivery,
                    "url": f"https://learning.noordkade.example/items/{n}",
                }
            )
    return rows


@transaction.atomic
def seed_catalog() -> None:
    result = items_import(rows=_rows())
    if result.errors:  # the demo data is ours: a mistake here is a bug
        raise RuntimeError(result.errors)
    skills = {s.name: s for s in Skill.objects.all()}
    groups = {g.external_id: g for g in JobGroup.objects.filter(external_id__in=JOB_GROUP_SKILLS)}
    for key, names in JOB_GROUP_SKILLS.items():
        if key in groups:
            for name in names:
                JobGroupSkill.objects.get_or_create(job_group=groups[key], skill=skills[name])

    now = timezone.now()
    dated = LearningItem.objects.filter(
        provider_key__startswith="DEMO-", format__in=["classroom", "webinar", "conference"]
    )
    for i, item in enumerate(dated.order_by("provider_key")):
        if not item.sessions.exists():
            for k in range(2):
                start = (now + timedelta(days=14 + 21 * k + i)).replace(hour=9, minute=0, second=0, microsecond=0)
                Session.objects.create(
                    item=item,
                    starts_at=start,
                    ends_at=start + timedelta(hours=min(float(item.duration_hours), 8)),
                    place="Online" if item.delivery == "online" else "Venlo, Noordkade 1",
                    seats=3 if (i + k) % 5 == 0 else 12,
                )

    def item(key):
        return LearningItem.objects.get(provider_key=key)

    today = timezone.localdate()
    warehouse = Department.objects.filter(external_id="D11").first()
    drivers = groups.get("JG-DR")
    for target, audience in [
        (item("DEMO-026"), EVERYONE),  # phishing
        (item("DEMO-027"), Audience.of(K.JOB_GROUP, job_group=groups["JG-CS"]) if "JG-CS" in groups else None),
        (item("DEMO-002"), Audience.of(K.DEPARTMENT, department=warehouse) if warehouse else None),
        (item("DEMO-045"), Audience.of(K.JOB_GROUP, job_group=drivers) if drivers else None),  # Code 95
    ]:
        if audience is None:
            continue
        MandatoryRule.objects.get_or_create(
            item=target,
            audience_kind=audience.kind,
            audience_department_id=audience.department_id,
            audience_job_group_id=audience.job_group_id,
            defaults={
                "starts_on": today - timedelta(days=120),
                "due_days": 90,
                "renewal_months": {"DEMO-026": 12, "DEMO-045": 60}.get(target.provider_key),
            },
        )
    _seed_enrolments(now)
    item_stats_refresh()


def _seed_enrolments(now):
    User = get_user_model()
    user = User.objects.filter(username="employee").first()
    employee = Employee.objects.filter(user=user).select_related("manager", "department").first() if user else None
    if employee is None or Enrolment.objects.filter(employee=employee).exists():
        return
    manager_user = employee.manager.user if employee.manager and employee.manager.user_id else None
    demo = {i.provider_key: i for i in LearningItem.objects.filter(provider_key__startswith="DEMO-")}

    def request(key, who=employee, motivation="Helps me in my daily work."):
        it = demo[key]
        session = it.sessions.filter(starts_at__gt=now).order_by("starts_at").first()
        return enrolment_request(employee=who, item=it, session=session, motivation=motivation)

    learning_profile_update(
        employee=employee,
        needs=Skill.objects.filter(name__in=["Data literacy", "Customer contact"]),
        preferred_formats=["coaching", "micro", "video"],
    )
    # requested (above the threshold: waits for the manager)
    request("DEMO-014", motivation="Difficult callers take a lot of energy; I want to handle them better.")
    # approved, started, completed, rejected, cancelled
    approved = request("DEMO-013", motivation="I want to sound as friendly as I am.")
    if approved.status == Status.REQUESTED and manager_user:
        enrolment_approve(enrolment=approved, by=manager_user, comment="Good idea, go ahead.")
    started = request("DEMO-016")  # free: approved automatically
    enrolment_start(enrolment=started, by=None)
    done = request("DEMO-026")
    enrolment_complete(enrolment=done, by=None, helped_in_work=True)
    rejected = request("DEMO-009", motivation="I would like to present our numbers better.")
    if manager_user:
        enrolment_reject(enrolment=rejected, by=manager_user, comment="Not this quarter; let us look again in spring.")
    cancelled = request("DEMO-007")
    enrolment_cancel(enrolment=cancelled, by=None)
    enrolment_request_external(
        employee=employee,
        title="Klantcontact Congres 2027",
        provider="Customer Care Events",
        url="https://events.example/klantcontact-2027",
        cost=Decimal("375.00"),
        hours=Decimal("8"),
        starts_on=(now + timedelta(days=60)).date(),
        ends_on=(now + timedelta(days=60)).date(),
        motivation="Meet other customer service teams and bring back ideas.",
    )
    # Colleagues in the same department completed items, for "for you" (surveys' demo evaluates them).
    rng = random.Random(11)
    colleagues = list(
        Employee.objects.filter(department_id=employee.department_id, active=True).exclude(pk=employee.pk)[:25]
    )
    for colleague in colleagues:
        for key in rng.sample(["DEMO-015", "DEMO-017", "DEMO-010", "DEMO-025", "DEMO-031"], 2):
            e = Enrolment.objects.create(
                employee=colleague,
                item=demo[key],
                motivation="Demo history.",
                status=Status.STARTED,
                auto_approved=True,
            )
            enrolment_complete(
                enrolment=e,
                by=None,
                helped_in_work=rng.random() < 0.8,
                at=now - timedelta(days=rng.randint(5, 300)),
            )
    # A request from a colleague waits for the demo manager too.
    if colleagues and employee.manager:
        teammate = Employee.objects.filter(manager=employee.manager, active=True).exclude(pk=employee.pk).first()
        if teammate is not None:
            request("DEMO-030", who=teammate, motivation="I lead the team's stand-up now and want to do it well.")
    # The top of the organisation has nobody above her: her request waits in L&D's inbox.
    top = Employee.objects.filter(manager=None, active=True).order_by("pk").first()
    if top is not None and top.pk != employee.pk:
        request("DEMO-036", who=top, motivation="I want to see how other organisations make learning take hold.")


def history_enrolments(rows, *, motivation: str = "Demo history.") -> int:
    """Demo history for monitoring's demo step: completed enrolments begun on given instants, written
    in bulk as catalog/scale.py writes the grown organisation's; no budget is touched here
    (monitoring's demo books what the paid ones cost through budgets' demo helper). `rows` are
    (employee_id, item_id, began_at) or (employee_id, item_id, began_at, via_for_you); returns how
    many were written."""
    day = timedelta(days=1)
    batch = [
        Enrolment(
            employee_id=employee_id,
            item_id=item_id,
            motivation=motivation,
            status=Status.COMPLETED,
            auto_approved=True,
            via_for_you=bool(via_for_you and via_for_you[0]),
            decided_at=began - day,
            started_at=began,
            completed_at=began + 2 * day,
        )
        for employee_id, item_id, began, *via_for_you in rows
    ]
    created = Enrolment.objects.bulk_create(batch, batch_size=2000)
    # requested_at is set on creation: move it to the day before the start, as a request would be
    Enrolment.objects.filter(pk__in=[e.pk for e in created]).update(requested_at=models.F("decided_at"))
    return len(created)
