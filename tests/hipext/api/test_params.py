"""The query-parameter rules every endpoint shares, and the fields built on them."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from hipext.api.filters import CommaSeparatedField, StrictChoiceField
from hipext.api.params import (
    StrictQueryParamsMixin,
    choice_values,
    comma_list,
    require_known,
)
from hipext.api.queryfields import CommaSeparatedQueryField, StrictChoiceQueryField

CHOICES = [("bench", "Bench"), ("dumbbell", "Dumbbell"), ("none", "None")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("bench", ["bench"]),
        ("bench,dumbbell", ["bench", "dumbbell"]),
        (" bench , dumbbell ", ["bench", "dumbbell"]),
        ("dumbbell,bench,dumbbell", ["dumbbell", "bench"]),
        ("%s", ["%s"]),
    ],
)
def test_comma_list_gives_the_distinct_items_in_order(value, expected):
    assert comma_list(value) == expected


@pytest.mark.parametrize(
    "value", ["bench,,dumbbell", ",", "bench,", ",bench", " , ", " "]
)
def test_comma_list_refuses_an_empty_item(value):
    with pytest.raises(ValidationError) as error:
        comma_list(value)

    assert error.value.code == "blank_item"
    assert error.value.messages == [
        f"{value!r} has an empty item; separate values with single commas, such as a,b."
    ]


def test_choice_values_reads_pairs_bare_values_and_callables():
    assert choice_values(CHOICES) == ["bench", "dumbbell", "none"]
    assert choice_values(["bench", "none"]) == ["bench", "none"]
    assert choice_values(lambda: CHOICES[:1]) == ["bench"]


def test_require_known_names_every_unknown_value_and_the_valid_ones():
    require_known(["bench", "none"], ["bench", "dumbbell", "none"])

    with pytest.raises(ValidationError) as error:
        require_known(["bench", "kettlebell", "%(x)s"], ["bench", "dumbbell"])

    assert error.value.code == "invalid_choice"
    assert error.value.messages == [
        "Unknown values 'kettlebell', '%(x)s'. Valid values: bench, dumbbell."
    ]


def _form_outcome(field, value):
    try:
        return field.clean(value)
    except forms.ValidationError as error:
        return error.messages


def _serializer_outcome(field, value):
    try:
        return field.run_validation(value)
    except serializers.ValidationError as error:
        return [str(message) for message in error.detail]


@pytest.mark.parametrize(
    "value",
    [
        "bench,dumbbell",
        "none,bench,none",
        "bench,,dumbbell",
        ",",
        " , ",
        " ",
        "bench,",
        "kettlebell",
        "kettlebell,bench,rope",
    ],
)
def test_the_filter_and_serializer_comma_fields_agree(value):
    """One parser: a value means the same, or fails the same, in a filter and a query."""
    form_field = CommaSeparatedField(choices=lambda: CHOICES)
    query_field = CommaSeparatedQueryField(choices=lambda: CHOICES)

    assert _form_outcome(form_field, value) == _serializer_outcome(query_field, value)


def test_the_comma_fields_refuse_a_blank_item_before_looking_at_choices():
    def choices():
        raise AssertionError("choices read for a malformed list")

    expected = [
        "'a,,b' has an empty item; separate values with single commas, such as a,b."
    ]
    assert _form_outcome(CommaSeparatedField(choices=choices), "a,,b") == expected
    assert (
        _serializer_outcome(CommaSeparatedQueryField(choices=choices), "a,,b")
        == expected
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["bench", "dumbbell"], ["bench", "dumbbell"]),
        (["bench,none", "dumbbell,bench"], ["bench", "none", "dumbbell"]),
        (
            ["bench", ""],
            ["'' has an empty item; separate values with single commas, such as a,b."],
        ),
        (
            ["bench", "kettlebell,rope"],
            [
                "Unknown values 'kettlebell', 'rope'. "
                "Valid values: bench, dumbbell, none."
            ],
        ),
    ],
)
def test_the_comma_fields_combine_a_parameter_given_several_times(values, expected):
    """Repeated (a,b&name=c), the values combine, in order, each once."""
    form_field = CommaSeparatedField(choices=lambda: CHOICES)
    query_field = CommaSeparatedQueryField(choices=lambda: CHOICES)
    query_field.bind("kind", serializers.Serializer())
    data = QueryDict("&".join(f"kind={value}" for value in values))

    form_value = form_field.widget.value_from_datadict(data, {}, "kind")
    assert _form_outcome(form_field, form_value) == expected
    assert _serializer_outcome(query_field, query_field.get_value(data)) == expected


@pytest.mark.parametrize("value", ["bench", "Bench", "kettlebell", "%s"])
def test_the_filter_and_serializer_choice_fields_agree(value):
    form_field = StrictChoiceField(choices=CHOICES)
    query_field = StrictChoiceQueryField(choices=CHOICES)

    assert _form_outcome(form_field, value) == _serializer_outcome(query_field, value)


def test_the_serializer_choice_field_names_integer_choices_as_given():
    field = StrictChoiceQueryField(choices=[2, 3])

    assert field.run_validation("3") == 3
    assert _serializer_outcome(field, "4") == ["Unknown value '4'. Valid values: 2, 3."]


class KindView(StrictQueryParamsMixin, APIView):
    """Reads one query parameter, ``kind``."""

    def get_allowed_query_params(self):
        return super().get_allowed_query_params() | {"kind"}

    def get(self, request):
        return Response({"kind": request.query_params.get("kind")})


class OpenKindView(KindView):
    """Reads ``kind`` and, like oEmbed, lets clients add parameters of their own."""

    unknown_query_params_ignored = True


def _get(view_class, query):
    return view_class.as_view()(APIRequestFactory().get(f"/kind?{query}"))


@pytest.mark.parametrize("view_class", [KindView, OpenKindView])
def test_a_parameter_given_twice_is_a_400_whether_or_not_others_are_ignored(
    view_class,
):
    response = _get(view_class, "kind=a&kind=b")

    assert response.status_code == 400
    assert response.data["errors"] == {
        "kind": ["Given more than once; 'kind' takes one value."]
    }


@pytest.mark.parametrize("view_class", [KindView, OpenKindView])
def test_a_nul_in_a_parameter_is_a_400(view_class):
    response = _get(view_class, "kind=a%00")

    assert response.status_code == 400
    assert response.data["errors"] == {"kind": ["Must not contain NUL characters."]}


class KindsView(KindView):
    """Reads ``kinds``, a multi-valued parameter, and ``kind``."""

    def get_allowed_query_params(self):
        return {"kind", "kinds"}

    def get_repeatable_query_params(self):
        return {"kinds"}


def test_a_multi_valued_parameter_may_repeat_a_single_valued_one_may_not():
    assert _get(KindsView, "kinds=a&kinds=b,c&kind=a").status_code == 200

    refused = _get(KindsView, "kinds=a&kinds=b&kind=a&kind=b")
    assert refused.status_code == 400
    assert refused.data["errors"] == {
        "kind": ["Given more than once; 'kind' takes one value."]
    }


def test_a_nul_in_any_value_of_a_repeated_parameter_is_a_400():
    response = _get(KindsView, "kinds=a&kinds=b%00")

    assert response.status_code == 400
    assert response.data["errors"] == {"kinds": ["Must not contain NUL characters."]}


def test_an_unknown_parameter_is_a_400_unless_the_view_ignores_them():
    refused = _get(KindView, "kind=a&utm_source=x&utm_source=y")
    assert refused.status_code == 400
    assert refused.data["errors"] == {
        "utm_source": [
            "Unknown query parameter 'utm_source'. Valid parameters: kind, lang."
        ]
    }

    ignored = _get(OpenKindView, "kind=a&utm_source=x&utm_source=y")
    assert ignored.status_code == 200
    assert ignored.data == {"kind": "a"}
