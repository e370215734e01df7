"""factory_boy factories shared by every app's tests."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from people.models import Department, Employee, JobGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("secret-pass-123")


class DepartmentFactory(factory.django.DjangoModelFactory):
    """Made through the people service, like every department, so the tree's closure rows exist."""

    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    external_id = factory.Sequence(lambda n: f"D{n:04d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from people.services import department_create

        return department_create(**kwargs)


class JobGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobGroup

    name = factory.Sequence(lambda n: f"Job group {n}")
    external_id = factory.Sequence(lambda n: f"JG{n:04d}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    external_id = factory.Sequence(lambda n: f"E{n:06d}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    department = factory.SubFactory(DepartmentFactory)
    job_group = factory.SubFactory(JobGroupFactory)
    education_level = "bachelor"
    fte = Decimal("1.00")
    locale = "en"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Saved directly (the service would also send employees_changed, which many tests do not
        # want), then given its reporting lines as every write path does.
        from people.services import reporting_lines_refresh

        employee = super()._create(model_class, *args, **kwargs)
        reporting_lines_refresh(under=[employee.pk])
        return employee
