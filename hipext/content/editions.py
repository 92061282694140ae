"""The content's editions in other languages, loaded with the seed's editor safety.

``translations/<lang>.yaml`` (in fixtures/ and in an export) is one language's edition:
its review status, then per kind (a Translation's ``key``) each object's texts keyed
by slug, with lists of children in their English order (steps, variations, routine
items) and equipment notes by equipment slug. A content kind with a ``translation``
says how to read one entry, dump an object's translation in that shape and write it;
this module loads editions as hipext.content.seeding loads the English fixtures, in
the same transaction: a SeedRecord per object and language (``exercise:es``), an
editor's changed translation never overwritten without ``overwrite``, an unchanged
one never written. An entry may leave a member out: the seed neither compares nor
writes it.
"""

from collections.abc import Callable
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from modeltranslation.utils import build_localized_fieldname

from hipext.models import Edition, SeedRecord

from .languages import content_languages, source_language, translated_fields
from .modeling import split_lines
from .seeding import SeedError, clean_lines, clean_text, content_kinds, digest

# The SeedRecord model label of Edition rows (keyed by language).
EDITION_LABEL = "edition"


def edition_file(language):
    """An edition's file name, relative to the fixtures directory or an export."""
    return f"translations/{language}.yaml"


def edition_languages():
    """The languages that have editions: every supported one but the source."""
    return [code for code in content_languages() if code != source_language()]


@dataclass(frozen=True)
class Translation:
    """How a content kind's objects are translated, in an edition's shape.

    ``normalize(entry, english)`` cleans one edition entry, given the object's English
    fixture entry (or None) to pair children listed in its order; ``dump(obj, lang)``
    gives the object's ``lang`` texts in the same shape (empty where untranslated);
    ``write(obj, lang, data)`` saves the members ``data`` holds. ``children`` names the
    members whose items follow the object's rows (steps, variations...): a translation
    whose children are not the object's (an editor added a step) is not written.
    """

    key: str
    normalize: Callable[[dict, dict | None], dict]
    dump: Callable[[models.Model, str], dict]
    write: Callable[[models.Model, str, dict], None]
    children: tuple[str, ...] = ()


def entry_clean(entry, cleaners):
    """``entry``'s members, each cleaned by ``cleaners[name]``; an unknown one is an error."""
    if not isinstance(entry, dict):
        raise SeedError(f"expected a mapping of fields, not {entry!r:.60}")
    unknown = set(entry) - set(cleaners)
    if unknown:
        raise SeedError(f"unknown fields {sorted(unknown)}")
    return {name: cleaners[name](value) for name, value in entry.items()}


def clean_texts(values):
    """A list of texts kept by position (steps): stripped, a missing one empty."""
    return [clean_text(value) for value in values or []]


def paired(what, translated, english):
    """Check that ``translated`` has one item per item of ``english`` (by position)."""
    if english is not None and len(translated) != len(english):
        raise SeedError(
            f"{what}: {len(translated)} items for the English entry's {len(english)}"
        )


def localized(obj, name, language):
    """``obj``'s own ``name`` text in ``language`` (no fallback), empty if none."""
    return getattr(obj, build_localized_fieldname(name, language)) or ""


@dataclass(frozen=True)
class Texts:
    """An object's own translated fields: ``fields`` one text each, ``lines`` lists
    stored one item a line (as the English fields are)."""

    fields: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()

    def cleaners(self):
        return {
            **dict.fromkeys(self.fields, clean_text),
            **dict.fromkeys(self.lines, clean_lines),
        }

    def dump(self, obj, language):
        return {
            **{name: localized(obj, name, language) for name in self.fields},
            **{
                name: split_lines(localized(obj, name, language)) for name in self.lines
            },
        }

    def save(self, obj, language, data, children=()):
        """Save the texts ``data`` holds, and ``children`` (see translation_save)."""
        values = {name: data[name] for name in self.fields if name in data}
        values.update({n: "\n".join(data[n]) for n in self.lines if n in data})
        return translation_save(obj, language, values, children)


