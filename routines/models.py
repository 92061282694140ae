"""Routines built from exercises (the models arrive with the routines feature)."""
