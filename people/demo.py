"""The demo organisation: a believable company of about 300 people, built through the services.

Deterministic (a fixed random seed) and idempotent: running it again updates what is there, keyed
by HRIS key, and creates nothing twice. Later apps extend the demo through `DEMO_STEPS`.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .access import LD_STAFF_GROUP
from .models import Department, Employee, JobGroup
from .services import department_tree_refresh, reporting_lines_refresh

DEMO_PASSWORD = "leerborg-demo"  # noqa: S105 - the published demo password

# (HRIS key, name, parent key, job groups found there with weights)
DEPARTMENTS = [
    ("D1", "Noordkade Logistiek", None, {}),
    ("D10", "Operations", "D1", {}),
    ("D11", "Warehouse Venlo", "D10", {"JG-WH": 8, "JG-TL": 1}),
    ("D12", "Transport & Planning", "D10", {"JG-PL": 4, "JG-DR": 6, "JG-TL": 1}),
    ("D20", "Commercial", "D1", {}),
    ("D21", "Sales", "D20", {"JG-AM": 5, "JG-TL": 1}),
    ("D22", "Customer Service", "D20", {"JG-CS": 6, "JG-TL": 1}),
    ("D30", "Finance", "D1", {"JG-FI": 5, "JG-TL": 1}),
    ("D40", "IT", "D1", {"JG-IT": 5, "JG-TL": 1}),
    ("D50", "HR & Learning", "D1", {"JG-HR": 4}),
]
HEADCOUNT = {"D11": 105, "D12": 55, "D21": 35, "D22": 40, "D30": 20, "D40": 25, "D50": 10}
JOB_GROUPS = [
    ("JG-WH", "Warehouse staff", {"basic": 6, "secondary": 4}),
    ("JG-DR", "Drivers", {"basic": 5, "secondary": 5}),
    ("JG-PL", "Planners", {"secondary": 6, "bachelor": 4}),
    ("JG-AM", "Account managers", {"secondary": 2, "bachelor": 7, "master": 1}),
    ("JG-CS", "Customer service agents", {"secondary": 7, "bachelor": 3}),
    ("JG-FI", "Finance specialists", {"bachelor": 6, "master": 4}),
    ("JG-IT", "IT specialists", {"secondary": 2, "bachelor": 5, "master": 3}),
    ("JG-HR", "HR and L&D advisors", {"bachelor": 7, "master": 3}),
    ("JG-TL", "Team leads", {"secondary": 4, "bachelor": 5, "master": 1}),
    ("JG-MT", "Management", {"bachelor": 4, "master": 6}),
]
FIRST_NAMES = [
    "Zoë",
    "Daan",
    "Sanne",
    "Bram",
    "Fleur",
    "Joël",
    "Anouk",
    "Thijs",
    "Noëlle",
    "Sem",
    "Lotte",
    "Ruben",
    "Mehmet",
    "Ayşe",
    "Emre",
    "Elif",
    "Fatma",
    "Yusuf",
    "Özlem",
    "Kübra",
    "Mohamed",
    "Fatima",
    "Youssef",
    "Nadia",
    "Soufiane",
    "Imane",
    "Hanane",
    "Bilal",
    "Priya",
    "Rajesh",
    "Sunita",
    "Anand",
    "Kavita",
    "Agnieszka",
    "Łukasz",
    "Małgorzata",
    "Paweł",
    "Zofia",
    "Kryštof",
    "Dorota",
    "Dewi",
    "Budi",
    "Siti",
    "Wayan",
    "Ketut",
    "Chidi",
    "Amara",
    "Kwame",
    "Abena",
    "Tunde",
    "José",
    "María",
    "Inês",
    "João",
    "Björn",
    "Søren",
    "Åsa",
    "Chloé",
    "François",
    "Hélène",
    "Jürgen",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Dekker",
    "Brouwer",
    "van der Meer",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Çelik",
    "Öztürk",
    "El Amrani",
    "Bouzid",
    "Benali",
    "El Idrissi",
    "Haddou",
    "Ramdin",
    "Soekhlal",
    "Biharie",
    "Kalloe",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Dvořák",
    "Wibowo",
    "Santoso",
    "Hartono",
    "Okafor",
    "Mensah",
    "Adeyemi",
    "Asante",
    "García",
    "Gonçalves",
    "Müller",
    "Lefèvre",
    "Nørgaard",
    "Ångström",
]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    name: str


def _ascii(text: str) -> str:
    import unicodedata

    table = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ı": "i", "ß": "ss", "å": "a", "Å": "A"})
    normal = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in normal if c.isalnum() and c.isascii()).lower()


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _upsert(model, external_id, **fields):
    obj, created = model.objects.get_or_create(external_id=external_id, defaults=fields)
    if not created:
        changed = [name for name, value in fields.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, fields[name])
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
    return obj


@transaction.atomic
def seed_people() -> list[DemoLogin]:
    rng = random.Random(20261129)
    groups = {key: _upsert(JobGroup, key, name=name) for key, name, _levels in JOB_GROUPS}
    levels = {key: lv for key, _name, lv in JOB_GROUPS}
    departments: dict[str, Department] = {}
    for key, name, parent, _mix in DEPARTMENTS:
        departments[key] = _upsert(Department, key, name=name, parent=departments.get(parent))
    department_tree_refresh()

    used_emails: set[str] = set()
    counter = iter(range(1000, 100000))

    def person(dept_key, group_key, manager, first=None, last=None):
        first = first or rng.choice(FIRST_NAMES)
        last = last or rng.choice(LAST_NAMES)
        base = f"{_ascii(first)}.{_ascii(last)}"
        email, n = f"{base}@noordkade.example", 2
        while email in used_emails:
            email, n = f"{base}{n}@noordkade.example", n + 1
        used_emails.add(email)
        hired = date(2026, 11, 1) - timedelta(days=rng.randint(30, 365 * 18))
        return _upsert(
            Employee,
            f"E{next(counter)}",
            first_name=first,
            last_name=last,
            email=email,
            department=departments[dept_key],
            job_group=groups[group_key],
            manager=manager,
            education_level=_weighted(rng, levels[group_key]),
            fte=rng.choice([Decimal("1.00")] * 5 + [Decimal("0.80"), Decimal("0.60"), Decimal("0.50")]),
            hired_on=hired,
            locale=rng.choice(["nl"] * 3 + ["en"]),
            active=True,
        )

    ceo = person("D1", "JG-MT", None, "Marieke", "van Leeuwen")
    heads = {}
    for key, _name, parent, _mix in DEPARTMENTS[1:]:
        boss = heads.get(parent, ceo)
        heads[key] = person(key, "JG-MT", boss)
    for dept_key, count in HEADCOUNT.items():
        mix = dict(DEPARTMENTS[[d[0] for d in DEPARTMENTS].index(dept_key)][3])
        leads = (
            [person(dept_key, "JG-TL", heads[dept_key]) for _ in range(max(1, count // 15))] if "JG-TL" in mix else []
        )
        mix.pop("JG-TL", None)
        for i in range(count - len(leads)):
            manager = leads[i % len(leads)] if leads else heads[dept_key]
            person(dept_key, _weighted(rng, mix), manager)

    reporting_lines_refresh()

    # The demo accounts: one per role, on real people in the organisation.
    ld_group, _ = Group.objects.get_or_create(name=LD_STAFF_GROUP)
    hr_person = Employee.objects.filter(department=departments["D50"], job_group=groups["JG-HR"]).order_by("pk").first()
    manager = Employee.objects.filter(department=departments["D22"], job_group=groups["JG-TL"]).order_by("pk").first()
    employee = Employee.objects.filter(manager=manager).exclude(job_group=groups["JG-TL"]).order_by("pk").first()
    logins = []
    for role, username, emp in [
        ("L&D staff", "hr", hr_person),
        ("manager", "manager", manager),
        ("employee", "employee", employee),
    ]:
        user = _demo_user(username, emp)
        if role == "L&D staff":
            user.groups.add(ld_group)
        logins.append(DemoLogin(role, username, DEMO_PASSWORD, emp.full_name))
    return logins


def _demo_user(username: str, employee: Employee):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": employee.email, "first_name": employee.first_name, "last_name": employee.last_name},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save()
    Employee.objects.filter(user=user).exclude(pk=employee.pk).update(user=None)
    if employee.user_id != user.pk:
        employee.user = user
        employee.save(update_fields=["user", "updated_at"])
    return user
