"""Public answers are compressed with gzip or brotli, and their validators still work."""

import gzip
import json

import brotli
import pytest
from django.conf import settings

from hipext.http.compression import MIN_BYTES, accepted_encoding

pytestmark = pytest.mark.django_db

LIST = "/api/exercises?page_size=20"


@pytest.mark.parametrize(
    ("header", "coding"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("br;q=0", None),
        ("*", "br"),
        ("*;q=0.1, br;q=0", "gzip"),
        ("identity", None),
        ("", None),
        ("gzip;q=nonsense", None),
    ],
)
def test_the_coding_follows_accept_encoding(header, coding):
    assert accepted_encoding(header) == coding


def test_a_list_is_compressed_with_a_weak_etag_and_vary(client, seeded_content):
    identity = client.get(LIST)
    zipped = client.get(LIST, headers={"Accept-Encoding": "gzip"})
    brotlied = client.get(LIST, headers={"Accept-Encoding": "gzip, br"})

    assert "Content-Encoding" not in identity
    assert zipped["Content-Encoding"] == "gzip"
    assert brotlied["Content-Encoding"] == "br"
    assert gzip.decompress(zipped.content) == identity.content
    assert brotli.decompress(brotlied.content) == identity.content
    assert int(zipped["Content-Length"]) == len(zipped.content)
    assert len(brotlied.content) < len(zipped.content) < len(identity.content) / 4
    # The compressed variants' ETag is the identity one, weak (RFC 9110 8.8.1).
    assert identity["ETag"].startswith('"')
    assert zipped["ETag"] == brotlied["ETag"] == "W/" + identity["ETag"]
    for response in (identity, zipped, brotlied):
        vary = {h.strip().lower() for h in response["Vary"].split(",")}
        assert {"accept", "accept-encoding"} <= vary


def test_the_compressed_variants_etag_revalidates(client, seeded_content):
    asked = {"Accept-Encoding": "gzip, br"}
    etag = client.get(LIST, headers=asked)["ETag"]

    again = client.get(LIST, headers={**asked, "If-None-Match": etag})

    assert etag.startswith('W/"')
    assert again.status_code == 304
    assert again.content == b""
    # The 304 names the validator of the variant the client holds.
    assert again["ETag"] == etag
    assert "accept-encoding" in again["Vary"].lower()


def test_the_diagram_and_the_card_are_compressed_and_revalidate(client, seeded_content):
    for url in (
        "/api/exercises/glute-bridges/diagram.svg",
        "/embed/exercises/glute-bridges",
    ):
        asked = {"Accept-Encoding": "gzip"}
        response = client.get(url, headers=asked)
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        assert response["ETag"].startswith('W/"'), url
        again = client.get(url, headers={**asked, "If-None-Match": response["ETag"]})
        assert again.status_code == 304, url


def test_the_schema_is_compressed(client, db):
    response = client.get("/api/schema?format=json", headers={"Accept-Encoding": "br"})

    assert response["Content-Encoding"] == "br"
    assert "openapi" in json.loads(brotli.decompress(response.content))


def test_small_answers_and_304s_are_not_compressed(client, seeded_content):
    small = client.get("/api/exercises/nope", headers={"Accept-Encoding": "gzip"})

    assert small.status_code == 404
    assert len(small.content) < MIN_BYTES
    assert "Content-Encoding" not in small


def test_the_admin_is_not_compressed(client, db):
    response = client.get("/admin/login/", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert len(response.content) > MIN_BYTES
    assert "Content-Encoding" not in response


def test_compression_sits_outside_the_layers_setting_validators():
    order = settings.MIDDLEWARE
    compression = order.index("hipext.http.compression.CompressionMiddleware")

    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < compression
    assert compression < order.index("hipext.http.cdn.CdnHeadersMiddleware")
    assert compression < order.index("hipext.http.caching.ApiCachingMiddleware")


def test_static_files_are_gzipped_at_collectstatic_without_brotli():
    from django.core.files.storage import storages

    compressor = storages["staticfiles"].create_compressor(quiet=True)

    assert compressor.use_gzip
    assert not compressor.use_brotli
