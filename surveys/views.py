"""Survey pages: my surveys and the answer page (for a phone too), the results with their
breakdowns and exports, and for L&D staff building, opening, closing and publishing a survey."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import capability_required, roles_of
from people.forms import add_service_errors
from people.origin import initial_from, tell_created

from . import services
from .access import access_survey, group_filter
from .anonymity import Group
from .exports import export_response
from .forms import PublishForm, QuestionForm, SurveyForm
from .models import Invitation, Kind, Question, Status, Survey
from .results import results_view
from .selectors import invitations_open_for, response_rate, survey_figures, surveys_visible_to


@capability_required("surveys.answer")
def mine(request):
    employee = roles_of(request.user).employee
    published = surveys_visible_to(request.user).filter(published_at__isnull=False).order_by("-closed_at")[:10]
    return render(
        request,
        "surveys/mine.html",
        {"invitations": list(invitations_open_for(employee)[:20]), "published": list(published)},
    )


@capability_required("surveys.answer")
def answer_start(request, pk):
    """The link in the invitation: on to this person's own answer page, or why not."""
    employee = roles_of(request.user).employee
    invitation = (
        Invitation.objects.select_related("survey")
        .filter(survey_id=pk, employee=employee)
        .order_by("follow_up")
        .first()
    )
    if invitation is None:
        raise Http404
    pending = invitations_open_for(employee).filter(survey_id=pk).first()
    return redirect("surveys:answer", token=(pending or invitation).token)


def _answer_data(request, questions) -> dict:
    data = {}
    for q in questions:
        name = f"q{q.pk}"
        data[str(q.pk)] = request.POST.getlist(name) if q.kind == "multiple" else request.POST.get(name, "")
    return data


@capability_required("surveys.answer")
def answer(request, token):
    employee = roles_of(request.user).employee
    try:
        invitation = services.invitation_for(token=token, employee=employee)
    except PermissionDenied:
        return render(
            request, "surveys/answer_refused.html", {"reason": _("This survey link is not valid for you.")}, status=404
        )
    survey = invitation.survey
    if invitation.answered:
        return render(
            request,
            "surveys/answer_refused.html",
            {"reason": _("You have already answered this survey. Thank you!"), "done": True},
        )
    if not survey.is_answerable():
        return render(
            request,
            "surveys/answer_refused.html",
            {"reason": _("This survey is closed; answers are no longer accepted.")},
            status=410,
        )
    questions = services.questions_for(survey, side=services.side_of(employee), follow_up=invitation.follow_up)
    errors, given = {}, {}
    if request.method == "POST":
        given = _answer_data(request, questions)
        try:
            services.response_submit(token=token, employee=employee, data=given)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"answers": exc.messages}
        else:
            return render(request, "surveys/answer_thanks.html", {"survey": survey})
    template = (
        "surveys/partials/answer_form.html" if request.htmx and request.method == "POST" else "surveys/answer.html"
    )
    return render(
        request,
        template,
        {"survey": survey, "invitation": invitation, "questions": questions, "errors": errors, "given": given},
        status=400 if errors else 200,
    )


