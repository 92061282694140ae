"""Strict query parameters: an unknown, repeated or malformed one is a 400 naming it."""

from django.conf import settings
from rest_framework.exceptions import ValidationError

# Query parameters every API view accepts whatever its filters; extend it with the
# HIPEXT_EXTRA_QUERY_PARAMS setting (a list of names) rather than editing this.
ALWAYS_ALLOWED_QUERY_PARAMS = frozenset()


def _filter_param_names(filterset_class):
    """The query parameter names a django-filter FilterSet reads."""
    names = []
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field_class.widget, "suffixes", None)
        if suffixes:
            names += [f"{name}_{suffix}" if suffix else name for suffix in suffixes]
        else:
            names.append(name)
    return names


class StrictQueryParamsMixin:
    """Rejects unknown or repeated query parameters with a 400 naming them.

    A typo'd filter (``?equipments=none``) must never silently return the
    unfiltered list. The valid parameters of a list action are those its filter
    backends (FilterSet fields, search and ordering parameters) and paginator read;
    other actions take none unless ``get_allowed_query_params`` says otherwise.
    """

    def get_allowed_query_params(self):
        allowed = set(ALWAYS_ALLOWED_QUERY_PARAMS)
        allowed.update(getattr(settings, "HIPEXT_EXTRA_QUERY_PARAMS", ()))
        if getattr(self, "action", "list") != "list" or not hasattr(
            self, "get_queryset"
        ):
            return allowed
        for backend_class in getattr(self, "filter_backends", ()):
            backend = backend_class()
            if hasattr(backend, "get_filterset_class"):
                filterset_class = backend.get_filterset_class(self, self.get_queryset())
                if filterset_class is not None:
                    allowed.update(_filter_param_names(filterset_class))
            for attribute in ("search_param", "ordering_param"):
                if hasattr(backend, attribute):
                    allowed.add(getattr(backend, attribute))
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            for attribute in ("page_query_param", "page_size_query_param"):
                if getattr(paginator, attribute, None):
                    allowed.add(getattr(paginator, attribute))
        return allowed

    def check_query_params(self, request):
        if request.method == "OPTIONS":
            # Metadata ignores the query, and a CORS preflight carries the query
            # of the request it asks about.
            return
        allowed = self.get_allowed_query_params()
        errors = {}
        valid = ", ".join(sorted(allowed)) if allowed else "none"
        for name, values in request.query_params.lists():
            if name not in allowed:
                errors[name] = [
                    f"Unknown query parameter {name!r}. Valid parameters: {valid}."
                ]
            elif len(values) > 1:
                errors[name] = [
                    "Given more than once; give several values comma-separated "
                    f"in one {name!r} parameter instead."
                ]
            elif "\x00" in values[0]:
                errors[name] = ["Must not contain NUL characters."]
        if errors:
            raise ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        # Checked first, so a bad parameter is a 400 whatever else would go wrong,
        # except a method the view does not serve: that is a 405 whatever the query.
        method = request.method.lower()
        if method in self.http_method_names and hasattr(self, method):
            self.check_query_params(request)
        super().initial(request, *args, **kwargs)
