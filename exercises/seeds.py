"""The exercise app's seeded content kinds: muscles, equipment, exercises, guidelines.

Each kind says how to read a fixture entry, write it and dump an object back in the
same form; the seeding engine (hipext.content.seeding) does the rest.
"""

from django.db.models import F
from modeltranslation.utils import build_localized_fieldname

from hipext.content.editions import (
    Texts,
    Translation,
    clean_texts,
    entry_clean,
    localized,
    paired,
    texts_translation,
    translation_set,
)
from hipext.content.languages import content_languages, source_language
from hipext.content.ordering import ordered_children_save
from hipext.content.seeding import (
    ContentKind,
    Positions,
    SeedError,
    clean_lines,
    clean_text,
    objects_by_slug,
    publication_dump,
    publication_normalize,
    publication_write,
    register,
    validated_save,
    without_publication,
)

from .dose import DOSE_FIELDS
from .models import (
    Equipment,
    Exercise,
    ExerciseEquipment,
    ExerciseMuscle,
    ExerciseStep,
    Guideline,
    Muscle,
    Variation,
)
from .selectors import exercise_detail_prefetches
from .services import exercise_steps_set

# A variation's texts in every language but English.
TRANSLATED_VARIATION_COLUMNS = [
    build_localized_fieldname(name, language)
    for name in ("name", "note")
    for language in content_languages()
    if language != source_language()
]

# Muscles


def muscle_normalize(entry):
    return {
        "slug": clean_text(entry["slug"]),
        "name": clean_text(entry["name"]),
        "group": entry.get("group") or None,
        "hip_role": clean_text(entry.get("hip_role")),
        "description": clean_text(entry.get("description")),
    }


def muscle_dump(muscle):
    return {
        "slug": muscle.slug,
        "name": muscle.name,
        "group": muscle.group.slug if muscle.group_id else None,
        "hip_role": muscle.hip_role,
        "description": muscle.description,
    }


def muscle_write(muscle, data):
    muscle = muscle or Muscle(slug=data["slug"])
    muscle.name = data["name"]
    muscle.group = Muscle.objects.get(slug=data["group"]) if data["group"] else None
    muscle.hip_role = data["hip_role"]
    muscle.description = data["description"]
    return validated_save(muscle)


# Equipment


def equipment_normalize(entry):
    return {
        "slug": clean_text(entry["slug"]),
        "name": clean_text(entry["name"]),
        "description": clean_text(entry.get("description")),
    }


def equipment_dump(item):
    return {"slug": item.slug, "name": item.name, "description": item.description}


def equipment_write(item, data):
    item = item or Equipment(slug=data["slug"])
    item.name = data["name"]
    item.description = data["description"]
    return validated_save(item)


# Exercises


def exercise_normalize(entry):
    dose = entry.get("dose") or {}
    unknown = set(dose) - set(DOSE_FIELDS)
    if unknown:
        raise SeedError(
            f"exercise {entry.get('slug')}: unknown dose fields {sorted(unknown)}"
        )
    return {
        "slug": clean_text(entry["slug"]),
        "uuid": str(entry["uuid"]),
        "name": clean_text(entry["name"]),
        "aliases": clean_lines(entry.get("aliases")),
        "editorial_aliases": clean_lines(entry.get("editorial_aliases")),
        "source_number": entry.get("source_number"),
        **publication_normalize(entry),
        "summary": clean_text(entry["summary"]),
        "difficulty": entry["difficulty"],
        "difficulty_basis": clean_text(entry.get("difficulty_basis")),
        "position": entry["position"],
        "laterality": entry["laterality"],
        "dose": {
            name: bool(dose.get(name)) if name == "per_side" else dose.get(name)
            for name in DOSE_FIELDS
        },
        "steps": clean_lines(entry.get("steps")),
        "muscles": sorted(
            (
                {"muscle": m["muscle"], "role": m["role"]}
                for m in entry.get("muscles") or []
            ),
            key=lambda m: m["muscle"],
        ),
        "equipment": sorted(
            (
                {
                    "equipment": e["equipment"],
                    "requirement": e["requirement"],
                    "alternatives": sorted(e.get("alternatives") or []),
                    "note": clean_text(e.get("note")),
                }
                for e in entry.get("equipment") or []
            ),
            key=lambda e: e["equipment"],
        ),
        "variations": sorted(
            (
                {
                    "name": clean_text(v["name"]),
                    "variant": v.get("variant") or None,
                    "kind": v["kind"],
                    "note": clean_text(v.get("note")),
                }
                for v in entry.get("variations") or []
            ),
            key=lambda v: v["name"],
        ),
        "tips": clean_lines(entry.get("tips")),
        "cautions": clean_lines(entry.get("cautions")),
        "source": clean_text(entry["source"]),
    }


