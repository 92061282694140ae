"""The seed's Spanish and German texts for the cards, from fixtures/translations/.

The cards are measured (``measure.py``) and tested in every language, which needs
the translated content in the database. The seed does not load the editions yet, so
this fills, for what a card shows (exercises, their steps, equipment notes and
variations; muscle and equipment names), the translation columns that are still
empty from ``fixtures/translations/<lang>.yaml``. A column that holds a text already
(an editor's, or the seed's once it loads the editions) is left alone, so this changes
nothing where the content is translated. Only what the cards read: the seed's own
loader of the editions is another matter (exercises/seeds.py).
"""

from pathlib import Path

import yaml
from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from hipext.content.languages import content_languages, source_language
from hipext.content.publishing import documents_flushed

EDITIONS = Path(settings.BASE_DIR) / "fixtures" / "translations"
ENGLISH = Path(settings.BASE_DIR) / "fixtures" / "exercises.yaml"
# Fixture lists stored as one item per line (hipext.content.modeling.split_lines).
LINE_LISTS = ("aliases", "editorial_aliases", "tips", "cautions")


def edition(language):
    """The edition of ``language`` as the YAML file holds it."""
    return yaml.safe_load((EDITIONS / f"{language}.yaml").read_text())


def _fill(obj, language, texts):
    """Sets ``obj``'s empty ``language`` columns from ``texts``; saves what changed."""
    changed = []
    for field, text in texts.items():
        column = build_localized_fieldname(field, language)
        if text and not getattr(obj, column):
            setattr(obj, column, text)
            changed.append(column)
    if changed:
        obj.save(update_fields=changed)
    return len(changed)


def _lookup(model, data):
    for slug, texts in (data or {}).items():
        obj = model.objects.filter(slug=slug).first()
        if obj is not None:
            yield obj, {field: texts.get(field) for field in ("name", "description")}


def _exercise_texts(entry):
    texts = {
        field: entry.get(field) for field in ("name", "summary", "difficulty_basis")
    }
    for field in LINE_LISTS:
        texts[field] = "\n".join(entry.get(field) or [])
    return texts


def editions_fill(languages=None):
    """Fills the empty translation columns the cards read; returns how many it set.

    One block of writes whose documents are rendered at its end, like the seed's.
    """
    from exercises.models import Equipment, Exercise, Muscle

    english = {entry["slug"]: entry for entry in yaml.safe_load(ENGLISH.read_text())}
    languages = languages or [
        code for code in content_languages() if code != source_language()
    ]
    filled = 0
    with documents_flushed():
        for language in languages:
            data = edition(language)
            for model, kind in ((Muscle, "muscles"), (Equipment, "equipment")):
                for obj, texts in _lookup(model, data.get(kind)):
                    filled += _fill(obj, language, texts)
            for slug, entry in (data.get("exercises") or {}).items():
                exercise = Exercise.objects.filter(slug=slug).first()
                if exercise is None:
                    continue
                filled += _fill(exercise, language, _exercise_texts(entry))
                filled += _fill_children(exercise, language, entry, english.get(slug))
    return filled


def _fill_children(exercise, language, entry, source):
    """Steps by position, equipment notes by equipment, variations by English name."""
    filled = 0
    steps = {step.position: step for step in exercise.steps.all()}
    for position, text in enumerate(entry.get("steps") or [], start=1):
        if position in steps:
            filled += _fill(steps[position], language, {"text": text})
    links = {link.equipment.slug: link for link in exercise.equipment_links.all()}
    for slug, texts in (entry.get("equipment") or {}).items():
        if slug in links:
            filled += _fill(links[slug], language, {"note": texts.get("note")})
    english_field = build_localized_fieldname("name", source_language())
    variations = {
        getattr(variation, english_field): variation
        for variation in exercise.variations.all()
    }
    theirs = (source or {}).get("variations") or []
    for their, ours in zip(theirs, entry.get("variations") or [], strict=False):
        variation = variations.get(their["name"])
        if variation is not None:
            filled += _fill(variation, language, ours)
    return filled
