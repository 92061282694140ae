"""The view serving the OpenAPI schema, with its query parameters checked.

Apart from hipext.api.schema: drf-spectacular's views module loads the schema class
named in the settings, which that module defines.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import ValidationError

from .params import StrictQueryParamsMixin


class SchemaView(StrictQueryParamsMixin, SpectacularAPIView):
    """The OpenAPI schema, as YAML or JSON (``?format=``), in a language (``?lang=``).

    drf-spectacular also reads ``?version=`` and writes it into the schema and the
    ``Content-Disposition`` header, where a control character is a server error; the
    API has one version, so that parameter is refused like any unknown one.
    """

    def get_allowed_query_params(self):
        return super().get_allowed_query_params() | {"format", "lang"}

    def check_query_params(self, request):
        super().check_query_params(request)
        formats = sorted({renderer.format for renderer in self.renderer_classes})
        errors = {}
        format_ = request.query_params.get("format")
        if format_ is not None and format_ not in formats:
            errors["format"] = [f"{format_!r} is not one of: {', '.join(formats)}."]
        lang = request.query_params.get("lang")
        if lang is not None and lang not in dict(settings.LANGUAGES):
            errors["lang"] = [f"{lang!r} is not a language code such as en or de."]
        if errors:
            raise ValidationError(errors)


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI, the same bytes on every request, so its ETag and caches hold.

    drf-spectacular writes a fresh CSRF token into the page for Swagger UI to send
    on unsafe requests; the API answers reads only, so the page carries none.
    """

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["csrf_token"] = ""
        return response
