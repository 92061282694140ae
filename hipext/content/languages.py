"""The languages content is published in, and what of it is translated.

The supported languages are ``settings.LANGUAGES``, English (``LANGUAGE_CODE``) first:
the source language and every text's fallback. Translated texts live in one column per
language (django-modeltranslation; each app's ``translation.py`` names its fields);
reading a field gives the active language's text, or English where that is empty.
This module knows no app: it reads modeltranslation's registry.
"""

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

# The query parameter naming a language (read by hipext.http.language, kept by links).
LANG_PARAM = "lang"


def content_languages():
    """The supported language codes, the source language first."""
    return [code for code, _ in settings.LANGUAGES]


def source_language():
    return settings.LANGUAGE_CODE


def active_language():
    """The active language if supported (``es-mx`` is ``es``), else the source one."""
    language = (translation.get_language() or "").lower()
    supported = content_languages()
    if language in supported:
        return language
    primary = language.split("-", 1)[0]
    return primary if primary in supported else source_language()


def translated_fields(model):
    """The names of ``model``'s translated fields (empty if it has none)."""
    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def untranslated(obj, language, fields=None):
    """Those of ``obj``'s translated ``fields`` (all by default) that fall back to
    English in ``language``: empty there while the English text is not."""
    if language == source_language():
        return []
    names = translated_fields(type(obj)) if fields is None else fields
    return [
        name
        for name in names
        if not getattr(obj, build_localized_fieldname(name, language))
        and getattr(obj, build_localized_fieldname(name, source_language()))
    ]


def translated_text(field, language=None):
    """An expression of ``field``'s text in ``language`` (the active one by default),
    or English where that is empty: reading the field, done in SQL.

    ``field`` may span relations (``exercise__name``). Filters on a translated field
    read the active language's column alone (modeltranslation rewrites ``name`` to
    ``name_es``), which finds nothing where a text is not translated yet.
    """
    language = language or active_language()
    source = F(build_localized_fieldname(field, source_language()))
    if language == source_language():
        return source
    # Untranslated texts are NULL or "", depending on the field's empty value.
    translated = NullIf(F(build_localized_fieldname(field, language)), Value(""))
    # Each language's column has a field class of its own: say what the text is.
    return Coalesce(translated, source, output_field=TextField())


def search_config(language=None):
    """PostgreSQL's text search configuration for ``language`` (the active one)."""
    return settings.SEARCH_CONFIGS.get(language or active_language(), "simple")
