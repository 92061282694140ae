"""The routine builder's answer, built by hand from its exercises' documents.

What ``RoutineSuggestionSerializer(routine).data`` gives, key for key and value for
value, without a serializer's fields: DRF deep-copies a serializer's fields for each
instance, which cost more than the whole answer takes to build by hand. The
serializers stay the description of the answer (the schema) and the path for a
routine whose exercises have no documents; tests/routines/test_suggestions.py and
tests/system/test_read_model.py compare both.
"""

from exercises.models import MuscleRole, Requirement

from .serializers import RoutineExerciseSerializer

EXERCISE_SUMMARY_FIELDS = RoutineExerciseSerializer.Meta.fields


def suggestion_data(routine):
    """``RoutineSuggestionSerializer(routine).data``, from its exercises' documents.

    For a routine built with ``documents`` (``routine.documents``: each exercise's
    published document, parsed, URLs at the documents' placeholder base): the
    exercises' summaries, doses, muscles and equipment are read from the documents
    rather than from prefetched rows and nested serializers. The same keys, order
    and values as the serializer (tests/system/test_read_model.py compares both);
    the summaries mirror routine_equipment and routine_muscles (routines.summaries).
    """
    items = []
    for item, document in zip(routine.items, routine.documents, strict=True):
        items.append(
            {
                "position": item.position,
                "exercise": {key: document[key] for key in EXERCISE_SUMMARY_FIELDS},
                # A suggested item never overrides its exercise's dose.
                "dose": document["dose"],
                "dose_text": document["dose_text"],
                "dose_overridden": item.is_overridden,
                "rest_seconds": item.rest_seconds,
                "note": item.note,
            }
        )
    low, high = routine.estimated_minutes
    return {
        "name": routine.name,
        "summary": routine.summary,
        "difficulty": routine.difficulty,
        "warm_up": routine.warm_up,
        "items": items,
        "equipment_needed": _equipment_needed(routine.documents),
        "muscles": _muscles_worked(routine.documents),
        "estimated_minutes": {"min": low, "max": high},
        "guidance": [_guidance(guideline) for guideline in routine.guidance],
        "request": _request(routine.request),
    }


def _text(value):
    """A CharField's representation: the text, or null (as DRF skips the field)."""
    return None if value is None else str(value)


def _guidance(guideline):
    """GuidanceSerializer(guideline).data, of one of published_guidance()."""
    return {
        "slug": _text(guideline["slug"]),
        "title": _text(guideline["title"]),
        "text": _text(guideline["text"]),
    }


def _request(request):
    """SuggestRequestSerializer(request).data: the normalized query."""
    seed = request["seed"]
    return {
        "available": [_text(slug) for slug in request["available"]],
        "difficulty": _text(request["difficulty"]),
        "muscle": [_text(slug) for slug in request["muscle"]],
        "count": int(request["count"]),
        "seed": None if seed is None else int(seed),
    }


def _equipment_needed(documents):
    """routine_equipment over the exercises' documents, as EquipmentNeedSerializer."""
    needs = {}
    for document in documents:
        for link in document["equipment"]:
            if link["requirement"] != Requirement.REQUIRED:
                continue
            alternatives = sorted(link["alternatives"], key=lambda e: e["name"])
            key = (link["slug"], tuple(alt["slug"] for alt in alternatives))
            if key in needs:
                needs[key]["exercises"].append(document["slug"])
            else:
                needs[key] = {
                    "slug": link["slug"],
                    "name": link["name"],
                    "url": link["url"],
                    "alternatives": alternatives,
                    "exercises": [document["slug"]],
                }
    return sorted(
        needs.values(), key=lambda need: (need["name"], len(need["alternatives"]))
    )


def _muscles_worked(documents):
    """routine_muscles over the exercises' documents, as MuscleWorkedSerializer."""
    worked = {}
    for document in documents:
        for muscle in document["muscles"]:
            known = worked.get(muscle["slug"])
            if known is None or muscle["role"] == MuscleRole.PRIMARY:
                worked[muscle["slug"]] = muscle
    return sorted(
        worked.values(),
        key=lambda muscle: (muscle["role"] != MuscleRole.PRIMARY, muscle["name"]),
    )
