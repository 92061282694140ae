"""oEmbed of a card in the language its url names, its own lang, or Accept-Language,
with that language's measured height."""

import pytest
from django.urls import reverse

from exercises.embed import heights
from exercises.embed.heights import card_height

from .test_embed_languages import CARD_URL, Elements


def oembed(client, **params):
    return client.get(reverse("oembed"), params)


def iframe_of(body):
    [iframe] = Elements(body["html"]).all("iframe")
    return iframe


def test_oembed_of_a_spanish_card_url_gives_the_spanish_card(client, translated):
    response = oembed(client, url=CARD_URL + "?lang=es", maxwidth="320")

    body = response.json()
    iframe = iframe_of(body)
    assert iframe["src"] == CARD_URL + "?lang=es"
    assert body["title"] == "Puente de glúteos"
    assert iframe["title"] == "Puente de glúteos – ficha de ejercicio"
    assert response["Content-Language"] == "es"
    # Its own height: the Spanish card is longer than the English one.
    assert body["height"] == card_height("glute-bridges", "full", 320, "es")
    assert body["height"] > card_height("glute-bridges", "full", 320, "en")


def test_oembed_lang_gives_that_language(client, translated):
    body = oembed(client, url=CARD_URL + "?layout=compact", lang="de").json()

    assert iframe_of(body)["src"] == CARD_URL + "?layout=compact&lang=de"
    assert body["title"] == "Glute Bridge"
    assert body["height"] == card_height("glute-bridges", "compact", 480, "de")


def test_oembed_lang_wins_over_the_urls(client, translated):
    response = oembed(client, url=CARD_URL + "?lang=es", lang="de")

    assert iframe_of(response.json())["src"] == CARD_URL + "?lang=de"
    assert response["Content-Language"] == "de"


def test_oembed_by_accept_language_gives_that_language_and_varies(client, translated):
    response = client.get(
        reverse("oembed"), {"url": CARD_URL}, HTTP_ACCEPT_LANGUAGE="es-ES"
    )

    assert iframe_of(response.json())["src"] == CARD_URL + "?lang=es"
    assert "Accept-Language" in response["Vary"]


def test_oembed_answers_are_cached_per_language(client, translated):
    english = oembed(client, url=CARD_URL).json()
    spanish = client.get(
        reverse("oembed"), {"url": CARD_URL}, HTTP_ACCEPT_LANGUAGE="es"
    ).json()

    assert english["title"] == "Glute bridges"
    assert spanish["title"] == "Puente de glúteos"


def test_oembed_of_an_english_card_url_names_no_language(client, translated):
    body = oembed(client, url=CARD_URL + "?lang=en").json()

    assert iframe_of(body)["src"] == CARD_URL
    assert body["height"] == card_height("glute-bridges", "full", 480)


@pytest.mark.parametrize("value", ["fr", "ES-mx", ""])
def test_oembed_of_a_card_url_in_an_unsupported_language_is_400(
    client, translated, value
):
    response = oembed(client, url=f"{CARD_URL}?lang={value}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    [message] = response.json()["errors"]["url"]
    assert message.startswith("lang: ")


def test_oembed_with_an_unsupported_lang_is_400(client, translated):
    response = oembed(client, url=CARD_URL, lang="fr")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["lang"]


def test_heights_are_looked_up_per_language(monkeypatch):
    def runs(height):
        return {"full": [[200, height]], "compact": [[200, height // 2]]}

    monkeypatch.setattr(
        heights,
        "measured_heights",
        lambda: {
            "en": {"a": runs(1000), "b": runs(1200)},
            "es": {"a": runs(1100), "b": runs(1500)},
        },
    )

    assert card_height("a", "full", 300, "es") == 1100
    assert card_height("a", "compact", 300, "es") == 550
    assert card_height("a", "full", 300) == card_height("a", "full", 300, "en") == 1000
    # A card measured since: the tallest of its language.
    assert card_height("new", "full", 300, "es") == 1500
    assert card_height("new", "full", 300, "en") == 1200
    # A language never measured: English's.
    assert card_height("a", "full", 300, "de") == 1000
