"""The oEmbed endpoint's query parameters and response."""

from rest_framework import serializers


class OEmbedSerializer(serializers.Serializer):
    """An oEmbed 1.0 response of type "rich": an iframe holding the exercise card."""

    version = serializers.CharField(help_text='Always "1.0".')
    type = serializers.CharField(help_text='Always "rich".')
    title = serializers.CharField(help_text="The exercise's name.")
    provider_name = serializers.CharField()
    provider_url = serializers.URLField()
    cache_age = serializers.IntegerField(help_text="Seconds a consumer may cache this.")
    html = serializers.CharField(help_text="An <iframe> showing the card.")
    width = serializers.IntegerField(help_text="Of the iframe, in CSS pixels.")
    height = serializers.IntegerField(help_text="Of the iframe, in CSS pixels.")


class OEmbedParamsSerializer(serializers.Serializer):
    """The oEmbed request's query parameters."""

    url = serializers.CharField(
        help_text="The address of an exercise card, e.g. "
        "https://api.example.org/embed/exercises/glute-bridges."
    )
    format = serializers.ChoiceField(
        choices=["json", "xml"],
        default="json",
        help_text="Only json is implemented; xml gives 501.",
    )
    maxwidth = serializers.IntegerField(
        min_value=1, required=False, help_text="Largest width the consumer can show."
    )
    maxheight = serializers.IntegerField(
        min_value=1, required=False, help_text="Largest height the consumer can show."
    )
