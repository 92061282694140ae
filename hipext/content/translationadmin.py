"""The admin of translated content: each language's texts grouped, and what is missing.

Translated texts are edited in their columns (django-modeltranslation's admin): the
source language's (English) where the field stood before, required where the field
is; each other language's in a fieldset of its own (in a tabular inline, in columns
after the row's English ones), optional: a text left empty falls back to English.
Fieldsets rather than modeltranslation's tabs: its tabs need jQuery UI, which the
admin does not ship and which would have to come from a CDN.
"""

from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.utils import build_localized_fieldname

from .languages import content_languages, source_language, translated_fields

TRANSLATIONS_HELP = (
    "Left empty, a text falls back to English, and apps are told it did."
)


def other_languages():
    """The supported languages besides the source one, in the settings' order."""
    return [code for code in content_languages() if code != source_language()]


def language_name(code):
    return f"{dict(settings.LANGUAGES)[code]} ({code})"


def _column_language(model, name):
    """The language of ``model``'s translation column ``name``; None for any other."""
    if not isinstance(name, str):
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return (
        getattr(field, "language", None) if hasattr(field, "translated_field") else None
    )


def fields_by_language(model, names):
    """``(kept, moved)``: ``names`` without the other languages' columns, and those
    columns by language (``{"es": [...], "de": [...]}``), each in the given order."""
    kept, moved = [], {code: [] for code in other_languages()}
    for entry in names:
        if isinstance(entry, list | tuple):  # fields shown on one line
            line, more = fields_by_language(model, entry)
            if line:
                kept.append(tuple(line) if len(line) > 1 else line[0])
            for code, columns in more.items():
                moved[code] += columns
            continue
        language = _column_language(model, entry)
        if language in moved:
            moved[language].append(entry)
        else:
            kept.append(entry)
    return kept, moved


def language_fieldsets(model, fieldsets):
    """``fieldsets`` (their translated fields already split into columns) with each
    language but the source one gathered into a collapsed fieldset of its own, last."""
    grouped, moved = [], {code: [] for code in other_languages()}
    for title, options in fieldsets:
        kept, more = fields_by_language(model, options.get("fields", ()))
        for code, columns in more.items():
            moved[code] += columns
        if kept:
            grouped.append((title, {**options, "fields": kept}))
    for code, columns in moved.items():
        if columns:
            grouped.append(
                (
                    language_name(code),
                    {
                        "fields": columns,
                        "classes": ["collapse", f"translations-{code}"],
                        "description": TRANSLATIONS_HELP,
                    },
                )
            )
    return grouped


def missing_translation_q(model, language):
    """Rows of ``model`` with a translated text empty in ``language`` but not in the
    source language (the texts that fall back to English, as
    ``hipext.content.languages.untranslated`` says of one object)."""
    conditions = []
    for name in translated_fields(model):
        local = build_localized_fieldname(name, language)
        source = build_localized_fieldname(name, source_language())
        empty = Q(**{f"{local}__isnull": True}) | Q(**{local: ""})
        given = Q(**{f"{source}__isnull": False}) & ~Q(**{source: ""})
        conditions.append(empty & given)
    return reduce(or_, conditions) if conditions else Q(pk__in=[])


def _parent_key(inline, parent_model):
    """The foreign key joining the inline's rows to the object of the page."""
    return next(
        f
        for f in inline.model._meta.concrete_fields
        if f.is_relation
        and f.related_model is parent_model
        and inline.fk_name in (None, f.name)
    )


class MissingTranslationFilter(admin.SimpleListFilter):
    """Objects with a text not translated into a language, on the page or in the
    rows of its translated inlines (an exercise with one untranslated step)."""

    title = "missing translation"
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in other_languages()]

    def queryset(self, request, queryset):
        language = self.value()
        if language is None:
            return queryset
        if language not in other_languages():
            raise IncorrectLookupParameters(f"No language {language!r} to filter on.")
        model_admin = self.model_admin
        conditions = [missing_translation_q(queryset.model, language)]
        for inline in model_admin.inlines:
            if not translated_fields(inline.model):
                continue
            key = _parent_key(inline, queryset.model)
            children = inline.model._base_manager.filter(
                missing_translation_q(inline.model, language)
            )
            conditions.append(Q(pk__in=children.values(key.attname)))
        return queryset.filter(reduce(or_, conditions))

    def __init__(self, request, params, model, model_admin):
        # Kept: queryset() needs the admin's inlines.
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)


class TranslatedAdmin(TranslationAdmin):
    """The base of a content ModelAdmin whose model has translated texts.

    Declare ``fieldsets`` (or ``fields``) with the field names as the model has them
    (``name``): each becomes its columns, grouped as the module says. Searches match
    every language; the changelist filters on missing translations.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The admin's mixins pass ``change`` by position; modeltranslation takes it
        # as a keyword only.
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return language_fieldsets(self.model, super().get_fieldsets(request, obj))

    def get_search_fields(self, request):
        translated = set(translated_fields(self.model))
        searched = []
        for name in super().get_search_fields(request):
            if name in translated:
                searched += [
                    build_localized_fieldname(name, code)
                    for code in content_languages()
                ]
            else:
                searched.append(name)
        return searched

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), MissingTranslationFilter]


class TranslatedTabularInline(TranslationTabularInline):
    """A tabular inline of rows with translated texts: the row's language-neutral
    fields and English texts first, then each other language's columns together."""

    extra = 0

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for title, options in super().get_fieldsets(request, obj):
            kept, moved = fields_by_language(self.model, options.get("fields", ()))
            columns = kept + [name for code in moved for name in moved[code]]
            fieldsets.append((title, {**options, "fields": columns}))
        return fieldsets
