"""The Spanish and German editions of the seed (fixtures/translations/) are complete.

Each edition keys every seeded object by slug and translates every text the English
fixtures hold, list for list; no step, tip or caution is left in English.
"""

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LANGUAGES = ["es", "de"]

# Per kind: the fixture file, its text fields, its lists of texts.
KINDS = {
    "muscles": ("muscles.yaml", ["name", "description"], []),
    "equipment": ("equipment.yaml", ["name", "description"], []),
    "guidelines": ("guidelines.yaml", ["title", "text"], []),
    "exercises": (
        "exercises.yaml",
        ["name", "summary", "difficulty_basis"],
        ["aliases", "editorial_aliases", "steps", "tips", "cautions"],
    ),
    "routines": ("routines.yaml", ["name", "summary", "goal", "warm_up"], ["notes"]),
}
NEVER_ENGLISH = {"steps", "tips", "cautions", "notes"}


def english(kind):
    return {
        entry["slug"]: entry
        for entry in yaml.safe_load((FIXTURES / KINDS[kind][0]).read_text())
    }


@pytest.fixture(scope="module", params=LANGUAGES)
def edition(request):
    path = FIXTURES / "translations" / f"{request.param}.yaml"
    data = yaml.safe_load(path.read_text())
    assert data["language"] == request.param
    # Health guidance: unreviewed until a native-speaking editor has checked it.
    assert data["reviewed"] is False
    return data


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_text_of_every_object_is_translated(edition, kind):
    source = english(kind)
    translated = edition[kind]
    assert set(translated) == set(source)
    _, fields, lists = KINDS[kind]
    for slug, entry in source.items():
        ours = translated[slug]
        for field in fields:
            if entry.get(field):
                assert str(ours.get(field) or "").strip(), f"{kind} {slug}: {field}"
        for field in lists:
            assert len(ours.get(field) or []) == len(entry.get(field) or []), (
                f"{kind} {slug}: {field}"
            )
            for theirs, mine in zip(
                entry.get(field) or [], ours.get(field) or [], strict=True
            ):
                assert str(mine).strip(), f"{kind} {slug}: {field}"
                if field in NEVER_ENGLISH:
                    assert mine != theirs, f"{kind} {slug}: {field} left in English"


def test_every_note_of_exercises_and_routine_items_is_translated(edition):
    for slug, entry in english("exercises").items():
        ours = edition["exercises"][slug]
        notes = {link["equipment"] for link in entry["equipment"] if link.get("note")}
        assert set(ours.get("equipment") or {}) == notes, slug
        variations = ours.get("variations") or []
        assert len(variations) == len(entry["variations"]), slug
        for theirs, mine in zip(entry["variations"], variations, strict=True):
            assert mine["name"].strip(), slug
            assert bool(mine.get("note")) == bool(theirs.get("note")), slug
    for slug, entry in english("routines").items():
        items = edition["routines"][slug]["items"]
        assert len(items) == len(entry["items"]), slug
        for theirs, mine in zip(entry["items"], items, strict=True):
            assert bool(mine.get("note")) == bool(theirs.get("note")), slug
            if theirs.get("note"):
                assert mine["note"] != theirs["note"], slug


def test_imperial_measures_became_metric(edition):
    text = yaml.safe_dump(edition, allow_unicode=True).lower()
    for unit in ("inch", "feet", "foot", "pound"):
        assert unit not in text
