"""Measure every exercise card's height at each frame width, for oEmbed's height."""

import json

from django.core.management.base import BaseCommand, CommandError

from exercises.embed.heights import CARD_WIDTH, HEIGHTS_FILE, MIN_WIDTH
from exercises.embed.measure import CHROMIUM, measure_all_cards


def heights_json(cards):
    """The file's text: one line per card and layout, so a diff shows what moved."""
    lines = [
        f"  {json.dumps(f'{slug} {layout}')}: {json.dumps(runs, separators=(',', ':'))}"
        for slug, layouts in sorted(cards.items())
        for layout, runs in layouts.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


class Command(BaseCommand):
    help = (
        "Render every exercise card in Chromium at each frame width from "
        f"{MIN_WIDTH} to {CARD_WIDTH} pixels and write the heights to "
        f"{HEIGHTS_FILE.name}, which oEmbed answers from; with --check, only report "
        "whether the file matches (exit status 1 if not). Run it on the seeded "
        "content after changing the card's template or the seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")
        parser.add_argument("--chromium", default=CHROMIUM)

    def handle(self, *args, check, chromium, **options):
        cards = measure_all_cards(chromium)
        text = heights_json(cards)
        if check:
            if not HEIGHTS_FILE.exists() or HEIGHTS_FILE.read_text() != text:
                raise CommandError(f"{HEIGHTS_FILE} is stale; run measure_cards.")
            self.stdout.write(f"{HEIGHTS_FILE.name}: every card matches.")
            return
        HEIGHTS_FILE.write_text(text)
        self.stdout.write(f"Measured {len(cards)} cards into {HEIGHTS_FILE}.")
