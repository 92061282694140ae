from django.apps import AppConfig


class HipextConfig(AppConfig):
    """Project-wide wiring that must exist in every process, not only in servers."""

    name = "hipext"
    verbose_name = "hipext"

    def ready(self):
        from hipext.caching import content_signals_connect
        from hipext.ratelimit import api_key_signals_connect

        # Connected here rather than in the middleware, so that a change made from a
        # shell, a script or the seed command bumps the content version too, and a key
        # revoked there takes effect at once.
        content_signals_connect()
        api_key_signals_connect()
