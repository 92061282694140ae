"""The oEmbed endpoint's query parameters and response."""

from rest_framework import serializers

from .heights import LAYOUTS

LAYOUT_HELP = (
    "full (the default): the whole card. compact: the name, the dose and the steps."
)


class OEmbedSerializer(serializers.Serializer):
    """An oEmbed 1.0 response of type "rich": an iframe holding the exercise card."""

    version = serializers.CharField(help_text='Always "1.0".')
    type = serializers.CharField(help_text='Always "rich".')
    title = serializers.CharField(help_text="The exercise's name.")
    provider_name = serializers.CharField()
    provider_url = serializers.URLField()
    cache_age = serializers.IntegerField(help_text="Seconds a consumer may cache this.")
    html = serializers.CharField(
        help_text="An <iframe> showing the card, and the script (/embed/sizer.js) "
        "that fits the frame to the card's height."
    )
    width = serializers.IntegerField(help_text="Of the iframe, in CSS pixels.")
    height = serializers.IntegerField(
        help_text="Of the iframe, in CSS pixels: the card's height at that width, "
        "as measured in a browser, at most maxheight."
    )


class OEmbedParamsSerializer(serializers.Serializer):
    """The oEmbed request's query parameters."""

    url = serializers.CharField(
        help_text="The address of an exercise card, e.g. "
        "https://api.example.org/embed/exercises/glute-bridges. Its language "
        "(…?lang=es) is the card's unless this request's lang names another; "
        "without either, Accept-Language chooses."
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
    layout = serializers.ChoiceField(
        choices=LAYOUTS,
        required=False,
        help_text=LAYOUT_HELP + " Without it, the layout the url asks for "
        "(…?layout=compact), else full.",
    )


class CardParamsSerializer(serializers.Serializer):
    """The card's query parameters."""

    layout = serializers.ChoiceField(
        choices=LAYOUTS, default="full", help_text=LAYOUT_HELP
    )
