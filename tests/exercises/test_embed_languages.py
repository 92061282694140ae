"""The embed card and the muscle diagram in the request's language, and validators
and caches that never let one language answer for another (oEmbed:
test_oembed_languages.py). ``translated``: tests/exercises/conftest.py."""

import base64
import hashlib
import re
import xml.etree.ElementTree as ET

import pytest

from tests.exercises.conftest import edition
from tests.exercises.test_embed import Elements

CARD = "/embed/exercises/glute-bridges"
CARD_URL = "http://testserver" + CARD
DIAGRAM = "/api/exercises/glute-bridges/diagram.svg"
SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def texts(html, tag, css_class=None):
    """The texts of the ``<li>`` items of the list ``<tag class=css_class>``."""
    block = re.search(rf'<{tag} class="{css_class}">(.*?)</{tag}>', html, re.S)[1]
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def steps_of(language, slug="glute-bridges"):
    return [
        " ".join(step.split()) for step in edition(language)["exercises"][slug]["steps"]
    ]


# The card -------------------------------------------------------------------------


def test_spanish_card_shows_the_spanish_texts_and_words(client, translated):
    response = client.get(CARD, {"lang": "es"})

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    # The URL alone chose the language: caches need not vary on the header.
    assert "Accept-Language" not in response.get("Vary", "")
    assert html.startswith('<!DOCTYPE html>\n<html lang="es">')
    assert "<title>Puente de glúteos – hipext</title>" in html
    assert "<h1>Puente de glúteos</h1>" in html
    assert texts(html, "ol", "steps") == steps_of("es")
    assert "<h2>Pasos</h2>" in html
    assert '<p class="dose">2–3 series de 8–12 repeticiones' in html
    assert "<li>Mancuerna <span" in html
    assert 'Glúteo mayor <span class="role">· glúteos</span>' in html
    assert "El artículo sugiere probar el puente de glúteos" in html
    for english in ("Lie on your back", "Gluteus maximus", "Dumbbell", "Steps"):
        assert english not in html


def test_german_card_by_accept_language_says_it_varies(client, translated):
    response = client.get(CARD, HTTP_ACCEPT_LANGUAGE="de-CH, en;q=0.8")

    html = response.content.decode()
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
    assert html.startswith('<!DOCTYPE html>\n<html lang="de">')
    assert "<h1>Glute Bridge</h1>" in html
    assert texts(html, "ol", "steps") == steps_of("de")
    assert '<span class="badge">Einsteiger</span>' in html


def test_links_inside_a_spanish_card_keep_the_language(client, translated):
    html = client.get(CARD, {"lang": "es"}).content.decode()
    elements = Elements(html)

    [variation] = [a["href"] for a in elements.all("a") if "/hip-thrust" in a["href"]]
    assert variation == "/embed/exercises/hip-thrust?lang=es"
    assert (
        client.get(variation)
        .content.decode()
        .startswith('<!DOCTYPE html>\n<html lang="es">')
    )
    [image] = elements.all("img")
    assert image["src"] == DIAGRAM + "?lang=es"
    links = {link["rel"]: link["href"] for link in elements.all("link")}
    assert links["canonical"] == CARD_URL + "?lang=es"
    # Discovery gives the Spanish card's oEmbed, itself in Spanish.
    oembed = client.get(links["alternate"])
    assert oembed.json()["title"] == "Puente de glúteos"
    assert (
        'src="http://testserver/embed/exercises/glute-bridges?lang=es"'
        in (oembed.json()["html"])
    )


def test_links_of_a_compact_spanish_card_keep_layout_and_language(client, translated):
    html = client.get(CARD, {"lang": "es", "layout": "compact"}).content.decode()

    links = {link["rel"]: link["href"] for link in Elements(html).all("link")}
    assert links["canonical"] == CARD_URL + "?layout=compact&lang=es"