def _group_from(request) -> Group:
    def number(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    side = request.GET.get("side", "")
    return Group(number("department"), number("job_group"), side if side in ("employees", "managers") else "")


@capability_required("surveys.results")
def results(request, pk):
    survey = access_survey(request.user, pk)
    if not survey.results_ready:
        return render(request, "surveys/results_not_ready.html", {"survey": survey})
    figures = survey_figures(survey)
    group = _group_from(request)
    view = results_view(
        survey, figures, group=group, by=request.GET.get("by", ""), allowed=group_filter(request.user, survey)
    )
    follow_up = None
    if survey.kind == Kind.EVALUATION and survey.follow_up_days:
        follow_up = results_view(
            survey,
            survey_figures(survey, follow_up=True),
            group=group,
            with_comments=False,
            allowed=group_filter(request.user, survey),
        )
    return render(
        request, "surveys/results.html", {"survey": survey, "view": view, "follow_up": follow_up, "figures": figures}
    )


@capability_required("surveys.results")
def export(request, pk, fmt):
    survey = access_survey(request.user, pk)
    if fmt not in ("csv", "xlsx") or not survey.results_ready:
        raise Http404
    view = results_view(
        survey,
        survey_figures(survey),
        group=_group_from(request),
        by=request.GET.get("by", ""),
        allowed=group_filter(request.user, survey),
    )
    return export_response(view, fmt)


# --- L&D staff -----------------------------------------------------------------------------------


@capability_required("surveys.manage")
def manage(request):
    surveys = Survey.objects.select_related("audience_department", "audience_job_group", "audience_manager")
    page = Paginator(surveys.order_by("-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "surveys/manage.html", {"page": page})


def _survey_form(request, survey=None):
    form = SurveyForm(request.POST or None, instance=survey, initial=None if survey else initial_from(request.GET))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in SurveyForm.Meta.fields}
        audience = form.cleaned_data["audience"]
        by = roles_of(request.user).employee
        try:
            new = survey is None
            survey = _save_survey(survey, data, audience, by)
            if new:
                tell_created(request, survey)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(title)s has been saved.") % {"title": survey.display_title})
            return redirect("surveys:detail", pk=survey.pk)
    return render(
        request, "surveys/survey_form.html", {"form": form, "survey": survey}, status=400 if form.errors else 200
    )


def _save_survey(survey, data, audience, by):
    if survey is not None:
        return services.survey_update(survey=survey, audience=audience, **data)
    kind = data.pop("kind")
    if not data["title"]:
        data.pop("title")
    if kind == Kind.BARRIER_SCAN:
        data.pop("breakdown_side", None)
        return services.barrier_scan_create(audience=audience, created_by=by, **data)
    if kind == Kind.LEARNING_NEEDS:
        return services.learning_needs_create(audience=audience, created_by=by, **data)
    if not data.get("title"):
        raise ValidationError({"title": _("Give the survey a title.")})
    return services.survey_create(audience=audience, created_by=by, kind=kind, **data)


@capability_required("surveys.manage")
def survey_new(request):
    return _survey_form(request)


@capability_required("surveys.manage")
def survey_edit(request, pk):
    return _survey_form(request, get_object_or_404(Survey, pk=pk))


@capability_required("surveys.manage")
def detail(request, pk):
    survey = get_object_or_404(Survey.objects.select_related(*_RELATED), pk=pk)
    questions = survey.questions.select_related("section").order_by("section__order", "order", "pk")
    return render(
        request,
        "surveys/detail.html",
        {
            **_live(survey),
            "questions": questions,
            "question_form": QuestionForm(),
            "publish_form": PublishForm(initial={"note": survey.publication_note}),
        },
    )


def _live(survey: Survey) -> dict:
    """The response rate, and while a named survey is open its figures so far (everyone's, under
    the minimum group). An anonymous survey shows no figures before it closes: figures that change
    with each answer would tell, by comparing two moments, what the latest people answered."""
    answered, invited = response_rate(survey)
    live = None
    if survey.status == Status.OPEN and not survey.anonymous:
        live = results_view(survey, survey_figures(survey), with_comments=False)
    return {"survey": survey, "answered": answered, "invited": invited, "live": live}


_RELATED = ("audience_department", "audience_job_group", "audience_manager")


@capability_required("surveys.manage")
def rate(request, pk):
    """The live response rate and a named survey's figures so far (htmx polls it while it is open)."""
    survey = get_object_or_404(Survey, pk=pk)
    return render(request, "surveys/partials/rate.html", _live(survey))


@require_POST
@capability_required("surveys.manage")
def question_new(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(survey=survey, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The question has been added."))
            return redirect("surveys:detail", pk=survey.pk)
    context = {
        **_live(survey),
        "questions": survey.questions.all(),
        "question_form": form,
        "publish_form": PublishForm(),
    }
    return render(request, "surveys/detail.html", context, status=400)


@require_POST
@capability_required("surveys.manage")
def question_remove(request, pk, question_pk):
    question = get_object_or_404(Question, pk=question_pk, survey_id=pk)
    try:
        services.question_delete(question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("surveys:detail", pk=pk)


def _transition(request, pk, action, done: str):
    survey = get_object_or_404(Survey, pk=pk)
    try:
        action(survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"title": survey.display_title})
    return redirect("surveys:detail", pk=pk)


@require_POST
@capability_required("surveys.manage")
def open_survey(request, pk):
    return _transition(request, pk, services.survey_open, _("%(title)s is open; the invitations are on their way."))


@require_POST
@capability_required("surveys.manage")
def close_survey(request, pk):
    return _transition(request, pk, services.survey_close, _("%(title)s is closed."))


@require_POST
@capability_required("surveys.manage")
def publish(request, pk):
    survey = get_object_or_404(Survey, pk=pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.survey_publish(survey=survey, note=form.cleaned_data["note"], now=timezone.now())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The results are published to the employees."))
    else:
        messages.error(request, _("Say what you will do with the results."))
    return redirect("surveys:detail", pk=pk)
