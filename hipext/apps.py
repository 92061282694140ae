from django.apps import AppConfig


class HipextConfig(AppConfig):
    """Project-wide wiring that must exist in every process, not only in servers."""

    name = "hipext"
    verbose_name = "hipext"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from hipext.content.publishing import document_signals_connect
        from hipext.content.version import content_signals_connect
        from hipext.http.apikeys import api_key_signals_connect

        # Connected here rather than in the middleware, so that a change made from a
        # shell, a script or the seed command bumps the content version too, and a key
        # revoked there takes effect at once.
        content_signals_connect()
        # Beside the version: the same changes re-render the documents they affect.
        document_signals_connect()
        api_key_signals_connect()
        # Each content app registers its seeded kinds in its seeds.py, in the order of
        # INSTALLED_APPS (an app after those it builds on), as admin.py registers models.
        autodiscover_modules("seeds")
        # And their published documents and what each change affects, the same way.
        autodiscover_modules("documents")
