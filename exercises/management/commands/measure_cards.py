"""Measure every exercise card's height at each frame width, for oEmbed's height."""

import json

from django.core.management.base import BaseCommand, CommandError

from exercises.embed.heights import CARD_WIDTH, HEIGHTS_FILE, LAYOUTS, MIN_WIDTH
from exercises.embed.measure import CHROMIUM, measure_all_cards


def heights_json(measured):
    """The file's text: one line per card, layout and language, so a diff shows what
    moved; a card's languages side by side."""
    lines = []
    for slug in sorted({slug for cards in measured.values() for slug in cards}):
        for layout in LAYOUTS:
            for language, cards in measured.items():
                if slug in cards:
                    key = json.dumps(f"{slug} {layout} {language}")
                    runs = json.dumps(cards[slug][layout], separators=(",", ":"))
                    lines.append(f"  {key}: {runs}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


class Command(BaseCommand):
    help = (
        "Render every exercise card in Chromium, in every supported language, at "
        f"each frame width from {MIN_WIDTH} to {CARD_WIDTH} pixels and write the "
        "heights to "
        f"{HEIGHTS_FILE.name}, which oEmbed answers from; with --check, only report "
        "whether the file matches (exit status 1 if not). Run it on the seeded "
        "content after changing the card's template, the seed or a translation "
        "(fixtures/translations fill in what the seed has not translated)."
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
        count = sum(len(language_cards) for language_cards in cards.values())
        self.stdout.write(
            f"Measured {count} cards ({len(cards)} languages) into {HEIGHTS_FILE}."
        )
