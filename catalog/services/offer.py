"""The offer: learning items (their fields are ITEM_FIELDS), skills as tags, the skills job groups need,
the approval threshold, and what each employee wants to learn."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from people.models import Employee

from ..models import (
    ITEM_FIELDS,
    CatalogSettings,
    LearningItem,
    LearningProfile,
    Skill,
)
from .common import on_locked_row, with_defaults


@transaction.atomic
def learning_profile_update(*, employee: Employee, needs, preferred_formats: list[str]) -> LearningProfile:
    from ..models import Format

    unknown = sorted(set(preferred_formats) - set(Format.values))
    if unknown:
        raise ValidationError(
            {"preferred_formats": _("Unknown formats: %(formats)s") % {"formats": ", ".join(unknown)}}
        )
    profile, _created = LearningProfile.objects.get_or_create(employee=employee)
    profile.preferred_formats = list(dict.fromkeys(preferred_formats))
    profile.save()
    profile.needs.set(list(needs))
    return profile


@transaction.atomic
def learning_profile_from_survey(employee: Employee, preferred_formats: list[str], wishes: str) -> None:
    """The learning-needs survey's named answers (the LEARNING_PREFERENCES_SET port): the formats
    replace the profile's, the skills whose names appear in the wishes are added to its needs."""
    from ..models import Format

    formats = [f for f in preferred_formats if f in Format.values]
    profile, _created = LearningProfile.objects.get_or_create(employee=employee)
    if formats:
        profile.preferred_formats = list(dict.fromkeys(formats))
        profile.save()
    words = (wishes or "").casefold()
    if words.strip():
        named = [pk for pk, name in Skill.objects.values_list("pk", "name") if name.casefold() in words]
        if named:
            profile.needs.add(*named)


def skill_get_or_create(*, name: str) -> Skill:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"skills": _("A skill needs a name.")})
    found = Skill.objects.filter(name__iexact=name).first()
    return found or Skill.objects.create(name=name)


@transaction.atomic
def skill_rename(*, skill: Skill, name: str) -> Skill:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("A skill needs a name.")})
    if Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk).exists():
        raise ValidationError({"name": _("There is already a skill with this name.")})
    skill.name = name
    skill.full_clean()
    skill.save()
    return skill


def _tag_names(skills) -> list[str]:
    names = []
    for raw in skills or ():
        name = " ".join(str(raw).split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


def _skills_for(names: list[str]) -> list[Skill]:
    for name in names:
        if len(name) > Skill._meta.get_field("name").max_length:
            raise ValidationError(
                {"skills": _("A skill name can be at most 100 characters: %(name)s") % {"name": name}}
            )
    return [skill_get_or_create(name=name) for name in names]


def _item_apply(item: LearningItem, *, levels, skills, **fields) -> LearningItem:
    from ..models import LEVELS

    errors = {}
    unknown = sorted(set(levels or ()) - set(LEVELS))
    if unknown:
        errors["levels"] = _("Unknown education levels: %(levels)s") % {"levels": ", ".join(unknown)}
    elif not levels:
        errors["levels"] = _("Choose at least one education level the item suits.")
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    for level in LEVELS:
        setattr(item, f"level_{level}", level in (levels or ()))
    if not item.title:
        errors["title"] = _("Give the item a title.")
    if item.provider_key:
        clash = LearningItem.objects.filter(provider=item.provider, provider_key=item.provider_key).exclude(pk=item.pk)
        if clash.exists():
            errors["provider_key"] = _("This provider already has an item with this key.")
    try:
        item.full_clean(exclude=["skills"], validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    names = _tag_names(skills)
    skill_objects = _skills_for(names)
    item.save()
    item.skills.set(skill_objects)
    return item


ITEM_DEFAULTS = {
    "description": "",
    "provider": "",
    "provider_key": "",
    "language": "nl",
    "cost": Decimal("0"),
    "skills": (),
    "delivery": "online",
    "url": "",
    "active": True,
}


def _item_fields(fields: dict) -> dict:
    """Every field of ITEM_FIELDS: the given ones, the defaults for the rest (a full replace)."""
    return with_defaults(fields, allowed=ITEM_FIELDS, defaults=ITEM_DEFAULTS, what="learning item")


@transaction.atomic
def item_create(**fields) -> LearningItem:
    """A new item in the offer (fields: ITEM_FIELDS); skills are tags (created when new).
    Announces `catalog.item_added`."""
    return _item_apply(LearningItem(), **_item_fields(fields))


@transaction.atomic
def item_update(*, item: LearningItem, **fields) -> LearningItem:
    """Replace the item's fields (ITEM_FIELDS; those left out take their defaults)."""
    return on_locked_row(item, _item_apply, _item_fields(fields))


@transaction.atomic
def item_deactivate(*, item: LearningItem) -> LearningItem:
    """Items are never deleted (enrolments point at them): they leave the offer. Open enrolments stay."""
    LearningItem.objects.filter(pk=item.pk).select_for_update().get()
    item.active = False
    item.save(update_fields=["active", "updated_at"])
    return item


@transaction.atomic
def job_group_skills_set(*, job_group, skills: list[str]) -> list[Skill]:
    """Replace the set of skills a job group needs (skills as tags, created when new)."""
    from ..models import JobGroupSkill
    from ..selectors import catalog_changed

    wanted = _skills_for(_tag_names(skills))
    wanted_ids = {s.pk for s in wanted}
    current = set(JobGroupSkill.objects.filter(job_group=job_group).values_list("skill_id", flat=True))
    JobGroupSkill.objects.filter(job_group=job_group).exclude(skill_id__in=wanted_ids).delete()
    JobGroupSkill.objects.bulk_create(
        [JobGroupSkill(job_group=job_group, skill_id=pk) for pk in wanted_ids - current], ignore_conflicts=True
    )
    # bulk_create sends no post_save: the rankings' version is bumped here.
    transaction.on_commit(catalog_changed)
    return wanted


@transaction.atomic
def catalog_settings_update(*, approval_threshold: Decimal) -> CatalogSettings:
    if approval_threshold is None or approval_threshold < 0:
        raise ValidationError({"approval_threshold": _("Enter an amount in euros (0 or more).")})
    if approval_threshold >= Decimal("10000000"):
        raise ValidationError({"approval_threshold": _("Enter an amount below 10,000,000 euros.")})
    current = CatalogSettings.current()
    settings = CatalogSettings.objects.select_for_update().get(pk=current.pk)
    settings.approval_threshold = approval_threshold
    settings.save(update_fields=["approval_threshold"])
    return settings
