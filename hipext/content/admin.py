"""Admin building blocks shared by the content apps."""

from adminsortable2.admin import (
    CustomInlineFormSet,
    SortableInlineAdminMixin,
    SortableTabularInline,
)
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import router
from django.utils.html import format_html

from .ordering import ordered_children_save
from .publishing import documents_flushed


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
