"""Story pages: write a story about a completed training and follow it (withdraw it), and L&D's
moderation page where waiting stories are published or rejected with a reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.forms import add_service_errors

from . import services
from .models import Story
from .story_forms import RejectForm, StoryForm
from .story_selectors import stories_of, stories_to_moderate, story_items


@capability_required("engagement.view")
def stories_mine(request):
    me = roles_of(request.user).employee
    items = list(story_items(employee=me))
    form = StoryForm(request.POST or None, items=items)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.story_submit(
                writer=me,
                item_id=data["item"],
                effect=data["effect"],
                text=data["text"],
                quote_with_name=data["quote_with_name"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            status = 400
        else:
            messages.success(request, _("Thank you! L&D reads your story before colleagues do."))
            return redirect("engagement:stories_mine")
    context = {"form": form, "items": items, "stories": list(stories_of(writer=me)[:100])}
    return render(request, "engagement/stories/mine.html", context, status=status)


@require_POST
@capability_required("engagement.view")
def story_withdraw(request, pk):
    me = roles_of(request.user).employee
    if not Story.objects.filter(pk=pk, writer=me).exists():
        raise Http404  # someone else's story
    try:
        services.story_withdraw(story_id=pk, writer=me)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your story is withdrawn."))
    return redirect("engagement:stories_mine")


def _moderate_page(request, reject_forms=None, status=200):
    waiting, published = stories_to_moderate()
    reject_forms = reject_forms or {}
    for story in [*waiting, *published]:
        story.reject_form = reject_forms.get(story.pk) or RejectForm(prefix=f"s{story.pk}")
    context = {"waiting": waiting, "published": published}
    return render(request, "engagement/stories/moderate.html", context, status=status)


@capability_required("engagement.manage")
def stories_moderate(request):
    return _moderate_page(request)


def _story_or_404(pk) -> Story:
    story = Story.objects.filter(pk=pk).first()
    if story is None:
        raise Http404
    return story


@require_POST
@capability_required("engagement.manage")
def story_publish(request, pk):
    _story_or_404(pk)
    try:
        services.story_publish(story_id=pk, by=roles_of(request.user).employee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The story is published."))
    return redirect("engagement:stories_moderate")


@require_POST
@capability_required("engagement.manage")
def story_reject(request, pk):
    _story_or_404(pk)
    form = RejectForm(request.POST, prefix=f"s{pk}")
    form.is_valid()
    try:
        services.story_reject(story_id=pk, by=roles_of(request.user).employee, reason=form.cleaned_data.get("reason"))
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            messages.error(request, " ".join(error.messages))
            return redirect("engagement:stories_moderate")
        add_service_errors(form, error)
        return _moderate_page(request, {pk: form}, status=400)
    messages.success(request, _("The story is not published; the writer has been told why."))
    return redirect("engagement:stories_moderate")
