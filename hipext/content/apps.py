"""The base AppConfig of content apps: every model of such an app is published content."""

from django.apps import AppConfig, apps


class ContentAppConfig(AppConfig):
    """An app whose every model is content the API publishes.

    A change to any of its rows bumps the content version (hipext.content.version);
    its fixtures are read by the seed through the kinds its ``seeds.py`` registers.
    """

    default_auto_field = "django.db.models.BigAutoField"


def content_models():
    """Every model whose rows the API publishes."""
    return [
        model
        for config in apps.get_app_configs()
        if isinstance(config, ContentAppConfig)
        for model in config.get_models()
    ]


def content_through_models():
    """The through models of the content models' many-to-many fields."""
    return [
        field.remote_field.through
        for model in content_models()
        for field in model._meta.local_many_to_many
    ]
