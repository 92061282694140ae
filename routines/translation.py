"""Which texts of the app's content are translated (django-modeltranslation).

As exercises/translation.py: one column per language for each field named here.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Routine, RoutineItem


@register(Routine)
class RoutineTranslation(TranslationOptions):
    fields = ("name", "summary", "goal", "warm_up", "notes")
    empty_values = {"name": None, "summary": "", "goal": "", "warm_up": "", "notes": ""}


@register(RoutineItem)
class RoutineItemTranslation(TranslationOptions):
    fields = ("note",)
