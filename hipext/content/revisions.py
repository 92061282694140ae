"""Optimistic locking of content edited in the admin: a revision number every save bumps.

An admin change form carries the revision it was opened at; saving it while the row
holds another one means another editor saved in between, and the save is refused
(hipext.content.admin.RevisionCheckedForm) rather than silently reverting their work.
"""

from django.db import models


class RevisionedModel(models.Model):
    """A model whose every save bumps its revision."""

    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the saves; an admin form opened at an older one is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.revision += 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
        super().save(*args, **kwargs)
