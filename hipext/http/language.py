"""The language of a public answer: ``?lang=`` when given, else ``Accept-Language``.

Every public answer (``/api``, ``/embed``) is in one of the supported languages
(``settings.LANGUAGES``): the one ``?lang=`` names (embeds and shared links need a
language in the URL), else the best of ``Accept-Language`` by its quality values
(``es-MX`` is served ``es``; ``q=0`` refuses one), else English, the source language.
An unsupported ``lang`` is a 400 that names the supported ones; an unsupported header
falls back to English. The answer says ``Content-Language``; one that negotiated on the
header carries ``Vary: Accept-Language`` (an explicit ``lang`` makes the URL alone
decide). The language is active (``django.utils.translation``) while the view runs, so
everything below reads it: the documents and the response cache
(hipext.http.cachekeys), the count cache, generated text (gettext), the content's
translated fields (django-modeltranslation).
"""

from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from hipext.api.params import BLANK
from hipext.api.problems import ProblemResponse
from hipext.content.languages import LANG_PARAM, source_language
from hipext.content.languages import content_languages as supported_languages

from .paths import is_public_path


class UnsupportedLanguage(ValueError):
    """A ``lang`` value that names no supported language."""


def language_from_param(values):
    """The language ``?lang=`` names (its values as given), or None if absent.

    Language tags are case-insensitive (RFC 5646): ``ES`` is ``es``. A region or any
    other subtag is not accepted here: an explicit choice must name what is served.
    """
    if not values:
        return None
    supported = supported_languages()
    # The messages every parameter gives (hipext.api.params), then the choices.
    if len(values) > 1:
        raise UnsupportedLanguage(
            f"Given more than once; {LANG_PARAM!r} takes one value."
        )
    if not values[0].strip(BLANK):
        raise UnsupportedLanguage(
            f"Must not be empty; leave {LANG_PARAM!r} out to not use it."
        )
    code = values[0].lower()
    if code not in supported:
        raise UnsupportedLanguage(
            f"{values[0]!r:.40} is not a supported language; use one of: "
            f"{', '.join(supported)}."
        )
    return code


def language_from_header(header):
    """The best supported language of an ``Accept-Language`` value; English if none."""
    supported = supported_languages()
    # Ordered by quality, highest first; a malformed header gives nothing.
    for tag, quality in parse_accept_lang_header(header or ""):
        if quality <= 0:
            break
        if tag == "*":
            return source_language()
        primary = tag.split("-", 1)[0]
        if tag in supported:
            return tag
        if primary in supported:
            return primary
    return source_language()


def request_language(request):
    """``(language, negotiated)``: the request's language, and whether the header chose it.

    Raises UnsupportedLanguage for a ``lang`` that names no supported language.
    """
    chosen = language_from_param(request.GET.getlist(LANG_PARAM))
    if chosen is not None:
        return chosen, False
    return language_from_header(request.headers.get("accept-language")), True


class LanguageMiddleware:
    """Chooses each public request's language and says which one the answer is in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_path(request.path_info):
            return self.get_response(request)
        try:
            language, negotiated = request_language(request)
        except UnsupportedLanguage as error:
            response = ProblemResponse(
                400,
                f"{LANG_PARAM}: {error}",
                title="Invalid request",
                errors={LANG_PARAM: [str(error)]},
                instance=request.get_full_path(),
            )
            language, negotiated = source_language(), False
        else:
            request.LANGUAGE_CODE = language
            with translation.override(language):
                response = self.get_response(request)
        # A view answering in another language than the request's says so itself
        # (oEmbed of a card whose url names its language).
        response.headers.setdefault("Content-Language", language)
        if negotiated:
            patch_vary_headers(response, ["Accept-Language"])
        return response