def exercise_dump(exercise):
    return {
        "slug": exercise.slug,
        "uuid": str(exercise.uuid),
        "name": exercise.name,
        "aliases": exercise.alias_list,
        "editorial_aliases": exercise.editorial_alias_list,
        "source_number": exercise.source_number,
        **publication_dump(exercise),
        "summary": exercise.summary,
        "difficulty": exercise.difficulty,
        "difficulty_basis": exercise.difficulty_basis,
        "position": exercise.position,
        "laterality": exercise.laterality,
        "dose": {name: getattr(exercise, name) for name in DOSE_FIELDS},
        "steps": [
            step.text for step in sorted(exercise.steps.all(), key=lambda s: s.position)
        ],
        "muscles": sorted(
            (
                {"muscle": link.muscle.slug, "role": link.role}
                for link in exercise.muscle_links.all()
            ),
            key=lambda m: m["muscle"],
        ),
        "equipment": sorted(
            (
                {
                    "equipment": link.equipment.slug,
                    "requirement": link.requirement,
                    "alternatives": sorted(alt.slug for alt in link.alternatives.all()),
                    "note": link.note,
                }
                for link in exercise.equipment_links.all()
            ),
            key=lambda e: e["equipment"],
        ),
        "variations": sorted(
            (
                {
                    "name": v.name,
                    "variant": v.variant.slug if v.variant_id else None,
                    "kind": v.kind,
                    "note": v.note,
                }
                for v in exercise.variations.all()
            ),
            key=lambda v: v["name"],
        ),
        "tips": exercise.tip_list,
        "cautions": exercise.caution_list,
        "source": exercise.source,
    }


def exercise_earlier_dump(exercise):
    """The dump before publication, alias origins and the article's numbers."""
    dumped = without_publication(exercise_dump(exercise))
    del dumped["editorial_aliases"], dumped["source_number"]
    return {**dumped, "aliases": exercise.all_alias_list}


def exercise_write(exercise, data):
    exercise = exercise or Exercise(slug=data["slug"])
    exercise.uuid = data["uuid"]
    for name in ("name", "summary", "difficulty", "difficulty_basis", "position"):
        setattr(exercise, name, data[name])
    exercise.laterality = data["laterality"]
    exercise.aliases = "\n".join(data["aliases"])
    exercise.editorial_aliases = "\n".join(data["editorial_aliases"])
    exercise.source_number = data["source_number"]
    publication_write(exercise, data)
    exercise.tips = "\n".join(data["tips"])
    exercise.cautions = "\n".join(data["cautions"])
    exercise.source = data["source"]
    for name, value in data["dose"].items():
        setattr(exercise, name, value)
    validated_save(exercise)
    what = f"exercise {exercise.slug}"
    exercise_steps_set(exercise=exercise, texts=data["steps"])

    muscles = objects_by_slug(Muscle, [m["muscle"] for m in data["muscles"]], what)
    exercise.muscle_links.exclude(muscle__slug__in=list(muscles)).delete()
    for item in data["muscles"]:
        # Through the model's manager: the exercise's own may hold a prefetch whose
        # outer joins PostgreSQL cannot lock FOR UPDATE.
        ExerciseMuscle.objects.update_or_create(
            exercise=exercise,
            muscle=muscles[item["muscle"]],
            defaults={"role": item["role"]},
        )

    slugs = [e["equipment"] for e in data["equipment"]]
    slugs += [alt for e in data["equipment"] for alt in e["alternatives"]]
    equipment = objects_by_slug(Equipment, slugs, what)
    exercise.equipment_links.exclude(
        equipment__slug__in=[e["equipment"] for e in data["equipment"]]
    ).delete()
    for item in data["equipment"]:
        link, _ = ExerciseEquipment.objects.update_or_create(
            exercise=exercise,
            equipment=equipment[item["equipment"]],
            defaults={"requirement": item["requirement"], "note": item["note"]},
        )
        link.full_clean()
        link.alternatives.set([equipment[slug] for slug in item["alternatives"]])
    return exercise


