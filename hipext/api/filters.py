"""Filter building blocks shared by every FilterSet: strict choices, comma-separated values.

Their parsing and checks are the rules of ``params.py``, shared with the serializer
fields of ``queryfields.py``.
"""

import django_filters
from django import forms

from hipext.content.memo import content_memo

from .params import choice_values, comma_list, query_values, require_known


class RepeatableTextInput(forms.TextInput):
    """A text input that reads every value of a parameter given several times."""

    def value_from_datadict(self, data, files, name):
        return query_values(data, name)


class CommaSeparatedField(forms.Field):
    """A form field for "a,b,c": a list of distinct values, each one of ``choices``.

    The parameter may also repeat (``a,b&name=c``): its values combine.
    ``choices`` may be a callable (evaluated only when a value is given, so slugs
    read from the database cost a query only on requests that use the filter).
    A blank item in a list ("a,,b") is an error; an empty value never gets here
    (``params.StrictQueryParamsMixin`` refuses it, as for every parameter).
    """

    widget = RepeatableTextInput
    repeatable = True

    def __init__(self, *, choices=None, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        return comma_list(value)

    def validate(self, value):
        super().validate(value)
        if self.choices is None or not value:
            return
        require_known(value, choice_values(self.choices))


class CommaSeparatedFilter(django_filters.BaseCSVFilter, django_filters.CharFilter):
    """A filter taking comma-separated values (any-of unless its method says otherwise).

    Declared as a CSV filter so drf-spectacular documents it as an array (the schema
    hook then says ``explode: true``: the parameter may repeat); ``choices`` (pairs
    or a callable) become the valid values, listed in the 400 a typo gets.
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
        if value:
            require_known([value], [str(v) for v in choice_values(self.choices)])
        super().validate(value)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    """A single-valued choice filter whose 400 lists the valid values."""

    field_class = StrictChoiceField


def slug_choices(queryset, *extra):
    """A callable giving the slugs of ``queryset`` (plus ``extra`` values such as "none").

    Read once per content version in each process (hipext.content.memo) rather than
    on every request that filters on them. The list is shared: callers must not
    change it.
    """

    def read():
        return [*queryset.order_by("slug").values_list("slug", flat=True), *extra]

    def choices():
        return content_memo(choices, read, using=queryset.db)

    return choices
