from django.apps import AppConfig


class HipextConfig(AppConfig):
    """Project-wide wiring that must exist in every process, not only in servers."""

    name = "hipext"
    verbose_name = "hipext"

    def ready(self):
        from hipext.ratelimit import api_key_signals_connect

        # Connected here rather than in the middleware so that a key revoked from a
        # shell or a script takes effect at once too.
        api_key_signals_connect()
