"""Which texts of the app's content are translated (django-modeltranslation).

Each field named here gets one column per language of ``MODELTRANSLATION_LANGUAGES``
(``name_en``, ``name_es``, ``name_de``); reading ``name`` gives the active language's
text, or English when that one is empty (hipext.content.languages says which fields
fell back). Slugs, uuids, numbers and choices stay language-neutral; ``source`` is the
citation of the English article and stays as it is.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)


@register(Muscle)
class MuscleTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None, "description": ""}


@register(Equipment)
class EquipmentTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None, "description": ""}


@register(Exercise)
class ExerciseTranslation(TranslationOptions):
    # A name unique in English is unique in every language: an untranslated one is
    # stored as NULL, not "", so that two of them do not collide.
    fields = (
        "name",
        "aliases",
        "editorial_aliases",
        "summary",
        "difficulty_basis",
        "tips",
        "cautions",
    )
    empty_values = {
        "name": None,
        "aliases": "",
        "editorial_aliases": "",
        "summary": "",
        "difficulty_basis": "",
        "tips": "",
        "cautions": "",
    }


@register(ExerciseStep)
class ExerciseStepTranslation(TranslationOptions):
    fields = ("text",)


@register(ExerciseEquipment)
class ExerciseEquipmentTranslation(TranslationOptions):
    fields = ("note",)


@register(Variation)
class VariationTranslation(TranslationOptions):
    fields = ("name", "note")
    empty_values = {"name": None, "note": ""}


@register(Guideline)
class GuidelineTranslation(TranslationOptions):
    fields = ("title", "text")
    empty_values = {"title": None, "text": ""}
