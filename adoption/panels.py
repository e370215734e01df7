"""The L&D home panel: the programmes at a glance, with a link to the L&D home."""

from django.utils import timezone

from .models import Programme
from .selectors import _related, programme_rows


def ld_panel(request, roles) -> dict:
    programmes = list(_related(Programme.objects.all()).order_by("name", "pk")[:20])
    return {"adoption_rows": programme_rows(programmes, today=timezone.localdate())}
