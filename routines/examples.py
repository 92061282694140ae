"""OpenAPI examples of the routine representations (abridged real answers)."""

from drf_spectacular.utils import OpenApiExample

# GET /api/routines/desk-break (muscles abridged)
DESK_BREAK = {
    "url": "https://hipext.example/api/routines/desk-break",
    "uuid": "dfd6bfa5-ee47-5d5f-ab4c-8c9d227915b1",
    "slug": "desk-break",
    "name": "Desk break routine",
    "summary": "A short routine of two no-equipment exercises at the low end of the "
    "article's doses. For sitting, the article's advice is to get up every 30–60 "
    "minutes for at least 5 minutes at a time; it does not prescribe exercises for "
    "those breaks.",
    "goal": "For people who sit for long periods, at home or at a desk.",
    "difficulty": "beginner",
    "warm_up": "Before starting strength training, spend 5–10 minutes warming up "
    "with light cardio (e.g., walking) and dynamic stretching.",
    "notes": [
        "It’s a good idea to minimize the time you sit during the day. If "
        "you work from home, try to get up every 30–60 minutes for at least "
        "5 minutes at a time.",
        "Sitting for too long and being sedentary can result in tighter hip "
        "flexors and weak hip extensors, the article says.",
        "Before increasing the weight or resistance, be sure you’re "
        "performing the exercise with good form.",
    ],
    "items": [
        {
            "position": 1,
            "exercise": {
                "url": "https://hipext.example/api/exercises/standing-kickbacks",
                "slug": "standing-kickbacks",
                "name": "Standing kickbacks",
                "summary": "Standing kickbacks are easy to perform "
                "and can be great for beginners.",
                "difficulty": "beginner",
                "position": "standing",
                "laterality": "each_side",
            },
            "dose": {
                "sets_min": 2,
                "sets_max": None,
                "reps_min": 8,
                "reps_max": None,
                "per_side": True,
                "hold_seconds": None,
            },
            "dose_text": "2 sets of 8 reps, each leg",
            "dose_overridden": True,
            "rest_seconds": 60,
            "note": "Stand 1–2 feet from a wall, counter, or box, palms against it.",
        },
        {
            "position": 2,
            "exercise": {
                "url": "https://hipext.example/api/exercises/glute-bridges",
                "slug": "glute-bridges",
                "name": "Glute bridges",
                "summary": "Glute bridges are an excellent beginner "
                "exercise that use hip extension as the "
                "main movement.",
                "difficulty": "beginner",
                "position": "lying_on_back",
                "laterality": "both",
            },
            "dose": {
                "sets_min": 2,
                "sets_max": None,
                "reps_min": 8,
                "reps_max": None,
                "per_side": False,
                "hold_seconds": 2,
            },
            "dose_text": "2 sets of 8 reps; hold 2 s at the top of each rep",
            "dose_overridden": True,
            "rest_seconds": 60,
            "note": "",
        },
    ],
    "equipment_needed": [],
    "muscles": [
        {
            "slug": "gluteus-maximus",
            "name": "Gluteus maximus",
            "url": "https://hipext.example/api/muscles/gluteus-maximus",
            "group": "glutes",
            "role": "primary",
        },
        {
            "slug": "adductor-magnus-posterior-head",
            "name": "Adductor magnus (posterior head)",
            "url": "https://hipext.example/api/muscles/adductor-magnus-posterior-head",
            "group": None,
            "role": "secondary",
        },
    ],
    "estimated_minutes": {"min": 11, "max": 16},
    "published_at": "2026-01-05T09:00:00Z",
    "created_at": "2026-01-05T09:00:00Z",
    "updated_at": "2026-01-05T09:00:00Z",
    "translation": {"language": "en", "fallback": []},
}

