"""Admin building blocks shared by the content apps."""

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableInlineAdminMixin,
    SortableTabularInline,
)
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import router
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch
from django.utils.html import format_html, format_html_join

from .ordering import ordered_children_save
from .preview import preview_url
from .publication import content_publish, content_unpublish, publication_holders
from .publishing import documents_flushed

# The publication fields, as a fieldset of any publishable content's admin.
PUBLICATION_FIELDSET = (
    "Publication",
    {"fields": ["status", "published_at", "preview"]},
)


class DocumentsFlushedAdminMixin:
    """Renders the documents an admin change affects once, before its transaction ends.

    Every view that writes (add, change, delete, and the changelist with its actions
    and list edits) runs in one transaction that renders the pending documents last,
    so a save with inlines renders its object's document once, not once per row.
    """

    def changeform_view(self, request, *args, **kwargs):
        with documents_flushed(using=router.db_for_write(self.model)):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with documents_flushed(using=router.db_for_write(self.model)):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with documents_flushed(using=router.db_for_write(self.model)):
            return super().changelist_view(request, *args, **kwargs)


class RevisionCheckedForm(forms.ModelForm):
    """A change form that refuses to save over a save made since it was opened."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The page to reload for the other editor's version; set per request by
    # RevisionCheckedAdminMixin.
    reload_url = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["base_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        if instance.pk is None:
            return cleaned
        # The admin validates and saves in one transaction: the row stays locked until
        # this save commits, so a concurrent save of the same object waits here and
        # then finds this one's revision (SQLite serializes all writers anyway).
        current = (
            type(instance)
            ._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("revision", flat=True)
            .first()
        )
        if current is None or cleaned.get("base_revision") != current:
            raise ValidationError(
                format_html(
                    "Another editor saved this {} after you opened it, so your "
                    'changes were not saved. <a href="{}">Reload it</a> to see '
                    "theirs, then make yours again.",
                    instance._meta.verbose_name,
                    self.reload_url,
                ),
                code="stale",
            )
        instance.revision = current
        return cleaned


class RevisionCheckedAdminMixin:
    """Refuses a change form opened before the object's latest save.

    List ``base_revision`` in the admin's fieldsets: it is a hidden field.
    """

    form = RevisionCheckedForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.reload_url = request.get_full_path()
        return form


class OrderedInlineSaveMixin:
    """Saves inline ordered children through the same service the seed uses.

    Saving inline rows one by one trips the unique (parent, position) constraint as
    soon as two rows swap positions; the service parks moving rows first.
    """

    ordered_inline_models = ()

    def save_formset(self, request, form, formset, change):
        if formset.model not in self.ordered_inline_models:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        ordered_children_save(
            queryset=formset.model.objects.filter(**{formset.fk.name: form.instance}),
            instances=instances,
            deleted=formset.deleted_objects,
            parent=form.instance,
        )
        formset.save_m2m()


class OrderedInlineFormSet(CustomInlineFormSet):
    """Ordered children dragged into order on the page (django-admin-sortable2).

    The page numbers the rows 1, 2, 3… as they stand after a drag; a new row left
    without a number (a form posted without the page's script) goes after the last.
    """

    def save_new(self, form, commit=True):
        name = self.default_order_field
        if not form.cleaned_data.get(name):
            taken = [
                f.cleaned_data.get(name) or 0
                for f in self.forms
                if f.cleaned_data and not self._should_delete_form(f)
            ]
            self._next_position = max(
                getattr(self, "_next_position", 0), self.get_max_order(), *taken
            )
            self._next_position += 1
            setattr(form.instance, name, self._next_position)
        return super().save_new(form, commit=commit)


class OrderedTabularInline(SortableInlineAdminMixin, admin.TabularInline):
    """A tabular inline of ordered children, dragged into order by their handle."""

    formset = OrderedInlineFormSet
    template = SortableTabularInline.template
    extra = 0

    class Media:
        js = ["hipext/admin/sortable-new-rows.js"]


class PublicationAdminMixin:
    """Drafts and publishing in a content admin: actions, list filter, preview links.

    Add ``PUBLICATION_FIELDSET`` to the admin's fieldsets. New objects start as drafts
    (the model's default); "Publish now" and "Unpublish" act on the selection, and
    unpublishing what published content shows asks to confirm, listing it.
    """

    actions = ["publish", "unpublish"]
    # Whether the preview shows a card too (exercises have one).
    preview_card_view = None

    def get_list_display(self, request):
        return [*super().get_list_display(request), "publication"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "status"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "preview"]

    @admin.display(description="Publication", ordering="published_at")
    def publication(self, obj):
        return obj.publication_label

    @admin.display(description="Preview")
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "Shown once it is saved."
        try:
            links = [("JSON", preview_url(obj))]
            if self.preview_card_view:
                links.append(("card", preview_url(obj, self.preview_card_view)))
        except NoReverseMatch:  # a URLconf without the public routes (some tests)
            return "No preview on this site."
        hours = settings.PREVIEW_LINK_MAX_AGE / 3600
        return format_html(
            "{} <span class='help'>As apps would see it; the link works for {} "
            "hour(s), for whoever holds it.</span>",
            format_html_join(
                " · ",
                '<a href="{}" target="_blank" rel="noopener" class="preview-link">'
                "Preview as {}</a>",
                ((url, label) for label, url in links),
            ),
            f"{hours:g}",
        )

    @admin.action(description="Publish now")
    def publish(self, request, queryset):
        published = 0
        for obj in queryset:
            if obj.is_published:
                continue
            try:
                content_publish(obj)
            except ValidationError as error:
                self.message_user(
                    request, f"{obj}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published}.", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)")
    def unpublish(self, request, queryset):
        confirmed = request.POST.get("confirm") == "yes"
        affected = [(obj, publication_holders(obj)) for obj in queryset]
        if not confirmed and any(holders for _, holders in affected):
            return TemplateResponse(
                request,
                "admin/unpublish_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Unpublish: please confirm",
                    "opts": self.model._meta,
                    "queryset": queryset,
                    "affected": [(obj, h) for obj, h in affected if h],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        also = []
        for obj in queryset:
            also += content_unpublish(obj, with_holders=confirmed)
        message = f"Unpublished {len(queryset)}."
        if also:
            message += " Also unpublished: " + ", ".join(str(h) for h in also) + "."
        self.message_user(request, message, messages.SUCCESS)
        return None
