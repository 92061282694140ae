"""Muscle diagrams: an SVG body map of the hips and thighs, drawn from an exercise's data.

Each muscle region of the drawing is keyed by a muscle slug. An exercise's tagged
muscles are looked up by slug, a group (glutes, hamstrings, hip flexors) lighting up
its members, so a new muscle mapping shows up without editing an image. A muscle the
drawing has no region for still appears in the legend and in the accessible text.
"""

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from hipext.api.params import StrictQueryParamsMixin

from .models import Exercise, ExerciseMuscle, Muscle, MuscleRole

SVG_CONTENT_TYPE = "image/svg+xml"

# --- The drawing ---------------------------------------------------------------------
# One figure is drawn in a 200 × 330 box: the waist at the top, the knees at the bottom,
# the body's midline at x = 100. Shapes are given for the half at x ≥ 100 and mirrored.
FIGURE_WIDTH = 200
FIGURE_HEIGHT = 330
MIDLINE = FIGURE_WIDTH / 2

SILHOUETTE = (
    "M100,0 L156,0 Q166,40 176,84 Q186,120 180,170 Q174,240 162,306 "
    "L156,324 L116,324 Q108,240 104,152 L100,146 Z"
)

# Regions seen from behind, keyed by muscle slug.
BACK_REGIONS = {
    "lower-back": "M104,8 L140,8 Q148,36 142,62 Q122,58 104,70 Z",
    "gluteus-medius": "M146,62 Q168,64 178,96 L166,104 Q156,82 132,72 Z",
    "gluteus-maximus": (
        "M103,82 Q128,64 158,90 Q178,112 174,140 Q166,160 136,160 Q114,160 103,152 Z"
    ),
    "adductor-magnus-posterior-head": "M105,164 Q114,160 122,166 L120,236 Q108,212 106,190 Z",
    "semitendinosus": "M124,166 L138,166 Q140,236 132,300 L124,300 Q120,236 124,166 Z",
    "semimembranosus": "M107,236 L121,244 L122,300 L114,300 Q108,270 107,236 Z",
    "biceps-femoris-long-head": (
        "M141,166 L170,168 Q170,236 156,302 L136,302 Q144,236 141,166 Z"
    ),
}

# Regions seen from the front, keyed by muscle slug.
FRONT_REGIONS = {
    "core": "M102,6 L132,6 Q138,30 134,56 L102,60 Z",
    "psoas-major": "M103,64 L114,64 Q122,104 134,146 L124,152 Q110,112 103,84 Z",
    "iliacus": "M120,64 Q152,60 166,84 Q152,112 134,136 Q126,98 120,64 Z",
    "rectus-femoris": (
        "M134,164 Q150,158 158,174 Q160,240 148,304 L134,304 Q124,240 128,180 Z"
    ),
}

VIEWS = (("Back", BACK_REGIONS), ("Front", FRONT_REGIONS))
DRAWN_SLUGS = frozenset(BACK_REGIONS) | frozenset(FRONT_REGIONS)

# Primary and secondary differ in fill *and* texture (solid vs. hatched), so they stay
# distinguishable in greyscale and to people who do not see the colours.
STYLES = {
    MuscleRole.PRIMARY: {"fill": "#b3261e", "stroke": "#5c0f0a", "stroke-width": "1.5"},
    MuscleRole.SECONDARY: {
        "fill": "url(#{prefix}-hatch)",
        "stroke": "#8a4b08",
        "stroke-width": "1.5",
        "stroke-dasharray": "4 2",
    },
    None: {"fill": "#e2ddd7", "stroke": "#a89e94", "stroke-width": "0.8"},
}
SKIN = {"fill": "#f6f1ea", "stroke": "#7d7268"}

MARGIN = 20
GAP = 40
# Large enough to read when a card scales the image down to a phone's width.
LEGEND_FONT_SIZE = 16
LEGEND_LINE = 21
LEGEND_WRAP = 48  # characters per legend line at that size
WIDTH = 2 * FIGURE_WIDTH + GAP + 2 * MARGIN
COORDINATE = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")


