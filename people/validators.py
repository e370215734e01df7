"""The one rule for e-mail addresses, used by the model, the forms, the API, the sync and SCIM; and
the one rule for names (single line, no control characters).

Django's rule, with internationalised local parts (RFC 6531): HR systems send addresses such as
`Zoë.deVries@example.nl`, and an address the sync stored must never be refused later by SCIM.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Django's dot-atom and quoted-string, with any non-ASCII character allowed in an atom.
_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Z\u0080-\U0010FFFF]+"
_QUOTED = r'"([\001-\010\013\014\016-\037!#-\[\]-\177]|\\[\001-\011\013\014\016-\177])*"'


@deconstructible
class EmailAddressValidator(EmailValidator):
    message = _("Enter a valid e-mail address.")
    user_regex = re.compile(rf"(^{_ATOM}(\.{_ATOM})*\Z|^{_QUOTED}\Z)", re.IGNORECASE)

    def __call__(self, value):
        if isinstance(value, str) and value != value.strip():  # Django's would take "a@b.nl\n"
            raise ValidationError(self.message, code=self.code, params={"value": value})
        super().__call__(value)


validate_email_address = EmailAddressValidator()


class EmailAddressFormField(forms.EmailField):
    default_validators = [validate_email_address]


class EmailAddressField(models.EmailField):
    """An e-mail address under the one rule above (a plain EmailField would add Django's)."""

    default_validators = [validate_email_address]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": EmailAddressFormField, **kwargs})


# Line feeds, carriage returns and the other control characters (C0, DEL, C1), and Unicode's line
# and paragraph separators: a name holding one breaks every e-mail subject and header that uses it.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The NUL character has its own rule and error code everywhere (Django's and DRF's validators).
_REFUSED_IN_NAMES = re.compile("[\x01-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_MESSAGE = _("Line breaks and control characters are not allowed in a name.")


def validate_single_line(value) -> None:
    """Names (people, departments, job groups) are one line of printable text, at every door:
    forms and the admin (model validation), the API, the HRIS sync and its CSV import (serializers
    built from the model), and SCIM (hris.scim.resources)."""
    if isinstance(value, str) and _REFUSED_IN_NAMES.search(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
