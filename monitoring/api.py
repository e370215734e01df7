"""Monitoring's API under /api/v1/metrics/ (L&D staff and clients with `reporting:read`; a manager
for their own team only): the metric definitions, a metric's value for an audience and period, its
breakdown, and its series from the snapshots."""

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from people.access import roles_of
from people.audience import ALL_KINDS, Audience, AudienceKind, audience_label, audience_problems
from people.models import Department, Employee, JobGroup
from people.reporting import in_team_of

from . import metrics as metric_registry
from .models import ScopeKind
from .periods import Period
from .selectors import breaks_down, light_of, metric_breakdown, metric_series, metric_values, thresholds

MAX_DAYS = 3 * 366


class MetricSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    higher_is_better = serializers.BooleanField()
    explanation = serializers.CharField()
    barrier = serializers.IntegerField(allow_null=True)
    step = serializers.IntegerField()
    from_survey = serializers.BooleanField()
    green = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Green from (or up to) this value")
    amber = serializers.DecimalField(max_digits=10, decimal_places=2)


class FigureSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True)
    numerator = serializers.DecimalField(max_digits=20, decimal_places=4)
    denominator = serializers.DecimalField(max_digits=20, decimal_places=4)
    reason = serializers.CharField(help_text="Why there is no value: empty, future or no_survey; blank otherwise")


class ValueSerializer(FigureSerializer):
    metric = serializers.CharField()
    audience = serializers.CharField(help_text="The audience in words")
    start = serializers.DateField()
    end = serializers.DateField()
    light = serializers.CharField(help_text="green, amber, red, or none without data")


class BreakdownRowSerializer(FigureSerializer):
    key = serializers.CharField(help_text="The department or job group id, or the education level")


class SeriesPointSerializer(FigureSerializer):
    day = serializers.DateField()


class PeriodQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (default: 1 January this year)")
    end = serializers.DateField(required=False, help_text="Last day (default: 31 December this year)")

    def validate(self, attrs):
        this = Period.this_year()
        start, end = attrs.get("start", this.start), attrs.get("end", this.end)
        if end < start:
            raise serializers.ValidationError({"end": ["The end lies before the start."]})
        if (end - start).days > MAX_DAYS:
            raise serializers.ValidationError({"end": ["A period is at most three years."]})
        attrs["period"] = Period(start, end)
        return attrs


def _get(model, pk, field: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [f"There is no {field.replace('_', ' ')} {pk}."]})
    return found


class AudienceQuery(PeriodQuery):
    audience_kind = serializers.ChoiceField(choices=ALL_KINDS, required=False, help_text="Default: everyone")
    department = serializers.IntegerField(required=False, min_value=1)
    job_group = serializers.IntegerField(required=False, min_value=1)
    manager = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        kind = attrs.get("audience_kind", AudienceKind.EVERYONE)
        parts = {
            "department": _get(Department, attrs.get("department"), "department"),
            "job_group": _get(JobGroup, attrs.get("job_group"), "job_group"),
            "manager": _get(Employee, attrs.get("manager"), "manager"),
        }
        problems = audience_problems(kind, **parts)
        if problems:
            raise serializers.ValidationError({k: [v] for k, v in problems.items()})
        attrs["audience"] = Audience.of(kind, **parts)
        return attrs


class BreakdownQuery(AudienceQuery):
    by = serializers.ChoiceField(
        choices=["department", "job_group", "education_level", "format", "month"],
        help_text=(
            "department (each over its subtree; key: the department's id), job_group (key: its id), "
            "education_level (key: the level), format (key: the learning format, e.g. elearning; only "
            "the enrolment metrics participation, completion_rate, elective_share and "
            "recommendation_uptake, others answer 400) or month (key: YYYY-MM, each month of the period "
            "up to today as a period of its own)"
        ),
    )


class SeriesQuery(serializers.Serializer):
    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices, required=False, help_text="Default: organisation")
    scope_id = serializers.IntegerField(required=False, min_value=0, default=0)
    since = serializers.DateField(required=False, help_text="Default: a year before `until`")
    until = serializers.DateField(required=False, help_text="Default: yesterday")


def _validated(serializer_class, request):
    query = serializer_class(data=request.query_params.dict())
    query.is_valid(raise_exception=True)
    return query.validated_data


def _metric(name: str):
    if name not in metric_registry.REGISTRY:
        raise NotFound("There is no such metric.")
    return metric_registry.get(name)


