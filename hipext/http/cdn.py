"""What a CDN in front of the public answers needs: Cache-Control, validators, keys.

- ``cache_control()``: the one ``Cache-Control`` of cacheable public answers:
  ``max-age`` for browsers, ``s-maxage`` for shared caches, and
  ``stale-while-revalidate`` / ``stale-if-error`` so an edge keeps serving while it
  refetches or while the origin is down (settings ``API_CACHE_*``).
- ``surrogate_keys(path)``: the keys a CDN can purge a stored answer by (README "CDN").
- ``CdnHeadersMiddleware``: gives the public answers that hipext.http.caching leaves
  without validators (the embed cards, the schema and its documentation pages) a
  strong ``ETag`` of their body, ``Last-Modified`` where it is known (a card: the
  last content change), ``Cache-Control``, and answers their conditional requests
  with 304; puts the surrogate keys on every public 200 and 304.
"""

import re

from django.conf import settings
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date

from hipext.content.version import content_version

from .paths import is_api_path, is_public_path, is_under

# Path segments that may become keys: the API's kinds and slugs, nothing a client
# could use to inject a space or a control character.
_KEY_SEGMENT = re.compile(r"^[-a-zA-Z0-9_.]+$")


def cache_control():
    """``Cache-Control`` of a cacheable public answer, from the settings."""
    directives = [
        "public",
        f"max-age={settings.API_CACHE_MAX_AGE}",
        f"s-maxage={settings.API_CACHE_S_MAXAGE}",
    ]
    if settings.API_CACHE_STALE_WHILE_REVALIDATE > 0:
        directives.append(
            f"stale-while-revalidate={settings.API_CACHE_STALE_WHILE_REVALIDATE}"
        )
    if settings.API_CACHE_STALE_IF_ERROR > 0:
        directives.append(f"stale-if-error={settings.API_CACHE_STALE_IF_ERROR}")
    return ", ".join(directives)


def depends_on_code(path):
    """The schema and its pages: they change with a release, not with the content."""
    return any(is_under(path, prefix) for prefix in settings.API_CACHE_EXEMPT_PATHS)


def surrogate_keys(path):
    """The keys of the answer at ``path``, most general first.

    ``hipext`` (everything), then ``content`` (all that an edit may change; an edit
    changes every ETag, hipext.http.caching) or ``release`` (the schema and its
    pages), then the kind and ``kind/slug``: ``/api/exercises/glute-bridges`` and
    its ``diagram.svg`` have ``exercises exercises/glute-bridges``, an embed card
    ``embed exercises exercises/glute-bridges``.
    """
    keys = ["hipext", "release" if depends_on_code(path) else "content"]
    segments = [segment for segment in path.split("/") if segment]
    if segments[:1] == ["embed"]:
        keys.append("embed")
    named = segments[1:3]
    if named and all(_KEY_SEGMENT.match(segment) for segment in named):
        keys.append(named[0])
        if len(named) == 2:
            keys.append("/".join(named))
    return keys


def _shared_cache_may_keep(response):
    control = response.get("Cache-Control", "").lower()
    return "no-store" not in control and "private" not in control


class CdnHeadersMiddleware:
    """Cache-Control, validators and surrogate keys on the public answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method not in ("GET", "HEAD") or not is_public_path(path):
            return self.get_response(request)
        # Outside the API only the embed cards, made of the content: read the
        # version before the view, so Last-Modified is never later than the body.
        last_modified = None if is_api_path(path) else int(content_version()[1])
        response = self.get_response(request)
        if response.status_code == 200 and not response.streaming:
            if "Cache-Control" not in response:
                response.headers["Cache-Control"] = cache_control()
            if not response.has_header("ETag") and _shared_cache_may_keep(response):
                response = self._validated(request, response, last_modified)
        header = settings.API_SURROGATE_KEY_HEADER
        if header and response.status_code in (200, 304):
            response.headers[header] = " ".join(surrogate_keys(path))
        return response

    @staticmethod
    def _validated(request, response, last_modified):
        set_response_etag(response)
        if last_modified is not None:
            response.headers["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=last_modified,
            response=response,
        )
