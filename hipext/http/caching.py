"""HTTP caching of the public API: validators, 304s and a shared response cache.

``ApiCachingMiddleware`` serves GET and HEAD of ``/api`` and everything under it, except
the paths of ``API_CACHE_EXEMPT_PATHS`` (the schema and its documentation pages, which
depend on the code, not on the content), from the content version (hipext.content.version):

- a strong ``ETag`` derived from the content version and the request (absolute URL,
  negotiated representation: hipext.http.cachekeys), ``Last-Modified`` (the time of
  the last content change) and ``Cache-Control: public, max-age=API_CACHE_MAX_AGE``
  on every 200;
- a matching ``If-None-Match`` gets 304 before any view or database work; a satisfied
  ``If-Modified-Since`` gets 304 once the response is known to be a 200;
- successful responses are kept in the cache, keyed by the request and valid only for
  the content version they were rendered from, a bounded number per path; errors are
  never kept;
- no cookie and no ``Vary: Cookie`` on any API read, whatever inner middleware did.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import cc_delim_re, get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags

from hipext.content.publication import publication_token
from hipext.content.version import (
    CACHE_ALIAS,
    VERSION_KEY,
    content_version_refill,
    content_version_row,
    key_digest,
    version_unpack,
)

from .cachebreaker import cache_call
from .cachekeys import request_identity, variant_allowed
from .paths import is_api_path, is_under

RESPONSE_KEY_PREFIX = "hipext:api-response:"


def _strip_cookies(response):
    """Remove cookies and ``Vary: Cookie``: an API read never depends on them."""
    response.cookies.clear()
    vary = response.headers.get("Vary")
    if vary:
        kept = [h for h in cc_delim_re.split(vary) if h and h.lower() != "cookie"]
        if kept:
            response.headers["Vary"] = ", ".join(kept)
        else:
            del response.headers["Vary"]


def _cacheable(response):
    if response.status_code != 200 or response.streaming:
        return False
    control = response.headers.get("Cache-Control", "").lower()
    return "no-store" not in control and "private" not in control


class ApiCachingMiddleware:
    """ETag, Last-Modified, 304s and a shared response cache for API reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method not in ("GET", "HEAD") or not is_api_path(path):
            return self.get_response(request)
        if any(is_under(path, prefix) for prefix in settings.API_CACHE_EXEMPT_PATHS):
            response = self.get_response(request)
            # Swagger UI asks for a CSRF token it never needs: the API is read-only.
            _strip_cookies(response)
            return response

        identity = request_identity(request)
        response_key = RESPONSE_KEY_PREFIX + key_digest(identity)
        use_store = settings.API_RESPONSE_CACHE_TIMEOUT > 0
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        # One round trip: the version, plus the stored response unless the request is
        # likely a revalidation that needs none (a 304 should not fetch a body).
        keys = [VERSION_KEY]
        if use_store and not if_none_match:
            keys.append(response_key)
        # Without the cache, serve from the database rather than fail.
        found = cache_call(CACHE_ALIAS, lambda cache: cache.get_many(keys))
        if found is None:
            version = content_version_row()
            use_store = False
        else:
            version = version_unpack(found.get(VERSION_KEY))
            version = version or content_version_refill()
        # A scheduled publication changes the content with no write: the token (so
        # ETags and stored responses) moves with the publication horizon too.
        token = f"{version[0]}:{version[1]}:{publication_token()}"
        etag = f'"{key_digest(token + chr(10) + identity)}"'
        last_modified = int(version[1])

        if if_none_match:
            if etag in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}:
                return self._not_modified(etag, last_modified)
            if use_store:
                found[response_key] = cache_call(
                    CACHE_ALIAS, lambda cache: cache.get(response_key)
                )

        stored = found.get(response_key) if use_store else None
        if stored is not None and stored[0] == token:
            response = HttpResponse(stored[2], headers=stored[1])
            validated = True
        else:
            response = self.get_response(request)
            _strip_cookies(response)
            validated = _cacheable(response)
            if validated:
                self._add_validators(response, etag, last_modified)
                if use_store and variant_allowed(request, token):
                    self._store(response_key, token, response)
            elif response.status_code >= 500:
                # A failure may be transient: nobody may keep it.
                response.headers["Cache-Control"] = "no-store"

        if validated:
            response = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        if request.method == "HEAD" and not response.streaming:
            response.content = b""
        return response

    @staticmethod
    def _store(key, token, response):
        stored = (token, list(response.items()), response.content)
        cache_call(
            CACHE_ALIAS,
            lambda cache: cache.set(key, stored, settings.API_RESPONSE_CACHE_TIMEOUT),
        )

    @staticmethod
    def _add_validators(response, etag, last_modified):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = (
                f"public, max-age={settings.API_CACHE_MAX_AGE}"
            )
        # The body depends on Accept (406, or JSON indented on request).
        patch_vary_headers(response, ("Accept",))
        # A stored response skips the inner middleware that would count its bytes.
        if "Content-Length" not in response.headers:
            response.headers["Content-Length"] = str(len(response.content))

    @staticmethod
    def _not_modified(etag, last_modified):
        response = HttpResponseNotModified()
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        response.headers["Cache-Control"] = (
            f"public, max-age={settings.API_CACHE_MAX_AGE}"
        )
        response.headers["Vary"] = "Accept"
        return response
