"""HTTP caching of the public API: validators, 304s and a shared response cache.

``ApiCachingMiddleware`` serves GET and HEAD of ``/api`` and everything under it, except
the paths of ``API_CACHE_EXEMPT_PATHS`` (the schema and its documentation pages, which
depend on the code, not on the content):

- a strong ``ETag`` that is a hash of the request's identity (release, absolute URL,
  negotiated representation: hipext.http.cachekeys) and of the body, so the same
  bytes always get the same ETag, on every server and after any unrelated change;
  ``Last-Modified`` (the time of the last content change when it was built) and
  ``Cache-Control`` (hipext.http.cdn.cache_control: ``max-age``, ``s-maxage``,
  ``stale-*``) on every 200;
- each 200 is kept with what it was built from: for a response made from published
  documents (hipext.api.readmodel), its documents and, for a list, the document
  fields its filters and order read; for any other, the content version. It stays
  valid until one of those changes, which this process's copy of the content state
  tells without asking the database or the cache (hipext.content.version);
- a matching ``If-None-Match`` gets 304 from the validators this process remembers,
  before any view, cache or database work; otherwise the stored response is taken
  from this process's memory (``API_RESPONSE_MEMORY_BYTES``, no round trip), else
  fetched (one cache round trip, which also brings the newest version any process has
  seen, so that a copy behind an edit another server has seen is reread first), and a
  satisfied ``If-None-Match`` or ``If-Modified-Since`` still gets 304; errors are
  never kept, a bounded number of responses per path. Whichever way, the copy of the
  content state is first compared with the newest version the server's other
  processes have seen (hipext.content.sharedhead);
- no cookie and no ``Vary: Cookie`` on any API read, whatever inner middleware did.
"""

import threading
from collections import OrderedDict

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import cc_delim_re, get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_etags

from hipext.content.publication import publication_token
from hipext.content.publishing import documents_flush, documents_pending
from hipext.content.version import (
    CACHE_ALIAS,
    HEAD_KEY,
    content_head_publish,
    content_state,
    content_version_row,
    key_digest,
    response_validity,
)

from .cachebreaker import cache_call
from .cachekeys import request_identity, variant_allowed
from .cdn import cache_control
from .paths import is_api_path, is_under

# The entries' format changed with the version: a previous release's are never read.
RESPONSE_KEY_PREFIX = "hipext:api-response:2:"
# Validators of stored responses this process remembers, for 304s without a round trip.
LOCAL_VALIDATORS = 4096
# Bytes counted for a kept response beyond its body and headers (objects, validity).
STORED_OVERHEAD = 1024


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


class _Kept:
    """Entries of this process, least recently used out first, within ``size``: a
    number of entries, or the bytes ``weigh`` gives them."""

    def __init__(self, size, weigh=lambda entry: 1):
        self.size = size
        self.weigh = weigh
        self.entries = OrderedDict()
        self.weight = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key, entry, size=None):
        size = self.size if size is None else size
        weight = self.weigh(entry)
        with self.lock:
            replaced = self.entries.pop(key, None)
            if replaced is not None:
                self.weight -= self.weigh(replaced)
            if weight > size:
                return
            self.entries[key] = entry
            self.weight += weight
            while self.weight > size:
                _, dropped = self.entries.popitem(last=False)
                self.weight -= self.weigh(dropped)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.weight = 0


def _stored_weight(stored):
    """About the memory a stored response takes: its body, headers and bookkeeping."""
    validity, _, _, headers, body = stored
    return (
        len(body)
        + sum(len(name) + len(value) for name, value in headers)
        + 8 * sum(len(object_ids) for _, object_ids in validity[2])
        + STORED_OVERHEAD
    )


# (validity, etag, last_modified) of the responses this process built or fetched.
local_validators = _Kept(LOCAL_VALIDATORS)
# Stored responses this process keeps in its own memory, within
# API_RESPONSE_MEMORY_BYTES: served with no cache round trip.
local_responses = _Kept(0, _stored_weight)


