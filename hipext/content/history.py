"""Revision history of content: every save recorded, any revision restored.

django-reversion stores the revisions: one ``Revision`` (who, when, comment) per save,
holding a ``Version`` of the object and of every child its registration follows (an
exercise's steps, muscles, equipment with their alternatives, variations). Restoring
a revision does not use reversion's own revert, which saves rows raw: that would
skip validation, trip the unique positions of swapped steps, and put the optimistic
locking number back. ``content_revert`` saves through the same paths as an edit
instead: full validation, the two-pass save of ordered children, one transaction
whose documents are rendered at its end, recorded as a new revision.
"""

import json
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import reversion
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, router
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.revisions import _get_options

from .languages import source_language, translated_fields
from .ordering import ordered_children_save, parent_lock
from .publishing import documents_flushed

# The author of revisions the seed and import record (an inactive user that cannot
# log in, created on first use).
SYSTEM_USERNAME = "hipext-system"
# Fields a restore leaves as they are: the optimistic-locking number only moves up.
KEPT_FIELDS = {"revision"}

_checks: dict[type[models.Model], Callable[[models.Model], None]] = {}
_kept: dict[type[models.Model], set[str]] = {}


class RevertError(Exception):
    """A revision cannot be restored as it is (its message says why, for an editor)."""


def register(model, *, follow=(), check=None, kept=()):
    """Record ``model``'s saves, with the children named in ``follow`` (accessors).

    ``check(obj)``, if given, runs after a restore, with the children in place, and
    raises ValidationError for a rule spanning several rows (as the admin's formset).
    ``kept`` names fields a restore leaves as they are now (besides ``revision``).
    """
    reversion.register(model, follow=follow)
    if check is not None:
        _checks[model] = check
    _kept[model] = KEPT_FIELDS | set(kept)


def system_user():
    """The documented author of the seed's and imports' revisions."""
    user, created = get_user_model()._default_manager.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def history_recorded(*, comment, user=None):
    """One revision for the content saved in the block, by ``user`` or the system."""
    with reversion.create_revision():
        # Set first: a later set_comment (the admin's change message) replaces it.
        reversion.set_user(user if user is not None else system_user())
        reversion.set_comment(comment)
        yield


def deletion_record(objects, *, user):
    """Record what ``objects`` hold, children included, before they are deleted.

    A revision of its own, saved now: one recorded as the delete's transaction
    commits would leave the deleted rows out.
    """
    revision = Revision.objects.create(
        date_created=timezone.now(), user=user, comment="Deleted."
    )
    seen = set()
    for obj in objects:
        for row in _graph(obj):
            key = (type(row), row.pk)
            if key in seen:
                continue
            seen.add(key)
            Version.objects.create(
                revision=revision,
                content_type=_content_type(type(row)),
                object_id=str(row.pk),
                db=router.db_for_write(type(row)),
                format="json",
                serialized_data=serializers.serialize("json", [row]),
                object_repr=str(row)[:191],
            )
    return revision


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def _relation(model, accessor):
    return next(
        rel
        for rel in model._meta.related_objects
        if rel.get_accessor_name() == accessor
    )


def _graph(obj):
    """``obj`` and every child its registration follows, depth first."""
    yield obj
    for accessor in _get_options(type(obj)).follow:
        for child in getattr(obj, accessor).all():
            yield from _graph(child)


@dataclass
class Node:
    """One object as a revision holds it, with the children it follows."""

    version: Version
    obj: models.Model
    children: dict = field(default_factory=dict)  # relation -> [Node]
    # The fields the revision holds (None: all); one recorded before a field existed
    # says nothing of it.
    held: frozenset | None = None

    @property
    def model(self):
        return type(self.obj)


def snapshot(model, object_id, revision):
    """The object with ``object_id`` and its children as ``revision`` holds them."""
    versions = list(
        Version.objects.filter(revision=revision).select_related("content_type")
    )
    return _node(model, str(object_id), versions)


def _node(model, object_id, versions):
    own = [
        v
        for v in versions
        if v.content_type.model_class() is model and v.object_id == object_id
    ]
    if not own:
        return None
    node = Node(version=own[0], obj=own[0]._object_version.object)
    node.held = _held(node)
    for accessor in _get_options(model).follow:
        rel = _relation(model, accessor)
        child_model = rel.related_model
        ids = [
            v.object_id
            for v in versions
            if v.content_type.model_class() is child_model
            and str(v.field_dict.get(rel.field.attname)) == object_id
        ]
        node.children[rel] = [_node(child_model, pk, versions) for pk in ids]
    return node