def exercise_link(exercise, data):
    """Second pass: variations point at other exercises, which now all exist."""
    what = f"exercise {exercise.slug}"
    targets = objects_by_slug(
        Exercise, [v["variant"] for v in data["variations"] if v["variant"]], what
    )
    # Made anew, keeping each one's translations (by its English name).
    kept = {
        localized(v, "name", source_language()): {
            column: getattr(v, column) for column in TRANSLATED_VARIATION_COLUMNS
        }
        for v in Variation.objects.filter(exercise=exercise)
    }
    exercise.variations.all().delete()
    for item in data["variations"]:
        validated_save(
            Variation(
                exercise=exercise,
                variant=targets[item["variant"]] if item["variant"] else None,
                name=item["name"],
                kind=item["kind"],
                note=item["note"],
                **kept.get(item["name"], {}),
            )
        )


def exercise_steps_positions_dump():
    """The step positions of each exercise whose steps are not numbered 1 to n."""
    steps = {}
    for slug, position in ExerciseStep.objects.order_by(
        "exercise__slug", "position"
    ).values_list("exercise__slug", "position"):
        steps.setdefault(slug, []).append(position)
    return {slug: positions for slug, positions in steps.items() if _gapped(positions)}


def exercise_steps_positions_restore(numbers):
    """Renumber each exercise's steps, in their order, to the exported positions."""
    for slug, positions in numbers.items():
        exercise = Exercise.objects.get(slug=slug)
        steps = list(exercise.steps.order_by("position"))
        for step, position in zip(steps, positions, strict=True):
            step.position = position
        ordered_children_save(
            queryset=exercise.steps.all(), instances=steps, parent=exercise
        )


def _gapped(positions):
    return positions != list(range(1, len(positions) + 1))


# Guidelines


def guideline_normalize(entry):
    return {
        "slug": clean_text(entry["slug"]),
        "title": clean_text(entry["title"]),
        "text": clean_text(entry["text"]),
        "source": clean_text(entry["source"]),
        **publication_normalize(entry),
    }


def guideline_dump(guideline):
    return {
        "slug": guideline.slug,
        "title": guideline.title,
        "text": guideline.text,
        "source": guideline.source,
        **publication_dump(guideline),
    }


def guideline_write(guideline, data):
    guideline = guideline or Guideline(slug=data["slug"])
    guideline.title = data["title"]
    guideline.text = data["text"]
    guideline.source = data["source"]
    publication_write(guideline, data)
    if guideline.pk is None:
        last = (
            Guideline.objects.order_by("-position")
            .values_list("position", flat=True)
            .first()
        )
        guideline.position = (last or 0) + 1
    return validated_save(guideline)


def guideline_positions_dump():
    """Every guideline's position by slug, if they are not numbered 1 to n."""
    positions = dict(
        Guideline.objects.order_by("position").values_list("slug", "position")
    )
    return positions if _gapped(list(positions.values())) else {}


def guideline_positions_restore(numbers):
    """Give the guidelines named in ``numbers`` their exported positions."""
    guidelines = list(Guideline.objects.filter(slug__in=numbers))
    for guideline in guidelines:
        guideline.position = numbers[guideline.slug]
    ordered_children_save(queryset=Guideline.objects.all(), instances=guidelines)


# Translations (hipext.content.editions): an exercise's texts, its steps by position,
# equipment notes by equipment slug, variations in the English order.

EXERCISE_TEXTS = Texts(
    fields=("name", "summary", "difficulty_basis"),
    lines=("aliases", "editorial_aliases", "tips", "cautions"),
)


def _variation_texts(values):
    return [
        {"name": clean_text(v.get("name")), "note": clean_text(v.get("note"))}
        for v in values or []
    ]


