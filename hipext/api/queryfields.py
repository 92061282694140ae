"""Serializer fields for views that read their query with a serializer.

The twins of the FilterSets' form fields in ``filters.py``, under names of their own;
both parse and check values with the rules of ``params.py``, so a bad value gets the
same 400 from a filter and from a serializer.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from .params import choice_values, comma_list, query_values, require_known


@contextmanager
def _as_serializer_error():
    """Re-raises a rule's Django ValidationError as DRF's, keeping message and code."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError(get_error_detail(error)) from None


class CommaSeparatedQueryField(serializers.CharField):
    """A list given as "a,b,c": distinct values, each one of ``choices`` if given.

    The parameter may also repeat (``a,b&name=c``): its values combine.
    ``choices`` may be a callable (read only when a value is given). The value is
    not trimmed first, so the parser sees what a filter would: " " is an empty item.
    """

    repeatable = True

    def __init__(self, *, choices=None, **kwargs):
        self.value_choices = choices
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        values = query_values(dictionary, self.field_name)
        if isinstance(values, list):
            return values
        # Given once or not at all: DRF's rules (an optional one given empty is
        # not given).
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if isinstance(data, list):
            parts = []
            for part in data:
                parts.append(super().to_internal_value(part))
        else:
            parts = super().to_internal_value(data)
        with _as_serializer_error():
            values = comma_list(parts)
            if self.value_choices is not None:
                require_known(values, choice_values(self.value_choices))
        return values


class StrictChoiceQueryField(serializers.ChoiceField):
    """A choice whose error names the valid values, as the filters' do."""

    def to_internal_value(self, data):
        with _as_serializer_error():
            require_known([str(data)], list(self.choice_strings_to_values))
        return super().to_internal_value(data)
