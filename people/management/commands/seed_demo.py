"""Builds (or refreshes) the demo organisation and prints the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand

from people.demo import seed_people
from people.registry import registry


class Command(BaseCommand):
    help = "Build the demo organisation. Safe to run again: it updates, never duplicates."

    def handle(self, *args, **options):
        logins = seed_people()
        for _order, step in registry.demo_steps:
            step()
        from people.models import Employee

        self.stdout.write(f"Demo organisation ready: {Employee.objects.filter(active=True).count()} active employees.")
        self.stdout.write("")
        self.stdout.write(f"Open {settings.SITE_URL}/ and log in as:")
        for login in logins:
            self.stdout.write(f"  {login.role:<10} user {login.username:<9} password {login.password}  ({login.name})")