# GET /api/routines/suggest?available=none (muscles and guidance abridged)
NO_EQUIPMENT_SUGGESTION = {
    "name": "Hip extension routine: Glute bridges and Standing kickbacks",
    "summary": "2 hip extension exercises doable with no equipment at level "
    "beginner or below. Add them to your lower body workout along with "
    "other movement patterns, such as hip abduction, adduction, and "
    "rotation.",
    "difficulty": "beginner",
    "warm_up": "Before starting strength training, spend 5–10 minutes warming up "
    "with light cardio (e.g., walking) and dynamic stretching.",
    "items": [
        {
            "position": 1,
            "exercise": {
                "url": "https://hipext.example/api/exercises/glute-bridges",
                "slug": "glute-bridges",
                "name": "Glute bridges",
                "summary": "Glute bridges are an excellent beginner "
                "exercise that use hip extension as the "
                "main movement.",
                "difficulty": "beginner",
                "position": "lying_on_back",
                "laterality": "both",
            },
            "dose": {
                "sets_min": 2,
                "sets_max": 3,
                "reps_min": 8,
                "reps_max": 12,
                "per_side": False,
                "hold_seconds": 2,
            },
            "dose_text": "2–3 sets of 8–12 reps; hold 2 s at the top of each rep",
            "dose_overridden": False,
            "rest_seconds": 60,
            "note": "",
        },
        {
            "position": 2,
            "exercise": {
                "url": "https://hipext.example/api/exercises/standing-kickbacks",
                "slug": "standing-kickbacks",
                "name": "Standing kickbacks",
                "summary": "Standing kickbacks are easy to perform "
                "and can be great for beginners.",
                "difficulty": "beginner",
                "position": "standing",
                "laterality": "each_side",
            },
            "dose": {
                "sets_min": 2,
                "sets_max": 3,
                "reps_min": 8,
                "reps_max": 12,
                "per_side": True,
                "hold_seconds": None,
            },
            "dose_text": "2–3 sets of 8–12 reps, each leg",
            "dose_overridden": False,
            "rest_seconds": 60,
            "note": "",
        },
    ],
    "equipment_needed": [],
    "muscles": [
        {
            "slug": "gluteus-maximus",
            "name": "Gluteus maximus",
            "url": "https://hipext.example/api/muscles/gluteus-maximus",
            "group": "glutes",
            "role": "primary",
        },
        {
            "slug": "adductor-magnus-posterior-head",
            "name": "Adductor magnus (posterior head)",
            "url": "https://hipext.example/api/muscles/adductor-magnus-posterior-head",
            "group": None,
            "role": "secondary",
        },
    ],
    "estimated_minutes": {"min": 11, "max": 22},
    "guidance": [
        {
            "slug": "warm-up",
            "title": "Warm up before exercising",
            "text": "Before starting strength training, spend 5–10 minutes "
            "warming up with light cardio (e.g., walking) and "
            "dynamic stretching.",
        },
        {
            "slug": "good-form",
            "title": "Focus on good form",
            "text": "Before increasing the weight or resistance, be sure "
            "you’re performing the exercise with good form.",
        },
    ],
    "request": {
        "available": ["none"],
        "difficulty": "beginner",
        "muscle": [],
        "count": 2,
        "seed": None,
    },
}

# GET /api/routines/suggest?available=stability-ball&count=3
UNMET_SUGGESTION = {
    "type": "about:blank",
    "title": "Invalid request",
    "status": 400,
    "detail": (
        "difficulty: only 2 exercises are doable with equipment [stability-ball] "
        "at level beginner; 3 are needed"
    ),
    "errors": {
        "difficulty": [
            "only 2 exercises are doable with equipment [stability-ball] at level "
            "beginner; 3 are needed"
        ]
    },
    "instance": "/api/routines/suggest?available=stability-ball&count=3",
}

ROUTINE_EXAMPLES = [
    OpenApiExample(
        "Desk break routine (muscles abridged)",
        value=DESK_BREAK,
        description="GET /api/routines/desk-break",
        response_only=True,
        status_codes=["200"],
    )
]
ROUTINE_LIST_EXAMPLES = [
    OpenApiExample(
        "Searching for the desk break (muscles abridged)",
        value=DESK_BREAK,
        description="GET /api/routines?search=desk",
        response_only=True,
        status_codes=["200"],
    )
]
SUGGESTION_EXAMPLES = [
    OpenApiExample(
        "No equipment, beginner (muscles and guidance abridged)",
        value=NO_EQUIPMENT_SUGGESTION,
        description="GET /api/routines/suggest?available=none",
        response_only=True,
        status_codes=["200"],
    ),
]
UNMET_SUGGESTION_EXAMPLES = [
    OpenApiExample(
        "Too few exercises qualify",
        value=UNMET_SUGGESTION,
        description="GET /api/routines/suggest?available=stability-ball&count=3",
    ),
]
