"""Builds (or refreshes) the demo organisation and prints the demo logins.

`--employees N` grows it afterwards to N active employees (about 200 more departments four deep,
5 enrolments each, budgets allocated) through the apps' scale steps (people.registry), for trying
the product, and `bench.pages`, at the size of a large organisation."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from people.demo import seed_people
from people.registry import registry


class Command(BaseCommand):
    help = "Build the demo organisation. Safe to run again: it updates, never duplicates."

    def add_arguments(self, parser):
        parser.add_argument(
            "--employees",
            type=int,
            default=0,
            help="Grow the organisation to this many active employees (e.g. 50000); 0 keeps the demo's 300.",
        )

    def handle(self, *args, employees=0, **options):
        started = time.perf_counter()
        logins = seed_people()
        for _order, step in registry.demo_steps:
            step()
        if employees:
            for _order, step in registry.scale_steps:
                step(employees)
            if connection.vendor == "postgresql":
                # Fresh statistics for the planner, as autovacuum would gather within minutes.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        from people.models import Employee

        seconds = time.perf_counter() - started
        active = Employee.objects.filter(active=True).count()
        self.stdout.write(f"Demo organisation ready: {active} active employees ({seconds:.1f} s).")
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in as:")
        for login in logins:
            self.stdout.write(f"  {login.role:<10} user {login.username:<9} password {login.password}  ({login.name})")
        if employees:
            top = Employee.objects.filter(user__username="director").first()
            if top is not None:
                self.stdout.write(
                    f"  {'director':<10} user {'director':<9} password {logins[0].password}  ({top.full_name},"
                    " with everyone below)"
                )
