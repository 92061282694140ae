"""Writes that span several rows of exercise content."""

from hipext.content.ordering import ordered_children_save, parent_lock
from hipext.content.publishing import documents_flushed

from .models import ExerciseStep


@documents_flushed()
def exercise_steps_set(*, exercise, texts):
    """Make an exercise's steps exactly ``texts``, in order, reusing existing rows."""
    # Lock before reading the steps: a concurrent save waits, then works on this one's
    # result instead of a stale list (which would leave gaps or stray rows).
    parent_lock(exercise)
    existing = list(exercise.steps.order_by("position"))
    steps = []
    for index, text in enumerate(texts):
        step = (
            existing[index]
            if index < len(existing)
            else ExerciseStep(exercise=exercise)
        )
        step.position, step.text = index + 1, text
        step.full_clean(validate_unique=False, validate_constraints=False)
        steps.append(step)
    ordered_children_save(
        queryset=exercise.steps.all(), instances=steps, deleted=existing[len(steps) :]
    )
