from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class HipextConfig(AppConfig):
    """Project-wide wiring that must exist in every process, not only in servers."""

    name = "hipext"
    verbose_name = "hipext"

    def ready(self):
        from rest_framework_api_key.models import APIKey

        from hipext.ratelimit import api_key_record_forget

        # Connected here rather than on import of the middleware so that a key revoked
        # from a shell or a script takes effect at once too.
        post_save.connect(api_key_record_forget, sender=APIKey)
        post_delete.connect(api_key_record_forget, sender=APIKey)
