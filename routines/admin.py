from adminsortable2.admin import SortableAdminBase
from django.contrib import admin
from django.core.exceptions import ValidationError

from exercises.dose import DOSE_FIELDS
from hipext.content import history
from hipext.content.admin import (
    PUBLICATION_FIELDSET,
    DocumentsFlushedAdminMixin,
    OrderedInlineFormSet,
    OrderedInlineSaveMixin,
    OrderedTabularInline,
    PublicationAdminMixin,
    RevisionCheckedAdminMixin,
)
from hipext.content.historyadmin import HistoryAdminMixin
from hipext.content.translationadmin import TranslatedAdmin, TranslatedTabularInline

from .models import MAX_ITEMS, MIN_ITEMS, Routine, RoutineItem
from .services import routine_items_check


def routine_check(routine):
    """The article's rules on a routine's items, for a revert as for a save."""
    routine_items_check(
        difficulty=routine.difficulty,
        exercises=[item.exercise for item in routine.items.order_by("position")],
    )


history.register(Routine, follow=["items"], check=routine_check)
history.register(RoutineItem)


class RoutineItemFormSet(OrderedInlineFormSet):
    """Checks the kept items against the article's guidance, as the seed does."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        # A new row without a position goes last, as it will be saved.
        kept.sort(key=lambda data: (data["position"] is None, data["position"] or 0))
        exercises = [data["exercise"] for data in kept]
        try:
            routine_items_check(
                difficulty=self.instance.difficulty, exercises=exercises
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class RoutineItemInline(OrderedTabularInline, TranslatedTabularInline):
    model = RoutineItem
    formset = RoutineItemFormSet
    min_num = MIN_ITEMS
    max_num = MAX_ITEMS
    ordering = ["position"]
    autocomplete_fields = ["exercise"]
    fields = ["exercise", *DOSE_FIELDS, "rest_seconds", "note"]


@admin.register(Routine)
class RoutineAdmin(
    PublicationAdminMixin,
    DocumentsFlushedAdminMixin,
    HistoryAdminMixin,
    RevisionCheckedAdminMixin,
    OrderedInlineSaveMixin,
    SortableAdminBase,
    TranslatedAdmin,
):
    list_display = ["name", "difficulty", "updated_at"]
    list_filter = [
        "difficulty",
        ("items__exercise", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "slug", "summary", "goal"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [RoutineItemInline]
    ordered_inline_models = (RoutineItem,)
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "summary",
                    "goal",
                    "difficulty",
                    "uuid",
                    "base_revision",
                ]
            },
        ),
        PUBLICATION_FIELDSET,
        ("Guidance", {"fields": ["warm_up", "notes"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
