"""The admin's revision history: every save recorded, compared, reverted, recovered.

``HistoryAdminMixin`` goes on a content ModelAdmin whose model is registered with
``hipext.content.history``. It replaces the admin's "History" page with the object's
revisions, adds a comparison of any two, a one-click revert, and a list of deleted
objects to recover with their children.
"""

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import router
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from reversion.models import Revision, Version

from .history import (
    RevertError,
    content_recover,
    content_revert,
    deletion_record,
    history_recorded,
    latest_deleted,
    revert_comment,
)
from .historydiff import revisions_compare
from .validators import validate_line

COMMENT_FIELD = "revision_comment"


class HistoryAdminMixin:
    """Records each admin save as a revision; shows, compares, reverts, recovers."""

    object_history_template = "admin/hipext/history/object_history.html"
    change_list_template = "admin/hipext/history/change_list.html"

    # Recording

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form") or self.form
        kwargs["form"] = type(
            base.__name__,
            (base,),
            {
                COMMENT_FIELD: forms.CharField(
                    label="Comment on this change",
                    required=False,
                    max_length=300,
                    validators=[validate_line],
                    help_text="Optional: why you changed it, shown in its history.",
                )
            },
        )
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not any(
            COMMENT_FIELD in names for _, o in fieldsets for names in o["fields"]
        ):
            fieldsets.append(("Revision", {"fields": [COMMENT_FIELD]}))
        return fieldsets

    def changeform_view(self, request, *args, **kwargs):
        # The comment is the editor's, or the admin's change message (log_change).
        with history_recorded(comment="", user=request.user):
            return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        comment = f"Changed from the list of {self.opts.verbose_name_plural}."
        with history_recorded(comment=comment, user=request.user):
            return super().changelist_view(request, *args, **kwargs)

    def save_model(self, request, obj, form, change):
        request.revision_comment = form.cleaned_data.get(COMMENT_FIELD, "")
        super().save_model(request, obj, form, change)

    def _comment(self, request, entry):
        given = getattr(request, "revision_comment", "")
        reversion.set_comment(given or entry.get_change_message() or "Saved.")
        return entry

    def log_addition(self, request, obj, message):
        return self._comment(request, super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return self._comment(request, super().log_change(request, obj, message))

    def delete_model(self, request, obj):
        deletion_record([obj], user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        deletion_record(list(queryset), user=request.user)
        super().delete_queryset(request, queryset)

    # Views

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.history_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:revision_id>/revert/",
                wrap(require_POST(self.history_revert_view)),
                name=f"{prefix}_history_revert",
            ),
            path("recover/", wrap(self.recover_list_view), name=f"{prefix}_recover"),
            path(
                "recover/<int:version_id>/",
                wrap(require_POST(self.recover_view)),
                name=f"{prefix}_recover_one",
            ),
            *super().get_urls(),
        ]

    def _url(self, name, *args):
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}",
            args=args,
        )

    def _object(self, request, object_id, permission):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not permission(request, obj):
            raise PermissionDenied
        return obj

    def _revisions(self, obj):
        """The object's revisions, newest first."""
        return [
            version.revision
            for version in Version.objects.get_for_object(obj)
            .select_related("revision__user")
            .order_by("-revision__date_created", "-revision_id")
        ]

    def _context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": title,
            "subtitle": str(obj) if obj is not None else None,
            "has_change_permission": self.has_change_permission(request, obj),
            **extra,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._object(request, object_id, self.has_view_or_change_permission)
        revisions = self._revisions(obj)
        context = self._context(
            request,
            obj,
            f"History: {obj}",
            revisions=revisions,
            compare_url=self._url("history_compare", quote(obj.pk)),
            revert_urls={
                r.pk: self._url("history_revert", quote(obj.pk), r.pk)
                for r in revisions
            },
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def history_compare_view(self, request, object_id):
        obj = self._object(request, object_id, self.has_view_or_change_permission)
        revisions = self._revisions(obj)
        if not revisions:
            raise Http404("This object has no recorded revision yet.")
        by_id = {str(r.pk): r for r in revisions}
        new = by_id.get(request.GET.get("new", ""), revisions[0])
        old = by_id.get(request.GET.get("old", ""))
        if old is None:
            older = [r for r in revisions if r.date_created < new.date_created]
            old = older[0] if older else new
        if old.date_created > new.date_created:
            old, new = new, old
        context = self._context(
            request,
            obj,
            f"Changes to {obj}",
            old=old,
            new=new,
            latest=revisions[0],
            comparison=revisions_compare(type(obj), obj.pk, old, new),
            history_url=self._url("history", quote(obj.pk)),
            revert_urls={
                r.pk: self._url("history_revert", quote(obj.pk), r.pk)
                for r in (old, new)
            },
        )
        return TemplateResponse(request, "admin/hipext/history/compare.html", context)

    def history_revert_view(self, request, object_id, revision_id):
        obj = self._object(request, object_id, self.has_change_permission)
        revision = get_object_or_404(Revision, pk=revision_id)
        try:
            content_revert(
                model=type(obj),
                object_id=obj.pk,
                revision=revision,
                user=request.user,
                comment=revert_comment(revision),
            )
        except RevertError as error:
            messages.error(request, f"Could not revert {obj}: {error}")
            return HttpResponseRedirect(self._url("history", quote(obj.pk)))
        messages.success(
            request,
            f"{obj} is back as it was in revision {revision.pk}; "
            "the revert is recorded as a new revision.",
        )
        return HttpResponseRedirect(self._url("change", quote(obj.pk)))

    def recover_list_view(self, request):
        if not (
            self.has_add_permission(request) and self.has_change_permission(request)
        ):
            raise PermissionDenied
        context = self._context(
            request,
            None,
            f"Recover deleted {self.opts.verbose_name_plural}",
            deleted=[
                (version, self._url("recover_one", version.pk))
                for version in latest_deleted(self.model).using(
                    router.db_for_read(Version)
                )
            ],
        )
        return TemplateResponse(
            request, "admin/hipext/history/recover_list.html", context
        )

    def recover_view(self, request, version_id):
        if not (
            self.has_add_permission(request) and self.has_change_permission(request)
        ):
            raise PermissionDenied
        version = get_object_or_404(
            latest_deleted(self.model).select_related("content_type"), pk=version_id
        )
        try:
            obj = content_recover(version=version, user=request.user)
        except RevertError as error:
            messages.error(request, f"Could not recover {version.object_repr}: {error}")
            return HttpResponseRedirect(self._url("recover"))
        messages.success(
            request, f"{obj} is recovered with its children, as a new revision."
        )
        return HttpResponseRedirect(self._url("change", quote(obj.pk)))