def _announce_newer(state):
    """After a view has read the database: if the content version is newer than this
    process's copy, put it on this server's board and in the cache's hint.

    The view may have read content newer than the copy (an edit made since its last
    read), which stored responses in the other processes' memory would then go back
    from; the number read after the view is at least as new as what it read. One
    small query.
    """
    number = content_version_row()[0]
    if number > state.number:
        content_head_publish(number)


def stored_response_key(identity):
    """The cache key of the stored response of a request of ``identity``.

    A scheduled publication changes the content with no write: stored responses and
    remembered validators are keyed on the publication horizon too.
    """
    return RESPONSE_KEY_PREFIX + key_digest(f"{identity}\n{publication_token()}")


def _etag_matches(etag, if_none_match):
    # Weak comparison (RFC 9110 13.1.2): a CDN may weaken the tag it passes on.
    return etag in {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}


def _etag(identity, body):
    """The strong ETag of ``body`` answered to a request of ``identity``."""
    digest = key_digest(identity.encode() + b"\n" + body)
    return f'"{digest}"'


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

        # Changes of this connection's transaction not yet in documents (a test, a
        # script serving requests in its transaction): in the log before validating.
        if documents_pending():
            documents_flush()
        state = content_state()
        identity = request_identity(request)
        response_key = stored_response_key(identity)
        use_store = settings.API_RESPONSE_CACHE_TIMEOUT > 0
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match:
            known = local_validators.get(response_key)
            if (
                known is not None
                and state.is_current(known[0])
                and _etag_matches(known[1], if_none_match)
            ):
                return self._not_modified(known[1], known[2])

        stored = None
        memory = settings.API_RESPONSE_MEMORY_BYTES if use_store else 0
        if memory > 0:
            stored = local_responses.get(response_key)
            if stored is not None and not state.is_current(stored[0]):
                stored = None
        if use_store and stored is None:
            # With the stored response, in the same round trip, the newest version any
            # process has seen: a copy behind it is reread before validating.
            found = cache_call(
                CACHE_ALIAS, lambda cache: cache.get_many([response_key, HEAD_KEY])
            )
            found = found or {}
            hint = found.get(HEAD_KEY)
            if type(hint) is int and hint > state.hinted:
                state = content_state(hint)
            stored = found.get(response_key)
            if not (
                isinstance(stored, tuple)
                and len(stored) == 5
                and state.is_current(stored[0])
            ):
                stored = None
            elif memory > 0:
                local_responses.put(response_key, stored, memory)
        if stored is not None:
            validity, etag, last_modified, headers, body = stored
            local_validators.put(response_key, (validity, etag, last_modified))
            response = HttpResponse(body, headers=headers)
            validated = True
        else:
            # Taken before the view reads: what it reads is at least this new.
            mark = state.mark()
            last_modified = int(state.changed_at)
            response = self.get_response(request)
            _strip_cookies(response)
            validated = _cacheable(response)
            if validated:
                validity = response_validity(
                    mark, getattr(response, "content_dependencies", None)
                )
                etag = _etag(identity, response.content)
                self._add_validators(response, etag, last_modified)
                validators = (validity, etag, last_modified)
                local_validators.put(response_key, validators)
                if memory > 0:
                    # Answered from memory, this process's siblings read no hint from
                    # the cache: tell them (and the other servers, before the response
                    # is stored) of anything newer than this copy the view read.
                    _announce_newer(state)
                if use_store and variant_allowed(request, str(mark[1])):
                    stored = self._store(response_key, validators, response)
                    if memory > 0:
                        local_responses.put(response_key, stored, memory)
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
    def _store(key, validators, response):
        stored = (*validators, list(response.items()), response.content)
        cache_call(
            CACHE_ALIAS,
            lambda cache: cache.set(key, stored, settings.API_RESPONSE_CACHE_TIMEOUT),
        )
        return stored

    @staticmethod
    def _add_validators(response, etag, last_modified):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = cache_control()
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
        response.headers["Cache-Control"] = cache_control()
        response.headers["Vary"] = "Accept"
        return response
