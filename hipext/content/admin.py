"""Admin building blocks shared by the content apps."""

from django.db import router

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