def exercise_translation_normalize(entry, english):
    data = entry_clean(
        entry,
        {
            **EXERCISE_TEXTS.cleaners(),
            "steps": clean_texts,
            "equipment": lambda notes: {
                slug: {"note": clean_text((value or {}).get("note"))}
                for slug, value in (notes or {}).items()
            },
            "variations": _variation_texts,
        },
    )
    if english is not None:
        if "steps" in data:
            paired("steps", data["steps"], clean_lines(english.get("steps")))
        if "variations" in data:
            # Listed in the fixture's order; kept, as the dump is, by English name.
            names = [clean_text(v["name"]) for v in english.get("variations") or []]
            paired("variations", data["variations"], names)
            pairs = sorted(zip(names, data["variations"], strict=True), key=_first)
            data["variations"] = [v for _, v in pairs]
    return data


def _first(pair):
    return pair[0]


def _steps(exercise):
    return sorted(exercise.steps.all(), key=lambda step: step.position)


def _noted_links(exercise):
    """Equipment links with an English note, by equipment slug."""
    return {
        link.equipment.slug: link
        for link in exercise.equipment_links.all()
        if localized(link, "note", source_language())
    }


def _variations(exercise):
    return sorted(
        exercise.variations.all(), key=lambda v: localized(v, "name", source_language())
    )


def exercise_translation_dump(exercise, language):
    links = _noted_links(exercise)
    return {
        **EXERCISE_TEXTS.dump(exercise, language),
        "steps": [localized(step, "text", language) for step in _steps(exercise)],
        "equipment": {
            slug: {"note": localized(links[slug], "note", language)}
            for slug in sorted(links)
        },
        "variations": [
            {
                "name": localized(v, "name", language),
                "note": localized(v, "note", language),
            }
            for v in _variations(exercise)
        ],
    }


def exercise_translation_write(exercise, language, data):
    links = _noted_links(exercise)
    children = [
        (step, translation_set(step, language, {"text": text}))
        for step, text in zip(_steps(exercise), data.get("steps", ()), strict=False)
    ]
    children += [
        (links[slug], translation_set(links[slug], language, value))
        for slug, value in data.get("equipment", {}).items()
    ]
    children += [
        (variation, translation_set(variation, language, value))
        for variation, value in zip(
            _variations(exercise), data.get("variations", ()), strict=False
        )
    ]
    EXERCISE_TEXTS.save(exercise, language, data, children)


MUSCLES = ContentKind(
    label="muscle",
    fixture="muscles.yaml",
    model=Muscle,
    normalize=muscle_normalize,
    dump=muscle_dump,
    write=muscle_write,
    prefetch=("group",),
    translation=texts_translation("muscles", Texts(fields=("name", "description"))),
    # Groups before their members, so an export can be imported in one pass.
    export_order=(F("group").asc(nulls_first=True), "pk"),
)
EQUIPMENT = ContentKind(
    label="equipment",
    fixture="equipment.yaml",
    model=Equipment,
    normalize=equipment_normalize,
    dump=equipment_dump,
    write=equipment_write,
    translation=texts_translation("equipment", Texts(fields=("name", "description"))),
)
EXERCISES = ContentKind(
    label="exercise",
    fixture="exercises.yaml",
    model=Exercise,
    normalize=exercise_normalize,
    dump=exercise_dump,
    write=exercise_write,
    earlier_dump=exercise_earlier_dump,
    link=exercise_link,
    prefetch=exercise_detail_prefetches(),
    translation=Translation(
        key="exercises",
        normalize=exercise_translation_normalize,
        dump=exercise_translation_dump,
        write=exercise_translation_write,
        children=("steps", "equipment", "variations"),
    ),
    positions=Positions(
        key="exercise_steps",
        dump=exercise_steps_positions_dump,
        restore=exercise_steps_positions_restore,
    ),
)
GUIDELINES = ContentKind(
    label="guideline",
    fixture="guidelines.yaml",
    model=Guideline,
    normalize=guideline_normalize,
    dump=guideline_dump,
    write=guideline_write,
    earlier_dump=lambda guideline: without_publication(guideline_dump(guideline)),
    export_order=("position",),
    translation=texts_translation("guidelines", Texts(fields=("title", "text"))),
    positions=Positions(
        key="guidelines",
        dump=guideline_positions_dump,
        restore=guideline_positions_restore,
    ),
)

register(MUSCLES, EQUIPMENT, EXERCISES, GUIDELINES)
