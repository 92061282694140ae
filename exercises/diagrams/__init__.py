"""Muscle diagrams: an SVG body map of the hips and thighs, drawn from an exercise's data.

Each muscle region of the drawing is keyed by a muscle slug. An exercise's tagged
muscles are looked up by slug, a group (glutes, hamstrings, hip flexors) lighting up
its members, so a new muscle mapping shows up without editing an image. A muscle the
drawing has no region for still appears in the legend and in the accessible text.

drawing.py lays the diagram out as plain data, the template
exercises/diagram.svg writes its markup, and svg.py joins the two for a saved
exercise. ExerciseViewSet.diagram serves it.
"""

from .drawing import DRAWN_SLUGS
from .svg import exercise_diagram_svg

__all__ = ["DRAWN_SLUGS", "exercise_diagram_svg"]
