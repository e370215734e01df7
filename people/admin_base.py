"""Admin classes that write only through the apps' services, and admin classes that only show.

The Django admin would otherwise save a model form straight to the database, skipping what the
services do besides (signals such as `employees_changed`, locks, domain events, cache versions).
A `ServiceAdmin` turns each add, change and delete into one service call; a rule the service
refuses is shown as an error message and nothing is written.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import get_candidate_relations_to_delete
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from . import formatting
from .audience import PARTS, Audience, AudienceModel

_REFUSED = "_leerborg_service_refused"

DELETE_EXAMPLES = 5  # objects of one kind a delete confirmation names before it counts the rest
_DELETE_DEPTH = 8  # cascades followed this deep; deeper, Django's own listing answers


class _NotSummarised(Exception):
    """A delete whose consequences the summary does not model; Django's own listing answers."""


def deletion_summary(objs, request, admin_site):
    """What deleting `objs` takes, in the shape of Django's `get_deleted_objects` (the listing, the
    count per kind, the kinds the user may not delete, the protected objects), but counted per
    relation instead of read object by object: Django's listing read and printed every employee of
    a job group (0.34 s at 50,000 people). It names at most DELETE_EXAMPLES objects of each kind
    and counts the rest, in queries that do not grow with the rows. Protection and permissions are
    decided as Django decides them: any PROTECT row anywhere in the cascade refuses the delete, and
    each kind to be deleted or protected is checked against its admin's delete permission. Rules
    it does not model (RESTRICT, SET(...), multi-table inheritance, a foreign key to another field
    than the primary key) raise _NotSummarised."""
    objs = list(objs)
    if not objs:
        return [], {}, set(), []
    model = type(objs[0])
    if model._meta.parents:
        raise _NotSummarised
    using = router.db_for_write(model)
    perms_needed: set = set()
    counts: dict = {model: len(objs)}
    protected: list = []

    def show(obj):
        opts = obj._meta
        plain = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(type(obj)):
            return plain
        if not admin_site.get_model_admin(type(obj)).has_delete_permission(request, obj):
            perms_needed.add(opts.verbose_name)
        try:
            url = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=(quote(obj.pk),))
        except NoReverseMatch:
            return plain
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    def some(queryset, total):
        """The first few of `queryset` shown, and how many more there are."""
        shown = [show(obj) for obj in queryset.order_by("pk")[:DELETE_EXAMPLES]]
        if total > len(shown):
            rest = total - len(shown)
            shown.append(
                ngettext("… and %(count)s more", "… and %(count)s more", rest) % {"count": formatting.number(rest)}
            )
        return shown

    def walk(model, pks, depth):
        """What deleting the rows `pks` (a queryset of primary keys) of `model` takes with it."""
        if depth > _DELETE_DEPTH:
            raise _NotSummarised
        # Per kind, the rows that point at these by any of its foreign keys: a row is counted once
        # even when two of its keys point here (a department's closure links), as Django counts it.
        pointing: dict = {}
        for relation in get_candidate_relations_to_delete(model._meta):
            field = relation.field
            on_delete = field.remote_field.on_delete
            if on_delete in (models.DO_NOTHING, models.SET_NULL, models.SET_DEFAULT):
                continue
            if on_delete not in (models.CASCADE, models.PROTECT):
                raise _NotSummarised
            if field.to_fields[0] not in (None, model._meta.pk.name):
                raise _NotSummarised
            key, rule = (relation.related_model, on_delete), models.Q(**{f"{field.name}__in": pks})
            pointing[key] = pointing[key] | rule if key in pointing else rule
        listing = []
        for (kind, on_delete), rule in pointing.items():
            related = kind._base_manager.using(using).filter(rule)
            total = related.count()
            if not total:
                continue
            if on_delete is models.PROTECT:
                protected.extend(some(related, total))
                continue
            counts[kind] = counts.get(kind, 0) + total
            listing.extend(some(related, total))
            deeper = walk(kind, related.values("pk"), depth + 1)
            if deeper:
                listing.append(deeper)
        return listing

    to_delete = [show(obj) for obj in objs]
    below = walk(model, model._base_manager.using(using).filter(pk__in=[obj.pk for obj in objs]).values("pk"), 1)
    if below:
        to_delete.append(below)
    model_count = {kind._meta.verbose_name_plural: n for kind, n in counts.items()}
    return to_delete, model_count, perms_needed, protected


