"""Building blocks of content models: natural keys, one-per-line texts, valid choices."""

from django.db import models
from django.db.models import Q


class SlugManager(models.Manager):
    """Manager whose natural key is the slug."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def split_lines(text):
    """The non-empty lines of a one-item-per-line text field."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def choice_constraint(field, choices):
    """The rule that ``field`` holds one of ``choices``, kept by the database too."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}),
        name=f"%(app_label)s_%(class)s_{field}_valid",
    )
