"""The muscle diagram's drawing: geometry, tagged muscles, and the laid-out figure.

Everything here is plain data; the SVG markup is the template's
(exercises/templates/exercises/diagram.svg).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from exercises.models import MuscleRole

# One figure is drawn in a 200 × 330 box: the waist at the top, the knees at the bottom,
# the body's midline at x = 100. Shapes are given for the half at x ≥ 100 and mirrored.
FIGURE_WIDTH = 200
FIGURE_HEIGHT = 330
MIDLINE = FIGURE_WIDTH // 2

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

# Each view's heading and its accessible name.
VIEWS = (
    (pgettext_lazy("diagram view", "Back"), gettext_lazy("Back view"), BACK_REGIONS),
    (pgettext_lazy("diagram view", "Front"), gettext_lazy("Front view"), FRONT_REGIONS),
)
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

# How a region's accessible name says whether and how its muscle is worked.
WORKED = {
    MuscleRole.PRIMARY: pgettext_lazy("muscle worked", "primary"),
    MuscleRole.SECONDARY: pgettext_lazy("muscle worked", "secondary"),
    None: gettext_lazy("not worked"),
}

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


# The skin is filled as two halves and outlined without the midline, so no seam shows.
OUTLINE = SILHOUETTE.removesuffix(" Z")
SILHOUETTE_HALVES = (SILHOUETTE, mirrored(SILHOUETTE))
OUTLINE_HALVES = (OUTLINE, mirrored(OUTLINE))


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


def description(exercise_name, muscles):
    """The diagram's text alternative: what is worked, primary and secondary."""
    primary = [m for m in muscles if m.role == MuscleRole.PRIMARY]
    secondary = [m for m in muscles if m.role == MuscleRole.SECONDARY]
    none = gettext("none")
    text = " ".join(
        (
            gettext(
                "Body map of the hips and thighs, back and front view, for %(name)s."
            )
            % {"name": exercise_name},
            gettext("Primary muscles: %(names)s.")
            % {"names": ", ".join(m.name for m in primary) or none},
            gettext("Secondary muscles: %(names)s.")
            % {"names": ", ".join(m.name for m in secondary) or none},
        )
    )
    undrawn = [m.name for m in muscles if not m.drawn]
    if undrawn:
        text += " " + gettext("Not shown in the drawing: %(names)s.") % {
            "names": ", ".join(undrawn)
        }
    return text


def wrap(text, width=LEGEND_WRAP):
    """``text`` broken at spaces into lines of at most ``width`` characters."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def legend_names(muscles):
    """The muscles' names for a legend line, an undrawn one marked with a star."""
    return ", ".join(m.name + ("" if m.drawn else " *") for m in muscles) or gettext(
        "none"
    )


@dataclass(frozen=True)
class Region:
    """A drawn muscle region: both halves of its shape and the role it shows."""

    slug: str
    label: str
    role: str | None
    style: dict
    paths: tuple

    @property
    def spoken(self):
        """Its accessible name: the muscle and whether and how it is worked."""
        return f"{self.label}: {WORKED[self.role]}"


@dataclass(frozen=True)
class View:
    """One figure (back or front) at its horizontal offset."""

    name: str
    label: str
    x: int
    regions: list


@dataclass(frozen=True)
class LegendLine:
    """One line of legend text at its baseline."""

    text: str
    y: int


@dataclass(frozen=True)
class LegendEntry:
    """A legend swatch for a role and the wrapped lines naming its muscles."""

    role: str
    style: dict
    swatch_y: int
    lines: list


@dataclass(frozen=True)
class Diagram:
    """A laid-out diagram: everything the SVG template draws, in its coordinates."""

    exercise_name: str
    description: str
    id_prefix: str
    width: int
    height: int
    views: list
    legend: list
    footnote_y: int | None

    # The same for every exercise (not fields: unannotated).
    margin = MARGIN
    midline = MIDLINE
    legend_x = MARGIN + 32
    legend_font_size = LEGEND_FONT_SIZE
    silhouette = SILHOUETTE_HALVES
    outline = OUTLINE_HALVES


def draw(*, exercise_name, muscles, names, id_prefix="diagram"):
    """The diagram of an exercise's tagged muscles, laid out for the SVG template.

    ``names`` maps drawn region slugs to muscle names for the regions' labels.
    """
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", id_prefix)
    styles = {
        role: {name: value.format(prefix=prefix) for name, value in style.items()}
        for role, style in STYLES.items()
    }
    roles = region_roles(muscles)
    views = [
        View(
            name=str(name),
            label=str(label),
            x=MARGIN + index * (FIGURE_WIDTH + GAP),
            regions=[
                Region(
                    slug=slug,
                    label=names.get(slug, slug.replace("-", " ").capitalize()),
                    role=roles.get(slug),
                    style=styles[roles.get(slug)],
                    paths=(path, mirrored(path)),
                )
                for slug, path in regions.items()
            ],
        )
        for index, (name, label, regions) in enumerate(VIEWS)
    ]

    legend, y = [], MARGIN + 24 + FIGURE_HEIGHT + 24
    for role in (MuscleRole.PRIMARY, MuscleRole.SECONDARY):
        text = f"{role.label}: {legend_names([m for m in muscles if m.role == role])}"
        lines = []
        for line in wrap(text):
            lines.append(LegendLine(text=line, y=y))
            y += LEGEND_LINE
        legend.append(
            LegendEntry(
                role=role, style=styles[role], swatch_y=lines[0].y - 14, lines=lines
            )
        )
        y += 8
    footnote_y = y if any(not m.drawn for m in muscles) else None
    height = y + (0 if footnote_y is None else LEGEND_LINE) + MARGIN

    return Diagram(
        exercise_name=exercise_name,
        description=description(exercise_name, muscles),
        id_prefix=prefix,
        width=WIDTH,
        height=height,
        views=views,
        legend=legend,
        footnote_y=footnote_y,
    )