class ListAdmin(admin.ModelAdmin):
    """What every list of the admin shares: a filtered or searched list counts its own results
    only. Django counts the whole table a second time for "(N total)", which on the ledger of
    50,000 people's budgets was 31 ms of a 180 ms page (docs/performance.md)."""

    show_full_result_count = False


class ServiceAdmin(ListAdmin):
    """Subclasses name their services: `service_module` and `writes = {"create":
    "department_create", "update": "department_update", "delete": "department_delete"}`, with
    `write_as` the keyword the update and delete services take the object by
    (`department_update(department=obj, **fields)`); without "delete" the admin cannot delete. Or
    they override `service_create(request, fields)`, `service_update(request, obj, fields)` and
    `service_delete(request, obj)`."""

    service_module = None
    writes: dict = {}
    write_as = ""

    def action_checkbox(self, obj):
        """The list's column of checkboxes, written out as the HTML Django's CheckboxInput renders
        (a test holds the two equal): the widget renders a template for each row, a third of the
        time of a list of 100 departments (docs/performance.md)."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def _service(self, what: str):
        return getattr(self.service_module, self.writes[what])

    def service_create(self, request, fields: dict):
        return self._service("create")(**fields)

    def service_update(self, request, obj, fields: dict):
        return self._service("update")(**{self.write_as: obj}, **fields)

    def service_delete(self, request, obj):
        self._service("delete")(**{self.write_as: obj})

    def can_delete(self) -> bool:
        return "delete" in self.writes or type(self).service_delete is not ServiceAdmin.service_delete

    def service_fields(self, form) -> dict:
        """The form's values by model field name (what the services take); an audience's fields as
        the one `audience` the services take."""
        names = {f.name for f in self.model._meta.get_fields()}
        fields = {name: value for name, value in form.cleaned_data.items() if name in names}
        if issubclass(self.model, AudienceModel) and "audience_kind" in fields:
            parts = {part: fields.pop(f"audience_{part}", None) for part in PARTS}
            fields["audience"] = Audience.of(fields.pop("audience_kind"), **parts)
        return fields

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form)
        try:
            with transaction.atomic():
                if change:
                    # The stored row, not the form's copy: the service compares old and new values.
                    saved = self.service_update(request, self.model._default_manager.get(pk=obj.pk), fields)
                else:
                    saved = self.service_create(request, fields)
        except ValidationError as exc:
            setattr(request, _REFUSED, exc)
            return
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def save_related(self, request, form, formsets, change):
        """Relations are the services' business (the save above already set them)."""
        if not hasattr(request, _REFUSED):
            for formset in formsets:
                self.save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.service_delete(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.can_delete() and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """The delete confirmation counts what goes with the object instead of listing it all."""
        try:
            return deletion_summary(objs, request, self.admin_site)
        except _NotSummarised:
            return super().get_deleted_objects(objs, request)

    def _refused(self, request):
        exc = getattr(request, _REFUSED)
        self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)

    def response_add(self, request, obj, post_url_continue=None):
        if hasattr(request, _REFUSED):
            return self._refused(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if hasattr(request, _REFUSED):
            return self._refused(request)
        return super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        if not hasattr(request, _REFUSED):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not hasattr(request, _REFUSED):
            return super().log_change(request, obj, message)


def admin_fields(names) -> list[str]:
    """A service's field list as the admin's form shows it: `audience` as the model's four fields."""
    audience = ["audience_kind", *(f"audience_{part}" for part in PARTS)]
    return [field for name in names for field in (audience if name == "audience" else [name])]


def money_field(name: str, label):
    """An admin column or read-only field that shows a money field through people.formatting
    (`€ 1.000,00`), where the admin itself would print `1000.00`."""

    @admin.display(description=label, ordering=name)
    def show(_admin, obj):
        return formatting.money(getattr(obj, name))

    return show


class ReadOnlyAdmin(ListAdmin):
    """Shown for reference; every change goes through the app's pages and services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AdministratorsOnly:
    """An admin mixin: the model is hidden and refused to anyone but a superuser."""

    def _administrator(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._administrator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._administrator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._administrator(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._administrator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._administrator(request) and super().has_delete_permission(request, obj)


def administrators_only(site, app_labels):
    """Re-register every model of `app_labels` on `site` with its admin made administrators-only."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.app_label in app_labels:
            name = f"AdministratorsOnly{type(model_admin).__name__}"
            restricted = type(name, (AdministratorsOnly, type(model_admin)), {})
            site.unregister(model)
            site.register(model, restricted)
