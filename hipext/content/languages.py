"""The languages content is published in, and what of it is translated.

The supported languages are ``settings.LANGUAGES``, English (``LANGUAGE_CODE``) first:
the source language and every text's fallback. Translated texts live in one column per
language (django-modeltranslation; each app's ``translation.py`` names its fields);
reading a field gives the active language's text, or English where that is empty.
This module knows no app: it reads modeltranslation's registry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .publication import PublishableModel

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


def _has_text(column):
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def _published(model):
    """``model``'s rows that published content shows: a publishable model's published
    ones, a child's (the publishable model it is deleted with) those of published
    parents, every row of a model with no publication (muscles, equipment)."""
    if issubclass(model, PublishableModel):
        return model.objects.published()
    for field in model._meta.concrete_fields:
        remote = field.related_model
        if (
            isinstance(field, models.ForeignKey)
            and field.remote_field.on_delete is models.CASCADE
            and issubclass(remote, PublishableModel)
        ):
            return model.objects.filter(
                **{f"{field.name}__in": remote.objects.published()}
            )
    return model.objects.all()


def translation_coverage():
    """Per supported language, (texts, translated): the translatable texts of published
    content (one per field of an object with English text) and how many of them the
    language has. One query per translated model, whatever the number of languages."""
    source = source_language()
    languages = content_languages()
    totals = dict.fromkeys(languages, (0, 0))
    for model in translator.get_registered_models(abstract=False):
        counts = {}
        for name in translated_fields(model):
            english = _has_text(build_localized_fieldname(name, source))
            counts[f"{name}__texts"] = Count("pk", filter=english)
            for language in languages:
                column = build_localized_fieldname(name, language)
                counts[f"{name}__{language}"] = Count(
                    "pk", filter=english & _has_text(column)
                )
        if not counts:
            continue
        found = _published(model).order_by().aggregate(**counts)
        for language in languages:
            texts, translated = totals[language]
            for name in translated_fields(model):
                texts += found[f"{name}__texts"]
                translated += found[f"{name}__{language}"]
            totals[language] = (texts, translated)
    return totals


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