def test_an_english_card_names_no_language_in_its_links_but_its_diagrams(
    client, translated
):
    # Asked for in English by a reader whose browser prefers German: the image is
    # part of the card, so it names English; the links, as the API's, do not.
    html = client.get(CARD, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    elements = Elements(html)

    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert [image["src"] for image in elements.all("img")] == [DIAGRAM + "?lang=en"]
    assert "/embed/exercises/hip-thrust" in [a["href"] for a in elements.all("a")]


@pytest.mark.parametrize("language", ["es", "de"])
def test_a_localized_cards_script_is_the_one_its_policy_allows(
    client, translated, language
):
    response = client.get(CARD, {"lang": language})

    script = re.search(r"<script>(.*?)</script>", response.content.decode(), re.S)[1]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("lang=fr", "en, es, de"),
        ("lang=es-MX", "en, es, de"),
        ("layout=compact&lang=xx", "en, es, de"),
        ("lang=", "Must not be empty"),
        ("lang=es&lang=de", "Given more than once"),
    ],
)
def test_an_unsupported_language_on_a_card_is_a_400_problem(
    client, translated, query, message
):
    response = client.get(f"{CARD}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert list(problem["errors"]) == ["lang"]
    assert message in problem["detail"]
    assert problem["instance"] == f"{CARD}?{query}"


def test_the_card_takes_as_many_queries_in_every_language(
    client, translated, django_assert_num_queries
):
    client.get(CARD)  # what middleware reads once per process, out of the count
    for language in ("en", "es", "de"):
        with django_assert_num_queries(6):
            client.get(CARD, {"lang": language})


# Validators and caches: a language never answers for another ---------------------


def test_each_language_has_its_own_etag_and_no_304_crosses_languages(
    client, translated
):
    english = client.get(CARD)
    spanish = client.get(CARD, {"lang": "es"})
    german = client.get(CARD, HTTP_ACCEPT_LANGUAGE="de")
    etags = [english["ETag"], spanish["ETag"], german["ETag"]]
    assert len(set(etags)) == 3

    # A cache holding the English card revalidates it for a Spanish reader.
    for header in ({"HTTP_ACCEPT_LANGUAGE": "es"}, {}):
        query = {} if header else {"lang": "es"}
        answer = client.get(CARD, query, HTTP_IF_NONE_MATCH=english["ETag"], **header)
        assert answer.status_code == 200
        assert answer.content == spanish.content
        assert answer["Content-Language"] == "es"
    # All stored variants at once (RFC 9111 4.3.1): the 304 names the Spanish one.
    answer = client.get(
        CARD, HTTP_IF_NONE_MATCH=", ".join(etags), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert answer.status_code == 304
    assert answer["ETag"] == spanish["ETag"]
    assert answer["Content-Language"] == "es"
    assert "Accept-Language" in answer["Vary"]


def test_a_304_on_the_date_alone_names_the_language_it_stands_for(client, translated):
    english = client.get(CARD)

    answer = client.get(
        CARD,
        HTTP_IF_MODIFIED_SINCE=english["Last-Modified"],
        HTTP_ACCEPT_LANGUAGE="de",
    )

    # Same content version, so not modified; but it carries the German card's
    # validator and language, and varies on the header, so no cache can take it
    # for the English one it holds.
    assert answer.status_code == 304
    assert answer["ETag"] == client.get(CARD, {"lang": "de"})["ETag"]
    assert answer["ETag"] != english["ETag"]
    assert answer["Content-Language"] == "de"
    assert "Accept-Language" in answer["Vary"]


def test_compressed_cards_keep_one_etag_per_language(client, translated):
    gzip = {"HTTP_ACCEPT_ENCODING": "gzip"}
    english = client.get(CARD, **gzip)
    spanish = client.get(CARD, {"lang": "es"}, **gzip)

    assert english["Content-Encoding"] == spanish["Content-Encoding"] == "gzip"
    assert english["ETag"] != spanish["ETag"]
    answer = client.get(
        CARD, {"lang": "es"}, HTTP_IF_NONE_MATCH=english["ETag"], **gzip
    )
    assert answer.status_code == 200


def test_the_diagram_is_cached_per_language(client, translated):
    english = client.get(DIAGRAM)
    # The response cache holds the English diagram now; a Spanish reader of the same
    # URL (by header) gets a Spanish one, and its own validator.
    spanish = client.get(DIAGRAM, HTTP_ACCEPT_LANGUAGE="es")
    again = client.get(DIAGRAM, HTTP_ACCEPT_LANGUAGE="es")
    revalidated = client.get(
        DIAGRAM, HTTP_ACCEPT_LANGUAGE="es", HTTP_IF_NONE_MATCH=english["ETag"]
    )

    assert b'lang="en"' in english.content
    assert b'lang="es"' in spanish.content
    assert again.content == spanish.content
    assert spanish["ETag"] != english["ETag"]
    assert revalidated.status_code == 200
    assert revalidated.content == spanish.content
    assert spanish["Content-Language"] == "es"
    assert "Accept-Language" in spanish["Vary"]


# The diagram -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "legend", "region"),
    [
        (
            "es",
            "Músculos trabajados: Puente de glúteos",
            "Principal: Glúteo mayor",
            "Glúteo mayor: principal",
        ),
        (
            "de",
            "Beanspruchte Muskeln: Glute Bridge",
            "Primär: Großer Gesäßmuskel (Gluteus maximus)",
            "Großer Gesäßmuskel (Gluteus maximus): primär",
        ),
    ],
)
def test_diagram_speaks_the_language_asked_for(
    client, translated, language, title, legend, region
):
    response = client.get(DIAGRAM, {"lang": language})

    root = ET.fromstring(response.content)
    assert response["Content-Language"] == language
    assert root.get("lang") == root.get(XML_LANG) == language
    assert root.find(f"{SVG}title").text == title
    legend_lines = [
        element.text
        for element in root.iter(f"{SVG}text")
        if element.get("data-legend")
    ]
    assert legend_lines[0] == legend
    labels = {
        group.get("data-muscle"): group.get("aria-label")
        for group in root.iter(f"{SVG}g")
        if group.get("data-muscle")
    }
    assert labels["gluteus-maximus"] == region
    words = response.content.decode()
    for english in ("Muscles worked", "Primary", '"Legend"', "Back view", "not worked"):
        assert english not in words


def test_an_english_diagram_says_so(client, translated):
    root = ET.fromstring(client.get(DIAGRAM).content)

    assert root.get("lang") == root.get(XML_LANG) == "en"
    assert root.find(f"{SVG}title").text == "Muscles worked: Glute bridges"


def test_diagram_takes_as_many_queries_in_every_language(
    client, translated, django_assert_num_queries
):
    client.get("/api/exercises/stepups/diagram.svg")
    for language in ("es", "de"):
        with django_assert_num_queries(3):
            client.get(DIAGRAM, {"lang": language})
