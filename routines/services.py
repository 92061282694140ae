"""Writes that span several rows of routine content."""

# Seeded routine content kinds, in dependency order (see exercises.services.ContentKind).
CONTENT_KINDS = []
