"""CORS headers that are the same for every origin, so a shared cache keeps one copy.

django-cors-headers adds ``Vary: Origin`` to every answer and
``Access-Control-Allow-Origin`` only to requests carrying an ``Origin``: a CDN then
keeps one copy per origin, or (ignoring Vary) serves a copy fetched without an
``Origin`` to a browser, which refuses it. With any origin allowed and no
credentials the answer is ``*`` whoever asks, so it is sent on every answer of the
CORS paths and ``Vary: Origin`` is dropped. Any other configuration (a list of
origins, credentials) keeps the library's behaviour, where the answer does depend
on the origin.
"""

from corsheaders.conf import conf
from corsheaders.middleware import (
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS,
)
from corsheaders.middleware import CorsMiddleware as LibraryCorsMiddleware
from django.utils.cache import cc_delim_re


def vary_without(response, name):
    """Remove ``name`` from the response's ``Vary`` header (the header if it empties)."""
    vary = response.headers.get("Vary")
    if not vary:
        return
    kept = [h for h in cc_delim_re.split(vary) if h and h.lower() != name.lower()]
    if kept:
        response.headers["Vary"] = ", ".join(kept)
    else:
        del response.headers["Vary"]


class CorsMiddleware(LibraryCorsMiddleware):
    """django-cors-headers, answering ``*`` without ``Vary: Origin`` when it may."""

    def add_response_headers(self, request, response):
        response = super().add_response_headers(request, response)
        same_for_all = conf.CORS_ALLOW_ALL_ORIGINS and not conf.CORS_ALLOW_CREDENTIALS
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if not same_for_all or not enabled:
            return response
        vary_without(response, "Origin")
        response[ACCESS_CONTROL_ALLOW_ORIGIN] = "*"
        if conf.CORS_EXPOSE_HEADERS:
            response[ACCESS_CONTROL_EXPOSE_HEADERS] = ", ".join(
                conf.CORS_EXPOSE_HEADERS
            )
        return response
