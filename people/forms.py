"""Forms for the people pages. Validation lives in the model and the services; forms show it."""

import json
from html import escape

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .audience import (
    ALL_KINDS,
    NEEDS,
    PARTS,
    UNSET,
    Audience,
    AudienceKind,
    audience_problems,
    audience_size,
)
from .models import EMPLOYEE_FIELDS, Department, EducationLevel, Employee, JobGroup
from .selectors import DepartmentTree


class ListSelect(forms.Select):
    """A Select that writes its options in one pass of plain string formatting, instead of a
    template (or a format_html) per option: the same HTML as Django's Select (a test compares them;
    the options are Django's own `optgroups`, so which one is selected is decided as there), for a
    list that grows with the organisation (214 departments at 50,000 people were half of the
    directory's time)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = "".join(map(_option_html, options))
            groups.append(html if group_name is None else f'<optgroup label="{_escaped(group_name)}">{html}</optgroup>')
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308
        )


def _escaped(text) -> str:
    """What Django's conditional_escape gives (html.escape for text, safe text as it is), without its
    lazy-text wrapper on every call: for 214 options conditional_escape took 3.9-6.0 ms a render
    against 2.8-4.1 ms, measured in turn three times on this machine."""
    return text.__html__() if hasattr(text, "__html__") else escape(str(text), quote=True)


def _option_html(option: dict) -> str:
    attrs = option["attrs"]
    if not attrs:
        more = ""
    elif attrs == {"selected": True}:
        more = " selected"
    else:
        more = flatatt(attrs)
    return f'<option value="{_escaped(option["value"])}"{more}>{_escaped(option["label"])}</option>'


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, e-mail or HRIS key"), "type": "search"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        widget=ListSelect,
    )
    job_group = forms.ModelChoiceField(
        label=_("Job group"), queryset=JobGroup.objects.all(), required=False, empty_label=_("All job groups")
    )
    education_level = forms.ChoiceField(
        label=_("Education level"), required=False, choices=[("", _("All levels")), *EducationLevel.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or "active"
        return {
            "q": data.get("q", ""),
            "department": data["department"].pk if data.get("department") else None,
            "job_group": data["job_group"].pk if data.get("job_group") else None,
            "education_level": data.get("education_level", ""),
            "active": {"active": True, "inactive": False}.get(status),
        }


# --- one person out of thousands: a search, not a drop-down of everyone ------------------------------

EMPLOYEE_CHOICE_LIMIT = 20  # people a search shows at most


class EmployeeChoiceWidget(forms.Widget):
    """A search box and the people found as radio buttons, in a fieldset with a legend: a label,
    the keyboard (Tab into the list, arrows to choose) and a screen reader work without a custom
    widget. Typing asks `people:employee_search` (htmx) for at most 20 matches, filtered to whom
    the person may see; the chosen one goes along. Without JavaScript the box itself is the field:
    an exact e-mail address or HRIS key is accepted (EmployeeChoiceField). Only the chosen person is
    read to render it, never the list of everyone."""

    template_name = "people/widgets/employee_choice.html"

    def __init__(self, attrs=None, *, queryset=None, allow_empty=True, search="people:employee_search"):
        super().__init__(attrs)
        self.queryset = queryset
        self.allow_empty = allow_empty
        self.search = search  # the URL name that answers the search: one narrowed to the field's people

    def value_from_datadict(self, data, files, name):
        chosen = data.get(name)
        if chosen not in (None, ""):
            return chosen
        typed = (data.get(f"{name}_search") or "").strip()
        return typed or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_search" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        current = None
        if value not in (None, "") and str(value).isdigit() and self.queryset is not None:
            current = self.queryset.filter(pk=value).select_related("department").first()
        typed = "" if current is not None or value in (None, "") else str(value)
        widget_id = context["widget"]["attrs"].get("id") or name
        context["choice"] = {
            "id": widget_id,
            "name": name,
            "current": current,
            "typed": typed,
            "found": [],
            "searched": False,
            "more": False,
            "limit": EMPLOYEE_CHOICE_LIMIT,
            "allow_empty": self.allow_empty,
            "url": reverse(self.search),
            "vals": json.dumps({"name": name, "id": widget_id, "empty": int(self.allow_empty)}),
        }
        context["widget"]["choice"] = context["choice"]  # as a part of a MultiWidget (the audience)
        return context


class EmployeeChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over employees that renders as EmployeeChoiceWidget: a chosen id is
    checked against the queryset (one row read), typed text must be someone's exact e-mail
    address or HRIS key within it. `search` names the URL that finds people for the widget
    (`people:employee_search` by default); one for a narrower queryset answers through
    `people.views.employee_options`."""

    def __init__(self, queryset=None, *, search="people:employee_search", **kwargs):
        queryset = Employee.objects.filter(active=True) if queryset is None else queryset
        kwargs.setdefault("widget", EmployeeChoiceWidget(allow_empty=not kwargs.get("required", True), search=search))
        super().__init__(queryset=queryset, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "Choose a person from the list, or type their exact e-mail address or HRIS key."
        )

    def _set_queryset(self, queryset):
        # The widget reads the chosen person from the same queryset, also when a form narrows it
        # after the field was made (the sponsor candidates without the owner).
        super()._set_queryset(queryset)
        self.widget.queryset = self.queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Employee) or str(value).isdigit():
            return super().to_python(value)
        text = str(value).strip()[:254]
        found = list(self.queryset.filter(Q(email__iexact=text) | Q(external_id=text))[:2])
        if len(found) != 1:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found[0]


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = list(EMPLOYEE_FIELDS)
        widgets = {"hired_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_field = Employee._meta.get_field("manager")
        self.fields["manager"] = EmployeeChoiceField(
            required=False, label=capfirst(model_field.verbose_name), help_text=model_field.help_text
        )


# --- the audience: one field for every form that asks "who does this apply to" ----------------------


class _LazyChoices(BaseChoiceIterator):
    """Choices read from the database when the widget renders, not when the form is built."""

    def __init__(self, load):
        self.load = load

    def __iter__(self):
        yield from self.load()


def _department_choices():
    rows = Department.objects.values_list("pk", "parent_id", "name").order_by()
    names = {pk: name for pk, _parent, name in rows}
    tree = DepartmentTree({pk: parent for pk, parent, _name in rows})
    yield "", _("Choose a department")
    for pk, depth in tree.display_order(lambda pk: names[pk].lower()):
        yield pk, "\u2003" * depth + names[pk]  # em spaces: the tree shows, a screen reader reads the name


def _job_group_choices():
    yield "", _("Choose a job group")
    yield from JobGroup.objects.order_by("name").values_list("pk", "name")


class AudienceWidget(forms.MultiWidget):
    """Kind, then only the parts that kind needs (the department from the tree, the job group from
    a list, the manager found by a search among the managers: `people:manager_search`, as a list
    of every manager grew with the organisation), and how many people it reaches. When the kind or
    a part changes, htmx fetches the widget again from `people:audience_field`, which shows the
    parts of the new kind and the new count."""

    template_name = "people/widgets/audience.html"

    def __init__(self, attrs=None, *, kinds=None, optional=False):
        self.kinds = tuple(kinds or ALL_KINDS)
        self.optional = optional
        kind_choices = [(k, label) for k, label in AudienceKind.choices if k in self.kinds]
        if optional:
            kind_choices.insert(0, ("", _("Not chosen yet")))
        widgets = {
            "kind": forms.Select(choices=kind_choices, attrs={"class": "form-select"}),
            "department": forms.Select(attrs={"class": "form-select"}),
            "job_group": forms.Select(attrs={"class": "form-select"}),
            "manager": EmployeeChoiceWidget(
                queryset=Employee.objects.all(), allow_empty=False, search="people:manager_search"
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value is None:
            return [None, None, None, None]
        return [value.kind, value.department_id, value.job_group_id, value.manager_id]

    def get_context(self, name, value, attrs):
        values = value if isinstance(value, list | tuple) else self.decompress(value)
        kind = values[0] or ("" if self.optional else self.kinds[0])
        needs = NEEDS.get(kind, frozenset())
        # Only the parts the kind needs are shown, so only their choices are read.
        choices = {
            "department": _LazyChoices(_department_choices),
            "job_group": _LazyChoices(_job_group_choices),
        }
        for widget, part in zip(self.widgets[1:3], PARTS[:2], strict=True):
            widget.choices = choices[part] if part in needs else []
        context = super().get_context(name, [kind, *values[1:]], attrs)
        labels = {
            "kind": _("Who"),
            "department": _("Department"),
            "job_group": _("Job group"),
            "manager": _("Manager"),
        }
        parts = []
        keys = ("kind", "department", "job_group", "manager")
        for key, subwidget in zip(keys, context["widget"]["subwidgets"], strict=True):
            if key == "kind" or key in needs:
                parts.append({"key": key, "label": labels[key], "widget": subwidget})
        ids = dict(zip(keys[1:], (_as_int(v) for v in values[1:]), strict=True))
        reach = None
        if kind in NEEDS and all(ids[part] for part in needs):
            reach = audience_size(Audience.of(kind, **ids))
        vals = {"name": name, "kinds": ",".join(self.kinds), "optional": int(self.optional), "id": attrs.get("id", "")}
        context["audience"] = {
            "parts": parts,
            "reach": reach,
            "url": reverse("people:audience_field"),
            "vals": json.dumps(vals),
        }
        return context


def _as_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class AudienceField(forms.MultiValueField):
    """ "Who does this apply to", the same in every form: cleans to a `people.audience.Audience`
    (validated by `audience_problems`, the rule the model and the API use too). Render it with
    `{{ form.audience.as_field_group }}`. `kinds` narrows the kinds offered; `optional` allows
    "not chosen yet" (an Audience of kind "")."""

    def __init__(self, *, kinds=None, optional: bool = False, **kwargs):
        self.kinds = tuple(kinds or ALL_KINDS)
        self.optional = optional
        fields = (
            forms.CharField(required=False),
            forms.ModelChoiceField(queryset=Department.objects.all(), required=False),
            forms.ModelChoiceField(queryset=JobGroup.objects.all(), required=False),
            EmployeeChoiceField(queryset=Employee.objects.all(), required=False),
        )
        kwargs.setdefault("label", _("Who it applies to"))
        kwargs.setdefault("template_name", "people/audience_field.html")
        super().__init__(
            fields,
            widget=AudienceWidget(kinds=self.kinds, optional=optional),
            require_all_fields=False,
            required=False,
            **kwargs,
        )

    def compress(self, data_list):
        kind, department, job_group, manager = (list(data_list) + [None] * 4)[:4]
        problems = audience_problems(
            kind or UNSET,
            department=department,
            job_group=job_group,
            manager=manager,
            kinds=self.kinds,
            optional=self.optional,
        )
        if problems:
            raise forms.ValidationError(list(problems.values()), code="audience")
        return Audience.of(kind or UNSET, department=department, job_group=job_group, manager=manager)


class AudienceModelFormMixin:
    """For a ModelForm of an AudienceModel: an `audience` field instead of the four model fields
    (leave those out of Meta.fields), showing the instance's audience and setting it before the
    model validates. It comes after the first field (the name or title) unless `audience_position`
    says otherwise."""

    audience_position = 1

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.fields["audience"] = AudienceField(kinds=model.audience_kinds, optional=model.audience_optional)
        self.initial.setdefault("audience", self.instance.audience)
        names = [name for name in self.fields if name != "audience"]
        names.insert(self.audience_position, "audience")
        self.order_fields(names)

    def clean(self):
        data = super().clean()
        if "audience" in data:
            self.instance.audience = data["audience"]
        return data


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: each field's errors on that field (the four
    audience model fields on the `audience` field), the rest above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        if name.startswith("audience_") and "audience" in form.fields:
            name = "audience"
        form.add_error(name if name in form.fields else None, errors)


class AuditFilterForm(forms.Form):
    """The audit log's filters: who, what, which object, when."""

    who = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name, username or system"), "type": "search"}),
    )
    action = forms.ChoiceField(label=_("What"), required=False)
    obj = forms.CharField(
        label=_("Object"),
        required=False,
        max_length=130,
        widget=forms.TextInput(attrs={"placeholder": "catalog.enrolment:12"}),
        help_text=_("A type, or a type and id: catalog.enrolment:12"),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from .models import AuditAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Everything")), *AuditAction.choices]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "who": (data.get("who") or "").strip(),
            "action": data.get("action") or "",
            "obj": (data.get("obj") or "").strip(),
            "since": data.get("since"),
            "until": data.get("until"),
        }


class ErasureForm(forms.Form):
    """Erasing someone asks for the reason (it goes into the audit trail) and a confirmation."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: their request of 1 December, by e-mail. Do not type their name."),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))

    def __init__(self, *args, employee=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.employee = employee

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        employee = self.employee
        if employee is not None:
            traces = [employee.full_name, employee.email, employee.external_id or ""]
            if any(t and len(t) >= 3 and t.lower() in reason.lower() for t in traces):
                raise forms.ValidationError(_("Leave their name, e-mail and HRIS key out: the reason is kept."))
        return reason