def mirrored(path):
    """The same absolute-coordinate path reflected across the figure's midline."""

    def reflect(match):
        x = 2 * MIDLINE - float(match.group(1))
        return f"{x:g},{match.group(2)}"

    return COORDINATE.sub(reflect, path)


@dataclass(frozen=True)
class TaggedMuscle:
    """A muscle an exercise is tagged with, and the drawn regions it lights up."""

    slug: str
    name: str
    role: str
    regions: frozenset

    @property
    def drawn(self):
        return bool(self.regions)


def descendants(slug, children):
    """``slug`` and every muscle below it in the group tree (``children``: slug → slugs)."""
    found, pending = set(), [slug]
    while pending:
        current = pending.pop()
        if current not in found:
            found.add(current)
            pending.extend(children.get(current, ()))
    return found


def tagged_muscles(links, children):
    """The exercise's muscles in role then name order, each with its drawn regions."""
    order = {MuscleRole.PRIMARY: 0, MuscleRole.SECONDARY: 1}
    return [
        TaggedMuscle(
            slug=link.muscle.slug,
            name=link.muscle.name,
            role=link.role,
            regions=frozenset(descendants(link.muscle.slug, children) & DRAWN_SLUGS),
        )
        for link in sorted(
            links, key=lambda link: (order.get(link.role, 2), link.muscle.name)
        )
    ]


def region_roles(muscles):
    """Which role each drawn region shows; primary wins over secondary."""
    roles = {}
    for muscle in muscles:
        for slug in muscle.regions:
            if roles.get(slug) != MuscleRole.PRIMARY:
                roles[slug] = muscle.role
    return roles


def _attrs(style, prefix):
    return " ".join(
        f"{name}={quoteattr(value.format(prefix=prefix))}"
        for name, value in style.items()
    )


def _names(muscles):
    return ", ".join(m.name + ("" if m.drawn else " *") for m in muscles) or "none"


def _wrap(text, width=LEGEND_WRAP):
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def description(exercise_name, muscles):
    """The diagram's text alternative: what is worked, primary and secondary."""
    primary = [m for m in muscles if m.role == MuscleRole.PRIMARY]
    secondary = [m for m in muscles if m.role == MuscleRole.SECONDARY]
    text = (
        f"Body map of the hips and thighs, back and front view, for {exercise_name}. "
        f"Primary muscles: {', '.join(m.name for m in primary) or 'none'}. "
        f"Secondary muscles: {', '.join(m.name for m in secondary) or 'none'}."
    )
    undrawn = [m.name for m in muscles if not m.drawn]
    if undrawn:
        text += f" Not shown in the drawing: {', '.join(undrawn)}."
    return text


def _region(slug, path, role, names, prefix):
    label = names.get(slug, slug.replace("-", " ").capitalize())
    spoken = f"{label}: {role}" if role else f"{label}: not worked"
    return (
        f'<g data-muscle="{slug}" data-role="{role or "none"}" '
        f"aria-label={quoteattr(spoken)} {_attrs(STYLES[role], prefix)}>"
        f"<title>{escape(spoken)}</title>"
        f'<path d="{path}"/><path d="{mirrored(path)}"/></g>'
    )


