"""The admin of project-wide models editors change: the editions' review status."""

from django.contrib import admin

from .models import Edition


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Whether a native-speaking editor has checked each language's edition; the seed
    loads it from the edition file and leaves an editor's change alone."""

    list_display = ("language", "reviewed", "updated_at")
    list_filter = ("reviewed",)
    fields = ("language", "reviewed", "note")
    ordering = ("language",)

    def get_readonly_fields(self, request, obj=None):
        # A language is an edition's identity: the seed and /api/languages key on it.
        return ("language",) if obj else ()
