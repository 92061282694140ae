"""Renderers for API responses that are not JSON."""

from rest_framework.renderers import BaseRenderer, JSONRenderer

SVG_CONTENT_TYPE = "image/svg+xml"


class SVGRenderer(BaseRenderer):
    """Writes an SVG document given as a string, for image/svg+xml responses.

    An error reaching it (a 404, a throttled request) is a problem-details dict whose
    content type the exception handler has already set; it is written as JSON.
    """

    media_type = SVG_CONTENT_TYPE
    format = "svg"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return JSONRenderer().render(data)
