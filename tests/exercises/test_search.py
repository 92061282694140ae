"""The exercise search in the request's language: its texts, its stemming, no accents.

Each test starts from the seed without its Spanish and German search texts and
writes those of fixtures/translations/ it needs into the language columns. Expected slugs are read
from those texts (names, aliases, summary and steps), not from the search code.
"""

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.utils.translation import override

from exercises.filtersets import ExerciseFilterSet
from exercises.models import Exercise, ExerciseStep
from hipext.content.publishing import documents_flushed, documents_note

GLUTE_BRIDGES = "glute-bridges"
HIP_THRUST = "hip-thrust"
QUADRUPED = "quadruped-kickbacks"
STEPUPS = "stepups"
STANDING = "standing-kickbacks"
BALL_CURL = "stability-ball-bridge-and-hamstring-curl"
BALL_PRONE = "stability-ball-prone-hip-extension"

EDITIONS = settings.BASE_DIR / "fixtures" / "translations"

# Stemming, accents and ranking are PostgreSQL's full-text search; SQLite matches
# every word as a substring, as typed.
postgresql_search = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming, accents and ranking are PostgreSQL's full-text search",
)
sqlite_search = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the substring fallback of SQLite"
)

pytestmark = pytest.mark.usefixtures("seeded_content")

SEARCHED = ("name", "aliases", "editorial_aliases", "summary")


@pytest.fixture(autouse=True)
def _untranslated(seeded_content):
    """The seed's exercises without their Spanish and German searched texts (rolled
    back after each test): each test translates what it searches."""
    languages = ("es", "de")
    with documents_flushed():
        Exercise.objects.update(
            **{f"{name}_{lang}": None for name in SEARCHED for lang in languages}
        )
        ExerciseStep.objects.update(**{f"text_{lang}": None for lang in languages})
        documents_note(
            {("exercise", pk) for pk in Exercise.objects.values_list("pk", flat=True)}
        )


def translate(language, *, leaving_out=()):
    """Write ``language``'s edition of the exercises' searched texts into their columns.

    Saved as an editor's change is, so the documents of that language follow.
    """
    edition = yaml.safe_load((EDITIONS / f"{language}.yaml").read_text())
    with documents_flushed():
        for slug, texts in edition["exercises"].items():
            if slug in leaving_out:
                continue
            exercise = Exercise.objects.get(slug=slug)
            for field in ("aliases", "editorial_aliases"):
                setattr(
                    exercise, f"{field}_{language}", "\n".join(texts.get(field) or [])
                )
            setattr(exercise, f"name_{language}", texts["name"])
            setattr(exercise, f"summary_{language}", texts["summary"])
            exercise.save()
            steps = exercise.steps.order_by("position")
            for step, text in zip(steps, texts["steps"], strict=True):
                setattr(step, f"text_{language}", text)
                step.save()


def found(text, language, **params):
    """The slugs a search for ``text`` lists in ``language``, in their order."""
    with override(language):
        filterset = ExerciseFilterSet(
            {"search": text, **params}, queryset=Exercise.objects.all()
        )
        assert filterset.is_valid(), filterset.errors
        return [exercise.slug for exercise in filterset.qs]


# On both databases: the texts searched are the requested language's.


def test_a_spanish_search_reads_the_spanish_texts():
    translate("es")

    assert set(found("puente", "es")) == {GLUTE_BRIDGES, BALL_CURL}
    assert set(found("fitball", "es")) == {BALL_CURL, BALL_PRONE}
    # In English only, where every text is translated.
    assert found("kickbacks", "es") == []


def test_a_german_search_reads_the_german_texts():
    translate("de")

    assert set(found("Beckenheben", "de")) == {GLUTE_BRIDGES, BALL_CURL}
    assert set(found("Gymnastikball", "de")) == {BALL_CURL, BALL_PRONE}
    assert found("puente", "de") == []


def test_an_untranslated_exercise_is_found_by_its_english_texts():
    translate("es", leaving_out={QUADRUPED})

    # "Quadruped kickbacks" is not translated; "Standing kickbacks" is.
    assert found("kickbacks", "es") == [QUADRUPED]


def test_an_untranslated_field_is_searched_in_english():
    exercise = Exercise.objects.get(slug=GLUTE_BRIDGES)
    exercise.name_es = "Puente de glúteos"
    exercise.save()

    assert found("puente", "es") == [GLUTE_BRIDGES]
    # Steps are not translated: their English text is searched, as in English.
    assert set(found("wall", "es")) == {HIP_THRUST, QUADRUPED, STANDING}


def test_english_is_searched_in_english_whatever_the_other_editions():
    translate("es")
    translate("de")

    assert set(found("kickback", "en")) == {QUADRUPED, STANDING}
    assert found("puente", "en") == []
    assert found("Beckenheben", "en") == []


def test_words_in_two_languages_must_all_be_in_the_requested_one():
    translate("es")

    # "puente" is Spanish, "bridge" English: no exercise holds both in Spanish.
    assert found("puente bridge", "es") == []
    assert set(found("puente fitball", "es")) == {BALL_CURL}


# SQLite: every word as a substring of the requested language's texts.


@sqlite_search
def test_sqlite_orders_matches_by_their_name_in_the_requested_language():
    translate("es")

    # "Extensión de cadera boca abajo sobre fitball" before "Puente de glúteos y curl
    # femoral con fitball"; in English, "Stability ball bridge..." comes first.
    assert found("fitball", "es") == [BALL_PRONE, BALL_CURL]


