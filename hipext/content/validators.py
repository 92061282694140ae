"""Validators for the text of content: no control characters."""

import re
import unicodedata

from django.core.exceptions import ValidationError

# C0 and C1 controls and DEL: no reader wants them, and most are not allowed in XML 1.0
# (a diagram naming a muscle "Glute\x01" would not parse). U+FFFE and U+FFFF are not
# characters at all, and XML forbids them too.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
# Multi-line text keeps its tabs and line breaks (a browser posts "\r\n").
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _refuse(pattern, value):
    match = pattern.search(value)
    if match is None:
        return
    character = match.group()
    kind = (
        "control character" if unicodedata.category(character) == "Cc" else "character"
    )
    raise ValidationError(
        "Remove the %(kind)s %(code)s at position %(position)s.",
        code="control_character",
        params={
            "kind": kind,
            "code": f"U+{ord(character):04X}",
            "position": match.start() + 1,
        },
    )


def validate_line(value):
    """Refuse control characters, tabs and line breaks included, in one line of text."""
    _refuse(_NOT_IN_A_LINE, value)


def validate_text(value):
    """Refuse control characters other than tabs and line breaks in multi-line text."""
    _refuse(_NOT_IN_TEXT, value)
