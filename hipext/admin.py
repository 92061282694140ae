"""The admin of project-wide models editors change: the editions' review status."""

from django import forms
from django.contrib import admin

from .models import Edition


class EditionForm(forms.ModelForm):
    # A choice to make, not a checkbox: a post without it (a form that never showed
    # it) is refused instead of marking the edition unreviewed.
    reviewed = forms.TypedChoiceField(
        choices=[
            (True, "Reviewed by a native-speaking editor"),
            (False, "Not reviewed yet"),
        ],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Edition
        fields = ("language", "reviewed", "note")


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Whether a native-speaking editor has checked each language's edition; the seed
    loads it from the edition file and leaves an editor's change alone."""

    form = EditionForm
    list_display = ("language", "reviewed", "updated_at")
    list_filter = ("reviewed",)
    fields = ("language", "reviewed", "note")
    ordering = ("language",)

    def get_readonly_fields(self, request, obj=None):
        # A language is an edition's identity: the seed and /api/languages key on it.
        return ("language",) if obj else ()