@sqlite_search
def test_sqlite_matches_accents_as_typed():
    """Documented in the filter's help text: accents count on SQLite."""
    translate("es")

    assert found("balón", "es") == [BALL_PRONE]
    assert found("balon", "es") == []


# PostgreSQL: the language's stemming, accents ignored, ranking.


@postgresql_search
@pytest.mark.parametrize(
    "text",
    [
        "puente glúteo",  # as written, accent and all
        "puente gluteo",  # without the accent
        "PUENTE GLÚTEOS",
        "puénte",  # an accent the text does not have
    ],
)
def test_spanish_search_ignores_accents_both_ways(text):
    translate("es")

    assert set(found(text, "es")) == {GLUTE_BRIDGES, BALL_CURL}


@postgresql_search
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("balón", {BALL_PRONE}),
        ("balon", {BALL_PRONE}),
        ("pélvis", {GLUTE_BRIDGES, HIP_THRUST, BALL_CURL}),  # the texts say "pelvis"
        # The Spanish stemmer folds á, é, í, ó and ú itself; ñ (and ü) only unaccent.
        ("añadir", {BALL_CURL}),
        ("anadir", {BALL_CURL}),
    ],
)
def test_spanish_accents_are_ignored_in_summaries_and_steps_too(text, expected):
    translate("es")

    assert set(found(text, "es")) == expected


@postgresql_search
def test_english_search_ignores_accents_too():
    # The English stemmer keeps accents: unaccent removes them from query and text.
    assert set(found("stabílity báll", "en")) == {BALL_CURL, BALL_PRONE}


@postgresql_search
def test_spanish_search_stems_as_spanish():
    translate("es")

    # "lento" and the steps' "lentamente" share the Spanish stem "lent"; English
    # stemming keeps them apart.
    assert set(found("lento", "es")) == {BALL_CURL, BALL_PRONE}
    assert set(found("puentes", "es")) == {GLUTE_BRIDGES, BALL_CURL}


@postgresql_search
def test_spanish_search_ranks_name_matches_first():
    translate("es")

    # "Subidas al cajón" by name, aliases, summary and steps; a step of the standing
    # kickbacks ("una encimera o un cajón").
    assert found("cajon", "es") == [STEPUPS, STANDING]


@postgresql_search
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brücke", {GLUTE_BRIDGES}),
        ("brucke", {GLUTE_BRIDGES}),
        ("Vierfüßlerstand", {QUADRUPED}),
        ("vierfusslerstand", {QUADRUPED}),  # ß is ss without accents
    ],
)
def test_german_search_ignores_umlauts_and_eszett(text, expected):
    translate("de")

    assert set(found(text, "de")) == expected


@postgresql_search
def test_german_search_stems_as_german_and_ranks_names_first():
    translate("de")

    # "gestreckt" and "gestreckten" share the German stem.
    assert set(found("gestreckt", "de")) == {HIP_THRUST, BALL_CURL, BALL_PRONE}
    # In the name and alias of the prone hip extension, the summary or steps of others.
    matches = found("Hüftstreckung", "de")
    assert set(matches) == {GLUTE_BRIDGES, HIP_THRUST, STEPUPS, BALL_CURL, BALL_PRONE}
    assert matches[0] == BALL_PRONE


def test_every_language_has_a_text_search_configuration():
    # Without one a language would be searched with "simple": no stemming at all.
    assert {code for code, _ in settings.LANGUAGES} <= set(settings.SEARCH_CONFIGS)


@postgresql_search
def test_every_language_has_a_text_search_configuration_postgresql_knows():
    configurations = [settings.SEARCH_CONFIGS[code] for code, _ in settings.LANGUAGES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cfgname FROM pg_ts_config WHERE cfgname = ANY(%s)", [configurations]
        )
        known = {name for (name,) in cursor.fetchall()}
    assert known == set(configurations)


# Over HTTP: the language negotiated, the count cached per language.


@pytest.fixture
def _no_response_cache(settings):
    # Every request renders, so that only the count cache can save a query.
    settings.API_RESPONSE_CACHE_TIMEOUT = 0


def slugs(response):
    assert response.status_code == 200, response.content
    return {exercise["slug"] for exercise in response.json()["results"]}


def test_search_over_http_in_the_language_asked_for(api_client):
    translate("es")

    by_parameter = api_client.get("/api/exercises?search=fitball&lang=es")
    by_header = api_client.get(
        "/api/exercises?search=fitball", HTTP_ACCEPT_LANGUAGE="es"
    )

    assert slugs(by_parameter) == slugs(by_header) == {BALL_CURL, BALL_PRONE}
    assert slugs(api_client.get("/api/exercises?search=fitball")) == set()


@pytest.mark.usefixtures("_no_response_cache")
def test_a_search_in_each_language_has_its_own_cached_count(
    api_client, django_assert_num_queries
):
    translate("es")

    def count(query):
        return api_client.get(f"/api/exercises?search=hip&{query}").json()["count"]

    # Count, then the page (tests/exercises/test_api.py's EXERCISE_LIST_QUERIES): a
    # search in Spanish costs what one in English does. "Hip thrust" is in two
    # Spanish names; "hip" in every English text but the standing kickbacks'.
    with django_assert_num_queries(2):
        assert count("lang=es") == 2
    with django_assert_num_queries(2):
        assert count("lang=en") == 7
    # Another page size: the page is read, the count comes from the cache.
    with django_assert_num_queries(1):
        assert count("lang=es&page_size=1") == 2
    with django_assert_num_queries(1):
        assert count("lang=en&page_size=1") == 7