def texts_translation(key, texts):
    """The Translation of a kind whose texts are its own fields (no children)."""
    return Translation(
        key=key,
        normalize=lambda entry, english: entry_clean(entry, texts.cleaners()),
        dump=texts.dump,
        write=texts.save,
    )


def translation_set(obj, language, values):
    """Give ``obj`` the ``language`` texts in ``values`` (field name: text), validated,
    unsaved; the columns that changed."""
    columns = []
    for name, value in values.items():
        column = build_localized_fieldname(name, language)
        field = obj._meta.get_field(column)
        # What the field stores for "untranslated": NULL for names (unique), else "".
        value = value or (None if field.empty_value is None else "")
        if getattr(obj, column) != value:
            setattr(obj, column, value)
            columns.append(column)
    if columns:
        others = [f.name for f in obj._meta.concrete_fields if f.name not in columns]
        obj.clean_fields(exclude=others)
        obj.validate_unique(exclude=others)
    return columns


def translation_save(obj, language, values, children=()):
    """Save ``obj``'s ``language`` texts in ``values`` and its ``children``, pairs of a
    row and the columns translation_set changed on it; True if anything changed.

    Children are updated in bulk, with no signals of their own: ``obj``'s save then
    notes the documents and the content version, once per object rather than once
    per row; the history records each of them with it.
    """
    columns = translation_set(obj, language, values)
    changed = {}
    for row, row_columns in children:
        if row_columns:
            rows, fields = changed.setdefault(type(row), ([], set()))
            rows.append(row)
            fields.update(row_columns)
    for model, (rows, fields) in changed.items():
        model.objects.bulk_update(rows, sorted(fields))
        if reversion.is_active() and reversion.is_registered(model):
            # As they are now: a revision that saved them earlier (the seed creating
            # them) holds them untranslated, and following keeps that copy.
            for row in rows:
                reversion.add_to_revision(row)
    if not columns and not changed:
        return False
    first = build_localized_fieldname(translated_fields(type(obj))[0], language)
    obj.save(update_fields=columns or [first])
    return True


def _blank(value):
    """Whether a dumped translation holds no text at all."""
    if isinstance(value, dict):
        return all(_blank(item) for item in value.values())
    if isinstance(value, list):
        return all(_blank(item) for item in value)
    return not value


def _children(translation, data):
    """The shape of ``data``'s children: each list's length, each mapping's keys."""
    return {
        name: len(data[name]) if isinstance(data[name], list) else sorted(data[name])
        for name in translation.children
        if name in data
    }


def edition_read(files, language):
    """The edition of ``language`` in ``files`` (fixture files by name), or None."""
    name = edition_file(language)
    edition = files.get(name)
    if edition is None:
        return None
    if not isinstance(edition, dict):
        raise SeedError(f"{name}: expected a mapping of kinds to entries")
    if edition.get("language", language) != language:
        raise SeedError(f"{name}: it says language {edition.get('language')!r}")
    return edition


def translations_prior(kind, objects):
    """Each object's translations before a load writes its English, by language and
    slug: a translation that only the English write changed (a step added to both)
    is as the seed left it, not an editor's."""
    if kind.translation is None:
        return {}
    return {
        (language, obj.slug): kind.translation.dump(obj, language)
        for obj in objects
        for language in edition_languages()
    }


