"""The card's height at each frame width, as measured in a browser (``measure.py``).

``heights.json`` holds, for each card, layout and language (keyed
``"<slug> <layout> <language>"``: texts differ in length between languages), the
heights of the rendered card from MIN_WIDTH to CARD_WIDTH CSS pixels as runs:
``[[width, height], ...]``, each height holding from its width up to the next run's.
It is written by ``manage.py measure_cards`` from the seeded content; a test measures
again and compares, so a changed template, seed or translation cannot leave it stale
unnoticed.
"""

import bisect
import functools
import json
from pathlib import Path

from hipext.content.languages import source_language

HEIGHTS_FILE = Path(__file__).with_name("heights.json")
# The card's natural width, and the narrowest frame measured, in CSS pixels.
CARD_WIDTH = 480
MIN_WIDTH = 200
LAYOUTS = ("full", "compact")


@functools.cache
def measured_heights():
    """{language: {slug: {layout: [[width, height], ...]}}} from heights.json (empty
    if absent)."""
    try:
        measured = json.loads(HEIGHTS_FILE.read_text())
    except FileNotFoundError:
        return {}
    cards = {}
    for key, card_runs in measured.items():
        slug, layout, language = key.split(" ")
        cards.setdefault(language, {}).setdefault(slug, {})[layout] = card_runs
    return cards


def runs(heights):
    """[[width, height], ...] runs of a {width: height} mapping, widths ascending."""
    result = []
    for width in sorted(heights):
        if not result or result[-1][1] != heights[width]:
            result.append([width, heights[width]])
    return result


def _height_in(card_runs, width):
    index = bisect.bisect_right([start for start, _ in card_runs], width) - 1
    return card_runs[max(index, 0)][1]


def card_height(slug, layout, width, language=None):
    """The card's height in a frame ``width`` CSS pixels wide, in ``language``
    (None: the source language).

    A card measured since its last change answers exactly. One added since the last
    measurement gets the tallest measured card's height for its layout and language
    at that width: a frame at least as tall as the card usually is, which the host
    script then fits. A language never measured is answered as English.
    """
    width = max(MIN_WIDTH, min(width, CARD_WIDTH))
    measured = measured_heights()
    cards = measured.get(language or source_language())
    if cards is None:
        cards = measured.get(source_language(), {})
    if slug in cards:
        return _height_in(cards[slug][layout], width)
    heights = [_height_in(card[layout], width) for card in cards.values()]
    return max(heights, default=CARD_WIDTH)
