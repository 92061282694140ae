"""The translation catalogs (locale/): complete, compiled, and the ones Django loads."""

import ast
import gettext
import shutil
import subprocess

import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import skip_unless

LOCALE = settings.BASE_DIR / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_path(language):
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def read_po(path):
    """The catalog's entries: [{"ctx", "id", "plural", "str": [..], "fuzzy"}]."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry = {"ctx": None, "id": None, "plural": None, "str": [], "fuzzy": False}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["fuzzy"] |= "fuzzy" in line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                text = ast.literal_eval(line)
                if field == "str":
                    entry["str"][-1] += text
                else:
                    entry[field] += text
            else:
                keyword, _, rest = line.partition(" ")
                text = ast.literal_eval(rest)
                if keyword.startswith("msgstr"):
                    field = "str"
                    entry["str"].append(text)
                else:
                    field = {"msgctxt": "ctx", "msgid": "id"}.get(keyword, "plural")
                    entry[field] = text
        entries.append(entry)
    return entries


def messages(language):
    """The catalog's messages, without its header."""
    return [entry for entry in read_po(po_path(language)) if entry["id"]]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = messages(language)
    assert len(entries) > 50
    untranslated = [e["id"] for e in entries if not all(e["str"]) or not e["str"]]
    fuzzy = [e["id"] for e in read_po(po_path(language)) if e["fuzzy"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_holds_exactly_the_po(language):
    """A .po edited without running compilemessages fails here."""
    with po_path(language).with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    expected = {}
    for entry in messages(language):
        key = (
            entry["id"] if entry["ctx"] is None else f"{entry['ctx']}\x04{entry['id']}"
        )
        if entry["plural"] is None:
            expected[key] = entry["str"][0]
        else:
            for index, text in enumerate(entry["str"]):
                expected[(key, index)] = text
    compiled.pop("", None)  # the header
    assert compiled == expected


@pytest.mark.parametrize("language", TRANSLATED)
def test_django_serves_each_catalog_message_as_written(language):
    """The project's catalog wins over any app's (Django's own hold some of the
    same words) and every message reaches gettext as the .po says."""
    with translation.override(language):
        for entry in messages(language):
            if entry["plural"] is not None:
                got = (
                    translation.npgettext(entry["ctx"], entry["id"], entry["plural"], 1)
                    if entry["ctx"]
                    else translation.ngettext(entry["id"], entry["plural"], 1)
                )
            elif entry["ctx"]:
                got = translation.pgettext(entry["ctx"], entry["id"])
            else:
                got = translation.gettext(entry["id"])
            assert got == entry["str"][0], entry["id"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_msgfmt_accepts_the_catalog(language, tmp_path):
    """Placeholders match their msgid's and the header is complete."""
    msgfmt = shutil.which("msgfmt")
    skip_unless(msgfmt, "msgfmt (GNU gettext) is not installed")
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(po_path(language))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
