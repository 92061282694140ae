"""Filter building blocks shared by every FilterSet: strict choices, comma-separated values."""

import django_filters
from django import forms


def _values(choices):
    """The values of ``choices``: (value, label) pairs, bare values, or a callable."""
    if callable(choices):
        choices = choices()
    return [
        choice[0] if isinstance(choice, list | tuple) else choice for choice in choices
    ]


def unknown_value_error(unknown, valid):
    """The error for values outside ``valid``: names both, so a typo is obvious."""
    # Values go in params, never into the message itself: django-filter %-formats
    # the message, and a value may contain "%".
    return forms.ValidationError(
        "Unknown %(noun)s %(unknown)s. Valid values: %(valid)s.",
        code="invalid_choice",
        params={
            "noun": "value" if len(unknown) == 1 else "values",
            "unknown": ", ".join(repr(value) for value in unknown),
            "valid": ", ".join(valid),
        },
    )


class CommaSeparatedField(forms.Field):
    """A form field for "a,b,c": a list of distinct values, each one of ``choices``.

    ``choices`` may be a callable (evaluated only when a value is given, so slugs
    read from the database cost a query only on requests that use the filter).
    An empty value means "no filter"; a blank item in a list ("a,,b") is an error.
    """

    widget = forms.TextInput

    def __init__(self, *, choices=None, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        values = []
        for item in str(value).split(","):
            item = item.strip()
            if not item:
                # "a,,b" or "," is a malformed list, not a request for no filter.
                raise forms.ValidationError(
                    "%(value)s has an empty item; separate values with single "
                    "commas, such as a,b.",
                    code="blank_item",
                    params={"value": repr(value)},
                )
            if item not in values:
                values.append(item)
        return values

    def validate(self, value):
        super().validate(value)
        if self.choices is None or not value:
            return
        valid = _values(self.choices)
        unknown = [item for item in value if item not in valid]
        if unknown:
            raise unknown_value_error(unknown, valid)


class CommaSeparatedFilter(django_filters.BaseCSVFilter, django_filters.CharFilter):
    """A filter taking comma-separated values (any-of unless its method says otherwise).

    Declared as a CSV filter so drf-spectacular documents it as an array with
    ``style: form, explode: false``; ``choices`` (pairs or a callable) become the
    valid values, listed in the 400 a typo gets.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)
        # BaseCSVFilter builds a per-value field; one field validating the whole list
        # gives one message naming every unknown value at once.
        self.field_class = CommaSeparatedField


class StrictChoiceField(forms.ChoiceField):
    """A choice field whose error names the valid values."""

    def validate(self, value):
        if value and not self.valid_value(value):
            raise unknown_value_error([value], _values(self.choices))
        super().validate(value)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A single-valued choice filter whose 400 lists the valid values."""

    field_class = StrictChoiceField


def slug_choices(queryset, *extra):
    """A callable giving the slugs of ``queryset`` (plus ``extra`` values such as "none")."""

    def choices():
        return [*queryset.order_by("slug").values_list("slug", flat=True), *extra]

    return choices
