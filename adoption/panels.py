"""The L&D home-page panel: each programme with its current cycle's stage, and the way to the L&D
home (/adoption/home/), where the steps and lights are. Two queries: the home page carries many
panels, so the checklist and the figures stay on the L&D home."""

from django.db.models import Prefetch
from django.utils import timezone

from people.audience import AUDIENCE_RELATED

from .models import Cycle, Programme
from .selectors import current_cycle, stage_label, stage_of


def ld_panel(request, roles) -> dict:
    programmes = list(
        Programme.objects.select_related(*AUDIENCE_RELATED)
        .prefetch_related(Prefetch("cycles", queryset=Cycle.objects.select_related("review").order_by("number")))
        .order_by("name", "pk")[:20]
    )
    today = timezone.localdate()
    rows = []
    for p in programmes:
        cycle = current_cycle(p)
        rows.append({"programme": p, "cycle": cycle, "stage": stage_label(stage_of(cycle, today))})
    return {"adoption_rows": rows}