def _allowed(request, audience: Audience) -> None:
    """L&D staff and reporting clients may ask for any audience; a manager only for their own team
    (or the team of a manager within it); anyone else for nothing."""
    roles = roles_of(request.user)
    if roles.is_ld_staff or "reporting:read" in roles.scopes:
        return
    me = roles.employee
    if (
        roles.is_manager
        and audience.kind == AudienceKind.TEAM
        and (audience.manager_id == me.pk or in_team_of(me.pk, audience.manager_id))
    ):
        return
    raise PermissionDenied("You may see the figures of your own team only.")


def _figure(figure) -> dict:
    return {
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "reason": figure.reason,
    }


class MetricListView(APIView):
    """Every metric's definition with its current thresholds."""

    capability = "monitoring.api"

    @extend_schema(responses=MetricSerializer(many=True))
    def get(self, request):
        limits = thresholds()
        rows = [
            {
                "name": m.name,
                "label": str(m.label),
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "explanation": str(m.explanation),
                "barrier": m.barrier,
                "step": m.step,
                "from_survey": m.from_survey,
                "green": limits[m.name][0],
                "amber": limits[m.name][1],
            }
            for m in metric_registry.all_metrics()
        ]
        return Response(MetricSerializer(rows, many=True).data)


class MetricValueView(APIView):
    """A metric's value for an audience over a period (default: everyone, this year). A manager
    asks for `audience_kind=team&manager=<their id>`."""

    capability = "monitoring.api"

    @extend_schema(parameters=[AudienceQuery], responses=ValueSerializer)
    def get(self, request, name):
        metric = _metric(name)
        query = _validated(AudienceQuery, request)
        audience, period = query["audience"], query["period"]
        _allowed(request, audience)
        figure = metric_values(audience, period, [name])[name]
        light = light_of(metric, figure, thresholds()[name])
        data = {
            **_figure(figure),
            "metric": name,
            "audience": audience_label(audience),
            "start": period.start,
            "end": period.end,
            "light": light,
        }
        return Response(ValueSerializer(data).data)


class MetricBreakdownView(APIView):
    """A metric per department (each over its subtree), job group or education level within an
    audience; survey metrics are not broken down."""

    capability = "monitoring.api"

    @extend_schema(parameters=[BreakdownQuery], responses=BreakdownRowSerializer(many=True))
    def get(self, request, name):
        metric = _metric(name)
        query = _validated(BreakdownQuery, request)
        _allowed(request, query["audience"])
        if metric.from_survey:
            return Response([])
        if not breaks_down(metric, query["by"]):
            raise serializers.ValidationError(
                {"by": ["This metric is not broken down by format: its facts are not enrolments."]}
            )
        rows = metric_breakdown(query["by"], query["audience"], query["period"], [name])
        data = [{"key": str(key), **_figure(figures[name])} for key, figures in rows.items()]
        return Response(BreakdownRowSerializer(sorted(data, key=lambda r: r["key"]), many=True).data)


class MetricSeriesView(APIView):
    """A metric's daily snapshots for the organisation, a department (its subtree) or a job group:
    each the 365 days up to that day."""

    capability = "monitoring.api"

    @extend_schema(parameters=[SeriesQuery], responses=SeriesPointSerializer(many=True))
    def get(self, request, name):
        _metric(name)
        query = _validated(SeriesQuery, request)
        roles = roles_of(request.user)
        if not (roles.is_ld_staff or "reporting:read" in roles.scopes):
            raise PermissionDenied("Series are kept for the organisation, departments and job groups only.")
        until = query.get("until") or timezone.localdate() - date.resolution
        since = query.get("since") or date(until.year - 1, until.month, min(until.day, 28))
        kind = query.get("scope_kind", ScopeKind.ORGANISATION)
        scope_id = 0 if kind == ScopeKind.ORGANISATION else query["scope_id"]
        points = [{"day": day, **_figure(f)} for day, f in metric_series(name, kind, scope_id, since, until)]
        return Response(SeriesPointSerializer(points, many=True).data)


def register(router, urlpatterns):
    from django.urls import path

    urlpatterns.append(path("metrics/", MetricListView.as_view(), name="metric-list"))
    urlpatterns.append(path("metrics/<slug:name>/value/", MetricValueView.as_view(), name="metric-value"))
    urlpatterns.append(path("metrics/<slug:name>/breakdown/", MetricBreakdownView.as_view(), name="metric-breakdown"))
    urlpatterns.append(path("metrics/<slug:name>/series/", MetricSeriesView.as_view(), name="metric-series"))
