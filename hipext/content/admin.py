"""Admin building blocks shared by the content apps."""

from .ordering import ordered_children_save


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
