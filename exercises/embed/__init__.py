"""Embeddable exercise cards (/embed/exercises/<slug>) and their oEmbed endpoint."""
