"""`manage.py create_api_client NAME --scope hris:write`: prints the new token as the last line."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hris.models import Scope
from hris.services import api_client_create


class Command(BaseCommand):
    help = "Create an API client and print its token (shown once) as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scope", action="append", dest="scopes", default=[], choices=Scope.values)

    def handle(self, *args, name, scopes, **options):
        try:
            client, token = api_client_create(name=name, scopes=scopes)
        except ValidationError as exc:
            raise CommandError(exc.messages) from exc
        self.stdout.write(f"Created API client {client.name!r} (id {client.pk}) with scopes {client.scopes}.")
        self.stdout.write(token)
