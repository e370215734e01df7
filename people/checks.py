"""System checks of the people app: every port some app needs has a provider (see registry.py)."""

from django.core import checks


@checks.register()
def ports_have_providers(app_configs=None, **kwargs):
    from .registry import registry

    return [
        checks.Error(
            f"The port {port.name} is used by {', '.join(sorted(apps))} but nothing provides it.",
            hint=f"Add the app that provides it ({port.provider_app}) to INSTALLED_APPS, or call "
            f"registry.provide(people.registry.{port.name.upper()}, ...) in an AppConfig.ready().",
            id="people.E002",
        )
        for port, apps in registry.missing()
    ]