def translations_load(kind, files, prior, overwrite, report):
    """Load every edition's translations of ``kind``'s objects (see the module)."""
    translation = kind.translation
    if translation is None:
        return
    english = {
        entry["slug"]: entry
        for entry in files.get(kind.fixture) or []
        if isinstance(entry, dict) and "slug" in entry
    }
    objects = None
    for language in edition_languages():
        edition = edition_read(files, language)
        if edition is None:
            continue
        entries = edition.get(translation.key) or {}
        if not isinstance(entries, dict):
            raise SeedError(f"{edition_file(language)}: {translation.key}: by slug")
        if objects is None:  # read again: the English writes changed them
            objects = {obj.slug: obj for obj in kind.queryset()}
        label = f"{kind.label}:{language}"
        records = {r.key: r for r in SeedRecord.objects.filter(model=label)}
        for slug, entry in entries.items():
            name = f"{label} {slug}"
            where = f"{edition_file(language)}: {translation.key} {slug}"
            if slug not in english:
                raise SeedError(f"{where}: not in {kind.fixture}")
            obj = objects.get(slug)
            if obj is None:  # an editor deleted it: the English report says so
                continue
            try:
                data = translation.normalize(entry, english.get(slug))
            except SeedError as error:
                raise SeedError(f"{where}: {error}") from error
            except (KeyError, TypeError, AttributeError) as error:
                raise SeedError(f"{where}: lacks or mangles {error}") from error
            # Compared on the members the entry gives, as its record was taken.
            dumped = translation.dump(obj, language)
            given = {member: dumped[member] for member in data}
            now, wanted = digest(given), digest(data)
            record = records.get(slug)
            if now == wanted:
                _record(label, slug, wanted, record)
                report.unchanged.append(name)
                continue
            before = prior.get((language, slug))
            if record is None:
                edited = not _blank(dumped)
            elif before is not None:
                earlier = digest({member: before[member] for member in data})
                edited = record.digest not in (now, earlier)
            else:
                edited = record.digest != now
            if edited and not overwrite:
                report.skipped.append(f"{name} (changed by an editor)")
                continue
            if _children(translation, given) != _children(translation, data):
                report.skipped.append(f"{name} (its {kind.label} has other children)")
                continue
            try:
                translation.write(obj, language, data)
            except ValidationError as error:
                raise SeedError(f"{name}: {'; '.join(error.messages)}") from error
            _record(label, slug, wanted, record, force=True)
            (report.created if _blank(dumped) else report.updated).append(name)


def _record(label, key, wanted, record, force=False):
    if force or record is None or record.digest != wanted:
        SeedRecord.objects.update_or_create(
            model=label, key=key, defaults={"digest": wanted}
        )


def _edition_dump(edition):
    return {"reviewed": edition.reviewed, "note": edition.note}


def editions_load(files, overwrite, report):
    """Each edition's review status into its Edition row, with the same safety:
    an editor who marked an edition reviewed keeps it so."""
    records = {r.key: r for r in SeedRecord.objects.filter(model=EDITION_LABEL)}
    current = {e.language: e for e in Edition.objects.all()}
    for language in edition_languages():
        edition = edition_read(files, language)
        if edition is None:
            continue
        name = f"{EDITION_LABEL} {language}"
        reviewed = edition.get("reviewed", False)
        if not isinstance(reviewed, bool):
            raise SeedError(f"{edition_file(language)}: reviewed is true or false")
        data = {"reviewed": reviewed, "note": clean_text(edition.get("note"))}
        obj, record, wanted = current.get(language), records.get(language), digest(data)
        if obj is not None:
            now = digest(_edition_dump(obj))
            if now == wanted:
                _record(EDITION_LABEL, language, wanted, record)
                report.unchanged.append(name)
                continue
            if (record is None or record.digest != now) and not overwrite:
                report.skipped.append(f"{name} (changed by an editor)")
                continue
        elif record is not None and not overwrite:
            report.skipped.append(f"{name} (deleted by an editor)")
            continue
        (report.created if obj is None else report.updated).append(name)
        obj = obj or Edition(language=language)
        obj.reviewed, obj.note = data["reviewed"], data["note"]
        obj.full_clean()
        obj.save()
        _record(EDITION_LABEL, language, wanted, record, force=True)


def editions_export():
    """Every edition in its file's shape, by file name: review status, then each
    kind's translations of every object, in the English export's order."""
    reviewed = {e.language: e for e in Edition.objects.all()}
    files = {}
    for language in edition_languages():
        edition = reviewed.get(language)
        files[edition_file(language)] = {
            "language": language,
            "reviewed": edition.reviewed if edition else False,
            "note": edition.note if edition else "",
            **{
                kind.translation.key: {
                    obj.slug: kind.translation.dump(obj, language)
                    for obj in kind.queryset().order_by(*kind.export_order)
                }
                for kind in content_kinds()
                if kind.translation
            },
        }
    return files