def _held(node):
    """The fields ``node``'s version holds, its texts' source-language columns filled
    in from the untranslated field for a version recorded before translations."""
    if node.version.format != "json":
        return None
    data = json.loads(node.version.serialized_data)[0]["fields"]
    held = set(data)
    for name in translated_fields(node.model):
        column = f"{name}_{source_language()}"
        if column not in data and name in data:
            setattr(node.obj, column, data[name])
            held.add(column)
    return frozenset(held)


def latest_deleted(model):
    """The newest version of each deleted ``model`` object, newest deletion first."""
    return (
        Version.objects.get_deleted(model)
        .select_related("revision__user")
        .order_by("-revision__date_created")
    )


def content_revert(*, model, object_id, revision, user, comment):
    """Make the object what ``revision`` holds (or recover it), as a new revision.

    Raises RevertError, with nothing changed, when the revision cannot be restored
    now (a muscle it names was deleted since, a name another object took…).
    """
    node = snapshot(model, object_id, revision)
    if node is None:
        raise RevertError("That revision holds no version of this object.")
    using = router.db_for_write(model)
    try:
        with (
            documents_flushed(using=using),
            history_recorded(comment=comment, user=user),
        ):
            obj = _restore(node)
            if model in _checks:
                _checks[model](obj)
    except ValidationError as error:
        raise RevertError(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise RevertError(
            f"The database refused it ({error}); nothing was changed."
        ) from error
    return obj


def _restore(node):
    """Save the root object with its fields from the revision, then its children."""
    obj = _prepared(node, exclude=[])
    if not obj._state.adding:
        # As an admin save does: a concurrent save of the object waits for this one.
        parent_lock(obj)
    obj.full_clean()
    obj.save()
    _restore_children_of(obj, node)
    return obj


def _prepared(node, *, exclude):
    """The row ``node`` stands for, its fields as in the revision, checked, unsaved."""
    model, old = node.model, node.obj
    current = model._base_manager.filter(pk=old.pk).first()
    if current is None:
        obj = old  # recovered: inserted under its old primary key
        if "revision" in KEPT_FIELDS and hasattr(obj, "revision"):
            # A form opened before the deletion must not save over the recovery.
            obj.revision += 1
    else:
        obj = current
        # A translated field's own column follows its source-language column on
        # save (django-modeltranslation): the columns are what is restored.
        kept = _kept.get(model, KEPT_FIELDS) | set(translated_fields(model))
        for f in model._meta.concrete_fields:
            if f.primary_key or f.name in kept:
                continue
            if node.held is None or f.name in node.held:
                setattr(obj, f.attname, getattr(old, f.attname))
    _check_references(obj, node, exclude)
    return obj


def _restore_children_of(obj, node):
    for rel, children in node.children.items():
        _restore_children(obj, rel, children)


def _restore_children(obj, rel, children):
    """Make ``obj``'s children along ``rel`` exactly those the revision holds."""
    child_model, fk = rel.related_model, rel.field
    queryset = child_model._base_manager.filter(**{fk.name: obj})
    wanted = {str(child.obj.pk) for child in children}
    deleted = [row for row in queryset if str(row.pk) not in wanted]
    rows = []
    for child in children:
        row = _prepared(child, exclude=[fk.name])
        setattr(row, fk.attname, obj.pk)
        # Uniqueness among siblings is the database's to check once all are in
        # place (positions are saved in two passes); each field's rules apply here.
        row.full_clean(
            exclude=[fk.name], validate_unique=False, validate_constraints=False
        )
        rows.append(row)
    if any(f.name == "position" for f in child_model._meta.concrete_fields):
        ordered_children_save(queryset=queryset, instances=rows, deleted=deleted)
    else:
        for row in deleted:
            row.delete()
        for row in rows:
            row.save()
    for child, row in zip(children, rows, strict=True):
        _restore_children_of(row, child)


def _check_references(obj, node, exclude):
    """Refuse, in words, a revision naming a row deleted since (a muscle, say)."""
    for f in type(obj)._meta.concrete_fields:
        if not f.is_relation or f.name in exclude:
            continue
        value = getattr(obj, f.attname)
        if value is None:
            continue
        if not f.related_model._base_manager.filter(pk=value).exists():
            raise ValidationError(
                f"“{node.version.object_repr}” names a {f.verbose_name} deleted since "
                f"(its id was {value}). Recover that {f.verbose_name} first, or "
                "choose another revision."
            )


def revert_comment(revision):
    """The comment of a revision that restores ``revision``."""
    when = timezone.localtime(revision.date_created).strftime("%Y-%m-%d %H:%M:%S")
    return f"Reverted to revision {revision.pk} of {when}."


def content_recover(*, version, user):
    """Bring back a deleted object with its children from its latest version."""
    return content_revert(
        model=version.content_type.model_class(),
        object_id=version.object_id,
        revision=version.revision,
        user=user,
        comment=f"Recovered from revision {version.revision_id}.",
    )
