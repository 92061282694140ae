from adminsortable2.admin import SortableAdminBase
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.safestring import mark_safe

from hipext.content import history
from hipext.content.admin import (
    PUBLICATION_FIELDSET,
    DocumentsFlushedAdminMixin,
    OrderedInlineSaveMixin,
    OrderedTabularInline,
    PublicationAdminMixin,
    RevisionCheckedAdminMixin,
)
from hipext.content.historyadmin import HistoryAdminMixin
from hipext.content.translationadmin import TranslatedAdmin, TranslatedTabularInline

from .diagrams import exercise_diagram_svg
from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseEquipmentAlternative,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)

# Every save of these is a revision; an exercise's holds its children too.
history.register(Muscle)
history.register(Equipment)
history.register(Guideline)
history.register(
    Exercise, follow=["steps", "muscle_links", "equipment_links", "variations"]
)
history.register(ExerciseStep)
history.register(ExerciseMuscle)
history.register(ExerciseEquipment, follow=["exerciseequipmentalternative_set"])
history.register(ExerciseEquipmentAlternative)
history.register(Variation)


class ExerciseStepInline(OrderedTabularInline, TranslatedTabularInline):
    model = ExerciseStep
    fields = ["text"]
    ordering = ["position"]
    formfield_overrides = {
        # Narrow enough for a step in each language side by side.
        ExerciseStep._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 3, "cols": 40})
        }
    }


class ExerciseMuscleInline(admin.TabularInline):
    model = ExerciseMuscle
    extra = 0
    autocomplete_fields = ["muscle"]


class ExerciseEquipmentForm(forms.ModelForm):
    class Meta:
        model = ExerciseEquipment
        fields = ["equipment", "requirement", "alternatives", "note"]

    def clean(self):
        cleaned = super().clean()
        equipment = cleaned.get("equipment")
        alternatives = cleaned.get("alternatives") or []
        if equipment is not None and equipment in alternatives:
            raise forms.ValidationError(
                {
                    "alternatives": f"{equipment} is the item itself, not its alternative."
                }
            )
        return cleaned


class ExerciseEquipmentInline(TranslatedTabularInline):
    model = ExerciseEquipment
    form = ExerciseEquipmentForm
    extra = 0
    autocomplete_fields = ["equipment", "alternatives"]

    class Media:
        # After django.jQuery, which the autocomplete brings (listed so the merge
        # of the page's media keeps that order).
        js = [
            f"admin/js/vendor/jquery/jquery{'' if settings.DEBUG else '.min'}.js",
            "admin/js/jquery.init.js",
            "hipext/admin/alternatives.js",
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "alternatives":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        # The admin leaves out a many-to-many with a through model of its own; this
        # one's has nothing to fill in (it only protects the equipment from deletion),
        # so the plain field still edits it, with a search instead of a long list.
        db = kwargs.get("using")
        kwargs.setdefault("queryset", self.get_field_queryset(db, db_field, request))
        kwargs["widget"] = AutocompleteSelectMultiple(
            db_field, self.admin_site, using=db
        )
        return db_field.formfield(**kwargs)


class VariationInline(TranslatedTabularInline):
    model = Variation
    fk_name = "exercise"
    fields = ["name", "kind", "variant", "note"]


@admin.register(Exercise)
class ExerciseAdmin(
    PublicationAdminMixin,
    DocumentsFlushedAdminMixin,
    HistoryAdminMixin,
    RevisionCheckedAdminMixin,
    OrderedInlineSaveMixin,
    SortableAdminBase,
    TranslatedAdmin,
):
    list_display = ["name", "difficulty", "position", "laterality", "updated_at"]
    list_filter = [
        "difficulty",
        "position",
        "laterality",
        ("equipment_links__equipment", admin.RelatedOnlyFieldListFilter),
        ("muscle_links__muscle", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "slug", "aliases", "editorial_aliases"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ["uuid", "created_at", "updated_at", "diagram"]
    preview_card_view = "exercise-card-preview"
    inlines = [
        ExerciseStepInline,
        ExerciseMuscleInline,
        ExerciseEquipmentInline,
        VariationInline,
    ]
    ordered_inline_models = (ExerciseStep,)
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "aliases",
                    "editorial_aliases",
                    "summary",
                    "uuid",
                    "base_revision",
                ]
            },
        ),
        PUBLICATION_FIELDSET,
        (
            "How it is done",
            {"fields": ["difficulty", "difficulty_basis", "position", "laterality"]},
        ),
        (
            "Dose",
            {
                "fields": [
                    ("sets_min", "sets_max"),
                    ("reps_min", "reps_max"),
                    "per_side",
                    "hold_seconds",
                ]
            },
        ),
        ("Advice", {"fields": ["tips", "cautions"]}),
        ("Source", {"fields": ["source", "source_number", "created_at", "updated_at"]}),
        ("Muscle diagram", {"fields": ["diagram"]}),
    ]

    @admin.display(description="Diagram")
    def diagram(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once the exercise is saved."
        # Inline rather than an <img>, so a save shows at once, never a cached image.
        return mark_safe(exercise_diagram_svg(obj))  # every name in it is escaped


@admin.register(Muscle)
class MuscleAdmin(DocumentsFlushedAdminMixin, HistoryAdminMixin, TranslatedAdmin):
    list_display = ["name", "slug", "group", "hip_role"]
    list_filter = ["hip_role", ("group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["group"]
    fields = ["name", "slug", "group", "hip_role", "description"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Equipment)
class EquipmentAdmin(DocumentsFlushedAdminMixin, HistoryAdminMixin, TranslatedAdmin):
    list_display = ["name", "slug"]
    fields = ["name", "slug", "description"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ("name_en",)}

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # The alternatives' autocomplete names the row's own item, never offered as
        # its own alternative (exercises' alternatives.js; the form refuses it too).
        excluded = request.GET.get("exclude", "")
        if request.GET.get("field_name") == "alternatives" and excluded.isdigit():
            queryset = queryset.exclude(pk=int(excluded))
        return queryset, may_have_duplicates


@admin.register(Guideline)
class GuidelineAdmin(
    PublicationAdminMixin,
    DocumentsFlushedAdminMixin,
    HistoryAdminMixin,
    TranslatedAdmin,
):
    list_display = ["position", "title", "slug"]
    list_display_links = ["title"]
    search_fields = ["title", "text"]
    ordering = ["position"]
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = [
        (None, {"fields": ["title", "slug", "text", "position", "source"]}),
        PUBLICATION_FIELDSET,
    ]
