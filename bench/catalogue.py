"""Build a synthetic exercise catalogue for the benchmark.

Usage (from the project root, DATABASE_URL pointing at an empty PostgreSQL database):

    .venv/bin/python -m bench.catalogue --exercises 1000

Migrates, loads the seed, then adds synthetic exercises, each with 4–6 steps, 2–4
muscles and 1–3 equipment rows; about a third need no equipment (their rows are all
optional). Deterministic: the same count gives the same catalogue. The rows come from
the tests' factories (tests/factories.py, the one synthetic-data builder), built
unsaved and inserted in bulk.
"""

import argparse
import os
import random
import uuid

BATCH = 2000


def build(count):
    from django.core.management import call_command
    from django.db import connection, transaction

    from exercises.models import Exercise
    from hipext.content.languages import content_languages
    from hipext.content.version import content_changed
    from hipext.models import Document

    call_command("migrate", verbosity=0)
    existing = Exercise.objects.filter(slug__startswith="synthetic-").count()
    if existing == count:
        # Not even the seed again: it compares every exercise, synthetic ones included
        # (about a minute and 2 GB on 100,000).
        print(f"catalogue already holds {count} synthetic exercises")
    else:
        call_command("seed", verbosity=0)
        _fill(count)
    # bulk_create sends no signals: render the published documents as a release does
    # (rebuild_documents; a reused catalogue keeps them), and bump the content version
    # by hand. One document per exercise and language.
    documents = Document.objects.filter(kind="exercise").count()
    if documents != Exercise.objects.count() * len(content_languages()):
        call_command("rebuild_documents", verbosity=0)
    with transaction.atomic():
        content_changed()
    # Fresh planner statistics and visibility map, as after any bulk load: without
    # the statistics PostgreSQL plans for the handful of rows it last saw, without
    # the map it cannot answer a COUNT from an index alone (autovacuum catches up
    # with both only later).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _fill(count):
    from django.db import transaction

    from exercises.models import (
        Difficulty,
        Equipment,
        Exercise,
        ExerciseEquipment,
        ExerciseMuscle,
        ExerciseStep,
        Laterality,
        Muscle,
        MuscleRole,
        Position,
        Requirement,
    )
    from tests.factories import (
        ExerciseEquipmentFactory,
        ExerciseFactory,
        ExerciseMuscleFactory,
        ExerciseStepFactory,
    )

    Exercise.objects.filter(slug__startswith="synthetic-").delete()

    rng = random.Random(count)
    muscles = list(Muscle.objects.order_by("slug"))
    equipment = list(Equipment.objects.order_by("slug"))
    Alternative = ExerciseEquipment.alternatives.through
    for start in range(0, count, BATCH):
        with transaction.atomic():
            exercises = Exercise.objects.bulk_create(
                [
                    ExerciseFactory.build(
                        uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                        name=f"Synthetic exercise {number:06d}",
                        slug=f"synthetic-{number:06d}",
                        summary=f"Synthetic exercise number {number} for the benchmark.",
                        difficulty=rng.choice(Difficulty.values),
                        position=rng.choice(Position.values),
                        laterality=rng.choice(Laterality.values),
                        per_side=rng.random() < 0.4,
                        source="Synthetic benchmark data.",
                    )
                    for number in range(start, min(start + BATCH, count))
                ]
            )
            steps, muscle_links, equipment_links = [], [], []
            for exercise in exercises:
                for position in range(1, rng.randint(4, 6) + 1):
                    steps.append(
                        ExerciseStepFactory.build(
                            exercise=exercise,
                            position=position,
                            text=f"Step {position} of {exercise.name}: move with control.",
                        )
                    )
                for index, muscle in enumerate(rng.sample(muscles, rng.randint(2, 4))):
                    muscle_links.append(
                        ExerciseMuscleFactory.build(
                            exercise=exercise,
                            muscle=muscle,
                            role=MuscleRole.PRIMARY
                            if index == 0
                            else MuscleRole.SECONDARY,
                        )
                    )
                needs_none = rng.random() < 1 / 3
                for index, item in enumerate(rng.sample(equipment, rng.randint(1, 3))):
                    required = not needs_none and (index == 0 or rng.random() < 0.5)
                    equipment_links.append(
                        ExerciseEquipmentFactory.build(
                            exercise=exercise,
                            equipment=item,
                            requirement=(
                                Requirement.REQUIRED
                                if required
                                else Requirement.OPTIONAL
                            ),
                        )
                    )
            ExerciseStep.objects.bulk_create(steps)
            ExerciseMuscle.objects.bulk_create(muscle_links)
            links = ExerciseEquipment.objects.bulk_create(equipment_links)
            alternatives = []
            for link in links:
                if rng.random() < 0.3:
                    other = rng.choice(equipment)
                    if other.pk != link.equipment_id:
                        alternatives.append(
                            Alternative(link_id=link.pk, equipment_id=other.pk)
                        )
            Alternative.objects.bulk_create(alternatives)
        print(f"  {min(start + BATCH, count)} / {count} exercises", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipext.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    build(args.exercises)


if __name__ == "__main__":
    main()
