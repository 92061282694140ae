"""The builder's answer built by hand is the serializer's, part for part."""

import pytest
from django.utils.translation import override

from routines.builder import routine_suggest
from routines.serializers import RoutineSuggestionSerializer
from routines.suggestions import suggestion_data

pytestmark = pytest.mark.usefixtures("seeded_content")

# The parts built without a serializer; tests/system/test_read_model.py compares the
# whole answer, items included, byte for byte.
PARTS = ["name", "summary", "difficulty", "warm_up", "estimated_minutes"]
PARTS += ["guidance", "request"]

REQUESTS = [
    {"available": ["none"]},
    {"available": ["none"], "difficulty": "advanced", "seed": 7},
    {"available": ["yoga-mat", "bench", "dumbbell"], "muscle": ["glutes"], "count": 3},
    {"available": ["bench"], "muscle": ["hamstrings"], "seed": 0},
]


def _serialized(routine, name):
    """The serializer's representation of one field of ``routine``."""
    field = RoutineSuggestionSerializer(routine).fields[name]
    return field.to_representation(field.get_attribute(routine))


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("request_", REQUESTS)
def test_the_hand_built_parts_are_the_serializers(language, request_):
    with override(language):
        routine = routine_suggest(**request_, documents=True)
        data = suggestion_data(routine)
        assert list(data) == list(RoutineSuggestionSerializer().fields)
        for name in PARTS:
            assert data[name] == _serialized(routine, name), name
    # The parts really are in the language: the guidance is translated.
    english = suggestion_data(routine_suggest(**request_, documents=True))
    assert (data["guidance"] == english["guidance"]) == (language == "en")
