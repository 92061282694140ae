"""A saved exercise's muscle diagram as an SVG document."""

import re

from django.template.loader import render_to_string

from exercises.models import ExerciseMuscle, Muscle
from hipext.content.languages import active_language

from .drawing import draw, tagged_muscles

TEMPLATE = "exercises/diagram.svg"
# Characters XML 1.0 does not allow, even escaped: text fields refuse control
# characters (hipext.content.validators), but rows saved before that may hold some.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_diagram(*, exercise_name, muscles, names, id_prefix="diagram"):
    """The SVG document for an exercise's tagged muscles (see drawing.draw)."""
    diagram = draw(
        exercise_name=exercise_name, muscles=muscles, names=names, id_prefix=id_prefix
    )
    # The template engine escapes every name; rendered without a request, so no
    # context processor runs.
    # The language of its words (xml:lang for SVG 1.1 readers, lang for SVG 2):
    # the active one, which chose them (gettext, translated names).
    context = {"diagram": diagram, "language": active_language()}
    return NOT_XML.sub("", render_to_string(TEMPLATE, context))


def exercise_diagram_svg(exercise):
    """The diagram of a saved exercise, in two queries (its muscles, the muscle tree)."""
    links = ExerciseMuscle.objects.filter(exercise=exercise).select_related("muscle")
    children, names = {}, {}
    for slug, name, group_slug in Muscle.objects.values_list(
        "slug", "name", "group__slug"
    ):
        names[slug] = name
        if group_slug:
            children.setdefault(group_slug, []).append(slug)
    return render_diagram(
        exercise_name=exercise.name,
        muscles=tagged_muscles(list(links), children),
        names=names,
        id_prefix=f"diagram-{exercise.slug}",
    )
