"""The editions' review status in the admin (hipext/admin.py)."""

from django.urls import reverse

from hipext.models import Edition


def test_an_editor_marks_an_edition_reviewed_and_an_empty_post_changes_nothing(
    admin_client, seeded
):
    edition = Edition.objects.get(language="es")
    url = reverse("admin:hipext_edition_change", args=[edition.pk])
    assert edition.reviewed is False

    refused = admin_client.post(url, {})
    assert refused.status_code == 200
    assert "reviewed" in refused.context["adminform"].form.errors
    edition.refresh_from_db()
    assert edition.reviewed is False

    saved = admin_client.post(url, {"reviewed": "True", "note": "Checked by Ana."})
    assert saved.status_code == 302
    edition.refresh_from_db()
    assert (edition.reviewed, edition.note) == (True, "Checked by Ana.")
    assert edition.language == "es"
