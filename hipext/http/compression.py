"""gzip and brotli for the public answers, keeping their validators true.

Django's GZipMiddleware does gzip alone, and pads every body with random bytes
against BREACH, so the same JSON never compresses to the same bytes twice. This
middleware compresses the public answers (``hipext.http.paths.is_public_path``: the API and
the embed cards: no secret in them, so no padding; the admin, which holds CSRF tokens,
is left alone) with Django's own gzip helper, or with brotli (Google's ``brotli``
package) when the client prefers it, and follows GZipMiddleware's rules otherwise:

- only JSON, HTML, SVG and the OpenAPI documents, of ``MIN_BYTES`` or more, never
  a streaming answer (WhiteNoise answers static files above this middleware, from
  files compressed at ``collectstatic``), never one already encoded or marked
  ``no-transform``, and only if the result is smaller;
- ``Vary: Accept-Encoding`` on every answer that could be compressed, whatever this
  client accepted, so a shared cache keeps the variants apart;
- a compressed answer's strong ``ETag`` becomes weak (RFC 9110 8.8.1: the bytes
  differ, the meaning does not). ``If-None-Match`` compares weakly
  (hipext.http.caching), so the compressed variant's ``W/"..."`` revalidates, and a
  304 to a client accepting an encoding carries the weak form it was given.
"""

import brotli
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedStaticFilesStorage

from .paths import is_public_path

# Below this a body gains a few bytes at best, and costs a compression each time.
MIN_BYTES = 512
# Brotli's quality for answers compressed per request: 11 (the default) is for
# static files; 5 keeps the time near gzip's level 6 for a smaller result.
BROTLI_QUALITY = 5
COMPRESSIBLE_TYPES = frozenset(
    {
        "application/json",
        "application/problem+json",
        "application/vnd.oai.openapi",
        "application/vnd.oai.openapi+json",
        "text/html",
        "image/svg+xml",
    }
)


def _compress_gzip(body):
    # No max_random_bytes: the same answer compresses to the same bytes.
    return compress_string(body)


def _compress_br(body):
    return brotli.compress(body, quality=BROTLI_QUALITY)


CODERS = {"br": _compress_br, "gzip": _compress_gzip}


def accepted_encoding(header):
    """The coding to answer with for an ``Accept-Encoding`` value, or None (identity).

    The highest ``q`` of those offered wins (``*`` stands for any not named;
    ``q=0`` refuses); on a tie brotli, whose result is smaller.
    """
    weights = {}
    for item in header.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            weights[name.lower()] = quality
    wildcard = weights.get("*", 0.0)
    best, best_quality = None, 0.0
    for coding in ("br", "gzip"):
        quality = weights.get(coding, wildcard)
        if quality > best_quality:
            best, best_quality = coding, quality
    return best


def _weaken_etag(response):
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag


def _media_type(response):
    return response.get("Content-Type", "").partition(";")[0].strip().lower()


class CompressionMiddleware:
    """Compresses public JSON, HTML and SVG answers with gzip or brotli."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_public_path(request.path_info):
            return response
        coding = accepted_encoding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if response.status_code == 304:
            if response.has_header("ETag"):
                patch_vary_headers(response, ("Accept-Encoding",))
                if coding is not None:
                    _weaken_etag(response)
            return response
        if not self._compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if coding is None:
            return response
        compressed = CODERS[coding](response.content)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        response.headers["Content-Encoding"] = coding
        _weaken_etag(response)
        return response

    @staticmethod
    def _compressible(response):
        return (
            not response.streaming
            and not response.has_header("Content-Encoding")
            and "no-transform" not in response.get("Cache-Control", "").lower()
            and _media_type(response) in COMPRESSIBLE_TYPES
            and len(response.content) >= MIN_BYTES
        )


class GzipStaticFilesStorage(CompressedStaticFilesStorage):
    """WhiteNoise's compressed static files, gzip only, as before brotli was installed.

    WhiteNoise adds ``.br`` files whenever ``brotli`` is importable, at its highest
    quality: collectstatic then takes a minute of CPU for the docs pages' scripts.
    """

    def create_compressor(self, **kwargs):
        return Compressor(use_brotli=False, **kwargs)
