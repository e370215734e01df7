"""ListSelect (issue 21) writes the options of a long list in one pass; its HTML is Django's Select's."""

import pytest
from django import forms
from django.test.html import parse_html

from monitoring.forms import FilterForm
from people.forms import DirectoryFilterForm, ListSelect
from people.models import Department
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _both(field: forms.Field, value, attrs=None) -> tuple:
    plain = forms.Select(choices=field.choices).render("department", value, attrs)
    quick = ListSelect(choices=field.choices).render("department", value, attrs)
    return parse_html(plain), parse_html(quick)


def test_it_renders_what_djangos_select_renders():
    DepartmentFactory(name='R&D "Labs" <Nijmegen>')
    chosen = DepartmentFactory(name="Sales")
    DepartmentFactory(name="Zorg & Welzijn")
    field = forms.ModelChoiceField(queryset=Department.objects.order_by("name"), required=False, empty_label="All")
    for value in (None, "", chosen.pk, str(chosen.pk)):
        plain, quick = _both(field, value, {"id": "id_department", "class": "form-select", "required": True})
        assert quick == plain, value
    plain, quick = _both(field, chosen.pk, {"disabled": False, "aria-describedby": "help"})
    assert quick == plain


def test_option_groups_and_escaping_match_too():
    choices = [("", "—"), ("North <&>", [(1, "Groningen"), (2, 'Friesland "Fryslân"')]), (3, "Elsewhere")]
    plain = forms.Select(choices=choices).render("place", 2, {"id": "id_place"})
    quick = ListSelect(choices=choices).render("place", 2, {"id": "id_place"})
    assert parse_html(quick) == parse_html(plain)
    assert "&lt;&amp;&gt;" in quick
    assert "<script" not in ListSelect(choices=[(1, "<script>x</script>")]).render("x", None)


@pytest.mark.parametrize("form", [DirectoryFilterForm, FilterForm])
def test_the_department_filters_use_it_and_keep_the_chosen_one(form):
    departments = [DepartmentFactory(name=f"Afdeling {i:03}") for i in range(30)]
    bound = form({"department": departments[7].pk})
    assert isinstance(bound.fields["department"].widget, ListSelect)
    html = str(bound["department"])
    assert html.count("<option") == 31  # the empty choice and every department
    assert f'<option value="{departments[7].pk}" selected>Afdeling 007</option>' in html
