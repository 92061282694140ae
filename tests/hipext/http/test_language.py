"""The language of public answers: ?lang=, Accept-Language, and what follows from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Exercise
from hipext.http.language import language_from_header

DETAIL = "/api/exercises/glute-bridges"
SPANISH_NAME = "Puente de glúteos (prueba)"
GERMAN_NAME = "Glute Bridge (Test)"


@pytest.fixture
def translated(seeded):
    """Glute bridges named in Spanish and German (whatever the seed's editions say)."""
    exercise = Exercise.objects.get(slug="glute-bridges")
    exercise.name_es, exercise.name_de = SPANISH_NAME, GERMAN_NAME
    exercise.save()
    return exercise


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("es", "es"),
        ("ES", "es"),
        ("es-MX", "es"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr, de;q=0.5, es;q=0.4", "de"),
        ("es;q=0.2, de;q=0.7", "de"),
        ("de;q=0, es;q=0.1", "es"),
        ("fr", "en"),
        ("fr, *;q=0.5", "en"),
        ("*", "en"),
        ("not a language header ;;; q=x", "en"),
    ],
)
def test_accept_language_picks_the_best_supported_language(header, expected):
    assert language_from_header(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, "en"), ("es", "es"), ("de-AT,de;q=0.9", "de"), ("fr", "en")],
)
def test_negotiated_answer_says_its_language_and_varies_on_the_header(
    client, translated, header, expected
):
    headers = {} if header is None else {"Accept-Language": header}
    response = client.get(DETAIL, headers=headers)

    assert response.status_code == 200
    assert response["Content-Language"] == expected
    assert "accept-language" in response["Vary"].lower()
    assert response.json()["translation"]["language"] == expected
    names = {"en": "Glute bridges", "es": SPANISH_NAME, "de": GERMAN_NAME}
    assert response.json()["name"] == names[expected]


@pytest.mark.parametrize("lang", ["es", "ES", "de", "en"])
def test_lang_parameter_wins_over_the_header_and_does_not_vary(
    client, translated, lang
):
    response = client.get(
        f"{DETAIL}?lang={lang}", headers={"Accept-Language": "fr, es"}
    )

    assert response.status_code == 200
    assert response["Content-Language"] == lang.lower()
    assert "accept-language" not in response.get("Vary", "").lower()


@pytest.mark.parametrize("query", ["lang=fr", "lang=es-MX", "lang=%00", "lang=deu"])
@pytest.mark.parametrize(
    "path", ["/api/exercises", DETAIL, "/embed/exercises/glute-bridges"]
)
def test_unsupported_lang_is_a_400_naming_the_supported_ones(
    client, seeded, path, query
):
    response = client.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert "en, es, de" in problem["errors"]["lang"][0]
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=", "Must not be empty; leave 'lang' out to not use it."),
        ("lang=%20", "Must not be empty; leave 'lang' out to not use it."),
        ("lang=es&lang=de", "Given more than once; 'lang' takes one value."),
    ],
)
def test_an_empty_or_repeated_lang_is_a_400_as_for_any_parameter(
    client, seeded, query, message
):
    response = client.get(f"/api/exercises?{query}")

    assert response.status_code == 400
    assert response.json()["errors"] == {"lang": [message]}


def test_lang_is_accepted_by_every_api_endpoint(client, seeded):
    for path in ["/api", "/api/exercises", "/api/muscles/hamstrings", "/api/routines"]:
        response = client.get(f"{path}?lang=de")
        assert response.status_code == 200, path
        assert response["Content-Language"] == "de"


def test_admin_is_not_negotiated(admin_client, seeded):
    response = admin_client.get("/admin/", headers={"Accept-Language": "es"})

    assert response.status_code == 200
    assert "Content-Language" not in response


def test_the_response_cache_never_serves_one_language_to_another(client, translated):
    english = client.get(DETAIL)
    assert client.get(DETAIL).content == english.content  # stored and served again

    spanish = client.get(DETAIL, headers={"Accept-Language": "es"})
    german = client.get(f"{DETAIL}?lang=de")

    assert spanish.json()["name"] == SPANISH_NAME
    assert german.json()["name"] == GERMAN_NAME
    assert len({english["ETag"], spanish["ETag"], german["ETag"]}) == 3
    # A validator of one language does not revalidate another's answer.
    crossed = client.get(
        DETAIL, headers={"Accept-Language": "es", "If-None-Match": english["ETag"]}
    )
    assert crossed.status_code == 200
    assert crossed.json()["name"] == SPANISH_NAME
    same = client.get(
        DETAIL, headers={"Accept-Language": "es", "If-None-Match": spanish["ETag"]}
    )
    assert same.status_code == 304
    assert same["Content-Language"] == "es"


def test_lists_are_cached_and_counted_per_language(client, translated):
    url = "/api/exercises?search=bridges"
    english = client.get(url)
    spanish = client.get(url, headers={"Accept-Language": "es"})

    assert english.json()["results"][0]["name"] == "Glute bridges"
    assert spanish["Content-Language"] == "es"
    assert all(
        item["translation"]["language"] == "es" for item in spanish.json()["results"]
    )


def test_links_keep_a_language_other_than_english(client, translated):
    spanish = client.get(
        "/api/exercises?page_size=2", headers={"Accept-Language": "es"}
    )
    body = spanish.json()

    assert "lang=es" in body["next"]
    for item in body["results"]:
        assert item["url"].endswith("?lang=es")
        assert item["diagram_url"].endswith("/diagram.svg?lang=es")
        for muscle in item["muscles"]:
            assert muscle["url"].endswith("?lang=es")
    muscle = client.get("/api/muscles/hamstrings?lang=de").json()
    assert muscle["exercises_url"].endswith("?muscle=hamstrings&lang=de")

    english = client.get("/api/exercises?page_size=2").json()
    assert "lang=" not in english["next"]
    assert "lang=" not in english["results"][0]["url"]


def test_a_field_without_translation_falls_back_to_english_and_says_so(
    client, translated
):
    translated.summary_es = ""
    translated.save()
    first = translated.steps.order_by("position").first()
    first.text_es = None
    first.save()

    spanish = client.get(f"{DETAIL}?lang=es").json()

    assert spanish["name"] == SPANISH_NAME
    assert spanish["summary"] == translated.summary_en
    assert spanish["steps"][0]["text"] == first.text_en
    assert "summary" in spanish["translation"]["fallback"]
    assert "steps" in spanish["translation"]["fallback"]
    assert "name" not in spanish["translation"]["fallback"]
    english = client.get(DETAIL).json()
    assert english["translation"] == {"language": "en", "fallback": []}


@pytest.mark.parametrize("path", ["/api/exercises", DETAIL, "/api/routines"])
def test_query_counts_do_not_grow_with_the_language(client, translated, settings, path):
    settings.API_RESPONSE_CACHE_TIMEOUT = 0
    counts = {}
    for lang in ["en", "es", "de"]:
        client.get(f"{path}?lang={lang}")  # the steady state: counts and schedule read
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{path}?lang={lang}").status_code == 200
        counts[lang] = len(queries)
    assert counts["es"] == counts["de"] == counts["en"]
