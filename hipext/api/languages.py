"""/api/languages: the languages content is served in, and how much each translates.

Apps choose a language with ``?lang=`` or Accept-Language (hipext.http.language); this
says which they may choose, whether a native speaker has reviewed each edition (the
content is health guidance), and what share of the published texts each translates
(the rest falls back to English, and representations say so).
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from hipext.content.languages import source_language, translation_coverage
from hipext.models import Edition

from .params import StrictQueryParamsMixin


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="The language's code, as `?lang=` and Accept-Language take it."
    )
    name = serializers.CharField(help_text="The language's name in that language.")
    source = serializers.BooleanField(
        help_text="The source language: every text is written in it first, and a "
        "text another language lacks is served in it."
    )
    reviewed = serializers.BooleanField(
        help_text="A native-speaking editor has checked the edition (the source "
        "language is the editors' own: true). Health guidance: an app may flag "
        "content of an unreviewed edition."
    )
    translated = serializers.FloatField(
        help_text="The share of `texts` the language has (0 to 1, four decimals; "
        "1 when there are none)."
    )
    texts = serializers.IntegerField(
        help_text="Translatable texts of published content: one per text field of "
        "an object (a name, an exercise's steps one each) that has English text."
    )
    translated_texts = serializers.IntegerField(
        help_text="Of `texts`, those the language has, not served in English instead."
    )


class LanguagesSerializer(serializers.Serializer):
    languages = LanguageSerializer(many=True, help_text="The source language first.")


def _share(texts, translated):
    return round(translated / texts, 4) if texts else 1.0


def languages_data():
    """Every supported language's entry, the source language first."""
    coverage = translation_coverage()
    reviewed = dict(Edition.objects.values_list("language", "reviewed"))
    source = source_language()
    return [
        {
            "code": code,
            "name": name,
            "source": code == source,
            "reviewed": code == source or reviewed.get(code, False),
            "translated": _share(*coverage[code]),
            "texts": coverage[code][0],
            "translated_texts": coverage[code][1],
        }
        for code, name in settings.LANGUAGES
    ]


# The seed's figures (tests/hipext/api/test_languages.py checks them against the API).
LANGUAGES_EXAMPLE = {
    "languages": [
        {
            "code": "en",
            "name": "English",
            "source": True,
            "reviewed": True,
            "translated": 1.0,
            "texts": 198,
            "translated_texts": 198,
        },
        {
            "code": "es",
            "name": "Español",
            "source": False,
            "reviewed": False,
            "translated": 1.0,
            "texts": 198,
            "translated_texts": 198,
        },
    ]
}


class LanguagesView(StrictQueryParamsMixin, APIView):
    @extend_schema(
        operation_id="languages",
        summary="The supported languages",
        description=(
            "Each language the content is served in (choose one with `?lang=` or "
            "Accept-Language), whether a native-speaking editor has reviewed its "
            "edition, and the share of the published texts it translates; a text "
            "it lacks is served in English and marked so in each representation."
        ),
        responses={200: LanguagesSerializer},
        examples=[
            OpenApiExample(
                "The source language and the Spanish edition (German abridged)",
                value=LANGUAGES_EXAMPLE,
                description="GET /api/languages",
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=["languages"],
    )
    def get(self, request):
        return Response({"languages": languages_data()})
