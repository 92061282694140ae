"""OpenAPI examples of the exercise representation (an abridged real exercise)."""

from drf_spectacular.utils import OpenApiExample

_API = "https://hipext.example/api"

STANDING_KICKBACKS = {
    "url": f"{_API}/exercises/standing-kickbacks",
    "uuid": "eecc29a8-373d-55a7-80fc-3e81d2d96f22",
    "slug": "standing-kickbacks",
    "name": "Standing kickbacks",
    "aliases": ["Standing kickback"],
    "editorial_aliases": [],
    "source_number": 5,
    "summary": "Standing kickbacks are easy to perform and can be great for beginners.",
    "difficulty": "beginner",
    "difficulty_basis": (
        "Stated by the article: “easy to perform and can be great for beginners”."
    ),
    "position": "standing",
    "laterality": "each_side",
    "dose": {
        "sets_min": 2,
        "sets_max": 3,
        "reps_min": 8,
        "reps_max": 12,
        "per_side": True,
        "hold_seconds": None,
    },
    "dose_text": "2–3 sets of 8–12 reps, each leg",
    "steps": [
        {
            "position": 1,
            "text": (
                "Standing 1–2 feet from a wall, counter, or box, place the palms of "
                "your hands against it."
            ),
        },
        {
            "position": 2,
            "text": (
                "Lean slightly forward and lift your left foot off the ground with "
                "your knee slightly bent. Ensure your core is tight and back straight."
            ),
        },
        {
            "position": 3,
            "text": (
                "Extend your leg backwards around 60–90 degrees, making sure to "
                "contract your glutes."
            ),
        },
        {
            "position": 4,
            "text": "Return your leg back to the starting position. This is one rep.",
        },
        {"position": 5, "text": "Complete 8–12 reps of 2–3 sets on each leg."},
    ],
    "muscles": [
        {
            "slug": "gluteus-maximus",
            "name": "Gluteus maximus",
            "url": f"{_API}/muscles/gluteus-maximus",
            "group": "glutes",
            "role": "primary",
        },
        {
            "slug": "semitendinosus",
            "name": "Semitendinosus",
            "url": f"{_API}/muscles/semitendinosus",
            "group": "hamstrings",
            "role": "secondary",
        },
    ],
    "diagram_url": f"{_API}/exercises/standing-kickbacks/diagram.svg",
    "equipment": [],
    "variations": [
        {
            "slug": None,
            "url": None,
            "name": "Straight-leg standing kickbacks",
            "kind": "alternative",
            "note": "For a more hamstring-focused workout, keep your legs straight.",
        }
    ],
    "tips": ["For a more hamstring-focused workout, keep your legs straight."],
    "cautions": [],
    "source": "Source article “Hip extension exercises”, exercise 5: Standing kickbacks.",
    "published_at": "2026-01-05T09:30:00Z",
    "created_at": "2026-01-05T09:30:00Z",
    "updated_at": "2026-01-05T09:30:00Z",
    "translation": {"language": "en", "fallback": []},
}

EXERCISE_EXAMPLES = [
    OpenApiExample(
        "Standing kickbacks (muscles abridged)",
        value=STANDING_KICKBACKS,
        description="GET /api/exercises/standing-kickbacks",
        response_only=True,
        status_codes=["200"],
    )
]
EXERCISE_LIST_EXAMPLES = [
    OpenApiExample(
        "Searching for standing kickbacks (muscles abridged)",
        value=STANDING_KICKBACKS,
        description="GET /api/exercises?search=standing+kickbacks",
        response_only=True,
        status_codes=["200"],
    )
]
