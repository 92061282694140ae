"""A readable difference between two revisions of an object, its children included.

Each revision is laid out as an editor reads the object: its fields by their labels,
then one line per child (steps in order, muscles, equipment and their alternatives,
variations…). Fields are compared one by one, children line by line, and a changed
text shows the words taken out and put in.
"""

import difflib
import re
from dataclasses import dataclass, field
from itertools import zip_longest

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .history import snapshot
from .languages import source_language, translated_fields

# Fields that say when or how often a row was saved, not what it holds.
HIDDEN_FIELDS = {"revision", "created_at", "updated_at"}
ABSENT = "—"
# Below this likeness two lines are shown as one taken out and one put in, not as
# one changed word by word.
LIKENESS = 0.5


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class LineChange:
    kind: str  # "equal", "removed", "added", "changed"
    old: str = ""
    new: str = ""


@dataclass
class SectionDiff:
    title: str
    lines: list[LineChange] = field(default_factory=list)

    @property
    def changed(self):
        return any(line.kind != "equal" for line in self.lines)


@dataclass
class Comparison:
    fields: list[FieldChange]
    unchanged_fields: int
    sections: list[SectionDiff]

    @property
    def changed(self):
        return bool(self.fields) or any(s.changed for s in self.sections)


def _display(obj, f):
    """One field's value as the admin would show it."""
    value = getattr(obj, f.attname)
    if value is None or value == "":
        return ABSENT
    if f.is_relation:
        target = f.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"deleted (id {value})"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    # A browser posts line breaks as CR LF, the seed writes LF: the same text.
    return str(value).replace("\r\n", "\n")


def _shown_fields(model, exclude=()):
    # A translated field is shown by its columns, one per language; its own column
    # only repeats the English one.
    hidden = HIDDEN_FIELDS | set(exclude) | set(translated_fields(model))
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in hidden
    ]


def _translation(f):
    """Whether ``f`` holds a text in a language other than the source one."""
    return hasattr(f, "translated_field") and f.language != source_language()


def _fields(node):
    """{label: value} of the object's own fields."""
    if node is None:
        return {}
    return {
        str(f.verbose_name): _display(node.obj, f) for f in _shown_fields(node.model)
    }


def _row(node, parent_field):
    # Children are listed in position order, so the numbers themselves would only
    # make every line after an insertion look changed.
    fields = _shown_fields(node.model, exclude={parent_field.name, "position"})
    own = [f for f in fields if not _translation(f)]
    if len(own) == 1:  # a step: its text says it all
        parts = [_display(node.obj, own[0])]
    else:
        parts = [f"{f.verbose_name}: {_display(node.obj, f)}" for f in own]
    parts += [
        f"{f.verbose_name}: {_display(node.obj, f)}" for f in fields if _translation(f)
    ]
    return " · ".join(part for part in parts if not part.endswith(ABSENT))


def _lines(nodes, parent_field, depth=0):
    """One line per child, in position order, each followed by its own children."""
    rows = sorted(
        nodes,
        key=lambda n: (getattr(n.obj, "position", 0) or 0, _row(n, parent_field)),
    )
    lines = []
    for node in rows:
        lines.append("    " * depth + _row(node, parent_field))
        for rel, children in node.children.items():
            lines += _lines(children, rel.field, depth + 1)
    return lines


def _sections(node):
    """{title: lines} of each child relation the revision follows."""
    if node is None:
        return {}
    return {
        str(rel.related_model._meta.verbose_name_plural).capitalize(): _lines(
            children, rel.field
        )
        for rel, children in node.children.items()
    }


def words_diff(old, new):
    """``old`` and ``new`` as HTML, the words only in one marked <del> or <ins>."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_html, new_html = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # escaped above


def _lines_diff(title, old, new):
    section = SectionDiff(title=title)
    matcher = difflib.SequenceMatcher(None, old, new)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            section.lines += [LineChange("equal", line, line) for line in old[i1:i2]]
            continue
        for before, after in zip_longest(old[i1:i2], new[j1:j2]):
            if before is None:
                section.lines.append(LineChange("added", new=escape(after)))
            elif after is None:
                section.lines.append(LineChange("removed", old=escape(before)))
            elif difflib.SequenceMatcher(None, before, after).ratio() < LIKENESS:
                section.lines.append(LineChange("removed", old=escape(before)))
                section.lines.append(LineChange("added", new=escape(after)))
            else:
                section.lines.append(LineChange("changed", *words_diff(before, after)))
    return section


def revisions_compare(model, object_id, old_revision, new_revision):
    """What changed in the object from ``old_revision`` to ``new_revision``."""
    old = snapshot(model, object_id, old_revision)
    new = snapshot(model, object_id, new_revision)
    old_fields, new_fields = _fields(old), _fields(new)
    changes, unchanged = [], 0
    for label in dict.fromkeys([*old_fields, *new_fields]):
        before, after = old_fields.get(label, ABSENT), new_fields.get(label, ABSENT)
        if before == after:
            unchanged += 1
        else:
            changes.append(FieldChange(label, *words_diff(before, after)))
    old_sections, new_sections = _sections(old), _sections(new)
    sections = [
        _lines_diff(title, old_sections.get(title, []), new_sections.get(title, []))
        for title in dict.fromkeys([*old_sections, *new_sections])
    ]
    return Comparison(fields=changes, unchanged_fields=unchanged, sections=sections)