def render_diagram(*, exercise_name, muscles, names, id_prefix="diagram"):
    """The SVG document for an exercise's tagged muscles.

    ``names`` maps drawn region slugs to muscle names for the regions' labels.
    """
    roles = region_roles(muscles)
    outline = SILHOUETTE.removesuffix(" Z")
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)
    primary = [m for m in muscles if m.role == MuscleRole.PRIMARY]
    secondary = [m for m in muscles if m.role == MuscleRole.SECONDARY]
    legend = [
        (MuscleRole.PRIMARY, _wrap(f"Primary: {_names(primary)}")),
        (MuscleRole.SECONDARY, _wrap(f"Secondary: {_names(secondary)}")),
    ]
    footnote = any(not m.drawn for m in muscles)
    legend_top = MARGIN + 24 + FIGURE_HEIGHT + 24
    legend_lines = sum(len(lines) for _, lines in legend) + (1 if footnote else 0)
    height = legend_top + legend_lines * LEGEND_LINE + 8 * len(legend) + MARGIN

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f'<title id="{prefix}-title">Muscles worked: {escape(exercise_name)}</title>',
        f'<desc id="{prefix}-desc">{escape(description(exercise_name, muscles))}</desc>',
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#fbe3c2"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#c8700f" stroke-width="2.5"/>'
        "</pattern></defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for index, (view, regions) in enumerate(VIEWS):
        x = MARGIN + index * (FIGURE_WIDTH + GAP)
        parts.append(
            f'<g transform="translate({x},{MARGIN})" '
            f'aria-label="{view} view">'
            f'<text x="{MIDLINE:g}" y="12" text-anchor="middle" font-size="16" '
            f'font-weight="600" fill="#222">{view}</text>'
            f'<g transform="translate(0,24)">'
            # Filled as two halves, outlined without the midline so no seam shows.
            f'<g fill="{SKIN["fill"]}" stroke="{SKIN["fill"]}" stroke-width="1">'
            f'<path d="{SILHOUETTE}"/>'
            f'<path d="{mirrored(SILHOUETTE)}"/></g>'
            f'<g fill="none" stroke="{SKIN["stroke"]}" stroke-width="1">'
            f'<path d="{outline}"/><path d="{mirrored(outline)}"/></g>'
        )
        parts.extend(
            _region(slug, path, roles.get(slug), names, prefix)
            for slug, path in regions.items()
        )
        parts.append("</g></g>")

    y = legend_top
    parts.append(f'<g aria-label="Legend" font-size="{LEGEND_FONT_SIZE}" fill="#222">')
    for role, lines in legend:
        parts.append(
            f'<rect x="{MARGIN}" y="{y - 14}" width="22" height="16" '
            f"{_attrs(STYLES[role], prefix)}/>"
        )
        for line in lines:
            parts.append(
                f'<text x="{MARGIN + 32}" y="{y}" '
                f'data-legend="{role}">{escape(line)}</text>'
            )
            y += LEGEND_LINE
        y += 8
    if footnote:
        parts.append(
            f'<text x="{MARGIN}" y="{y}" font-size="14" fill="#555">'
            "* not shown in the drawing</text>"
        )
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


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


# --- Serving it ----------------------------------------------------------------------


class SVGRenderer(BaseRenderer):
    """Declares image/svg+xml for negotiation and the schema.

    An error reaching it (a 404, a throttled request) is a problem-details dict whose
    content type the exception handler has already set; it is written as JSON.
    """

    media_type = SVG_CONTENT_TYPE
    format = "svg"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return JSONRenderer().render(data)


class ExerciseDiagramView(StrictQueryParamsMixin, APIView):
    """An SVG body map of the muscles an exercise works, primary and secondary."""

    renderer_classes = [SVGRenderer]
    queryset = Exercise.objects.only("slug", "name")

    @extend_schema(
        operation_id="exercises_diagram",
        tags=["exercises"],
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
        ],
        # The 400 and 404 problem-details responses come from hipext.api.schema.
        responses={
            (200, SVG_CONTENT_TYPE): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=(
                    "An SVG image: back and front view of the hips and thighs, primary "
                    "muscles solid, secondary hatched, with a legend, a <title> and a "
                    "<desc> naming the muscles."
                ),
            ),
        },
    )
    def get(self, request, slug):
        exercise = self.queryset.filter(slug=slug).first()
        if exercise is None:
            raise NotFound(f"No exercise has the slug {slug!r}.")
        response = HttpResponse(
            exercise_diagram_svg(exercise), content_type=SVG_CONTENT_TYPE
        )
        # Opened directly, an SVG is a document: it needs nothing beyond itself.
        response["Content-Security-Policy"] = "default-src 'none'"
        return response
