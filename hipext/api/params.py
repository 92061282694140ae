"""The rules of the API's query parameters, shared by every endpoint that reads any.

Names: an unknown, empty or NUL-carrying parameter is a 400 naming it, and so is
a single-valued one given twice (``StrictQueryParamsMixin``). Values: one list parser
and one check of values against their choices, used alike by the FilterSets' form
fields (``filters.py``) and the serializer fields of views that read their query with
a serializer (``queryfields.py``), so a malformed value gets the same 400 everywhere.

A multi-valued parameter takes its values comma-separated (``?available=bench,box``),
repeated (``?available=bench&available=box``, what generated clients send) or both;
every form means the same: the values of all of them, in order, each once.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from rest_framework import exceptions

# What counts as blank around a value: ASCII whitespace, as in an HTML form. Other
# characters (U+0085, U+00A0...) are a value like any other: a search may hold them.
BLANK = " \t\n\r\f\v"

# Query parameters every API view accepts whatever its filters; extend it with the
# HIPEXT_EXTRA_QUERY_PARAMS setting (a list of names) rather than editing this.
# ``lang`` is read by hipext.http.language before any view runs.
ALWAYS_ALLOWED_QUERY_PARAMS = frozenset({"lang"})


def comma_list(value):
    """The distinct items of ``"a,b,c"`` in order, stripped; an empty item is an error.

    ``value`` may also be a list of such strings (a parameter given several times):
    their items combine, in order. "a,,b", "a," or "," is a malformed list, never a
    request for fewer values or for no filter.
    """
    given = value if isinstance(value, list | tuple) else [value]
    values = []
    for part in given:
        for item in str(part).split(","):
            item = item.strip(BLANK)
            if not item:
                raise ValidationError(
                    "%(value)s has an empty item; separate values with single "
                    "commas, such as a,b.",
                    code="blank_item",
                    params={"value": repr(part)},
                )
            if item not in values:
                values.append(item)
    return values


def repeatable(field):
    """Whether a form or serializer field takes a parameter given several times."""
    return getattr(field, "repeatable", False)


def query_values(data, name):
    """A parameter's value from a QueryDict: the list if given several times."""
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
    return values if len(values) > 1 else data.get(name)


def choice_values(choices):
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
    return ValidationError(
        "Unknown %(noun)s %(unknown)s. Valid values: %(valid)s.",
        code="invalid_choice",
        params={
            "noun": "value" if len(unknown) == 1 else "values",
            "unknown": ", ".join(repr(value) for value in unknown),
            "valid": ", ".join(str(value) for value in valid),
        },
    )


def require_known(values, valid):
    """Raises :func:`unknown_value_error` naming every one of ``values`` not in ``valid``."""
    unknown = [value for value in values if value not in valid]
    if unknown:
        raise unknown_value_error(unknown, valid)


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


def repeatable_filter_names(filterset_class):
    """The parameters of a FilterSet that take several values (and so repeat)."""
    return {
        name
        for name, filter_ in filterset_class.base_filters.items()
        if repeatable(filter_.field_class)
    }


def repeatable_field_names(serializer_class):
    """The parameters read by a query serializer that take several values."""
    return {
        name for name, field in serializer_class().fields.items() if repeatable(field)
    }


class StrictQueryParamsMixin:
    """Rejects unknown or empty query parameters, and repeated single-valued ones, with
    a 400.

    A typo'd filter (``?equipments=none``) must never silently return the
    unfiltered list. The valid parameters of a list action are those its filter
    backends (FilterSet fields, search and ordering parameters) and paginator read;
    other actions take none unless ``get_allowed_query_params`` says otherwise.
    Those that take several values may repeat (``get_repeatable_query_params``).
    A view whose protocol lets clients add parameters of their own (oEmbed) sets
    ``unknown_query_params_ignored``: its own parameters are still checked.
    """

    unknown_query_params_ignored = False

    def get_allowed_query_params(self):
        allowed = set(ALWAYS_ALLOWED_QUERY_PARAMS)
        allowed.update(getattr(settings, "HIPEXT_EXTRA_QUERY_PARAMS", ()))
        if getattr(self, "action", "list") != "list" or not hasattr(
            self, "get_queryset"
        ):
            return allowed
        for filterset_class in self._filterset_classes():
            allowed.update(_filter_param_names(filterset_class))
        for backend_class in getattr(self, "filter_backends", ()):
            backend = backend_class()
            for attribute in ("search_param", "ordering_param"):
                if hasattr(backend, attribute):
                    allowed.add(getattr(backend, attribute))
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            for attribute in ("page_query_param", "page_size_query_param"):
                if getattr(paginator, attribute, None):
                    allowed.add(getattr(paginator, attribute))
        return allowed

    def _filterset_classes(self):
        for backend_class in getattr(self, "filter_backends", ()):
            backend = backend_class()
            if hasattr(backend, "get_filterset_class"):
                # Without the queryset (only to check its model): building it twice
                # more per request was a tenth of a list's time.
                filterset_class = backend.get_filterset_class(self)
                if filterset_class is not None:
                    yield filterset_class

    def get_repeatable_query_params(self):
        """The allowed parameters that may be given several times (multi-valued)."""
        if getattr(self, "action", "list") != "list" or not hasattr(
            self, "get_queryset"
        ):
            return set()
        names = set()
        for filterset_class in self._filterset_classes():
            names |= repeatable_filter_names(filterset_class)
        return names

    def check_query_params(self, request):
        if request.method == "OPTIONS":
            # Metadata ignores the query, and a CORS preflight carries the query
            # of the request it asks about.
            return
        allowed = self.get_allowed_query_params()
        repeatable_names = self.get_repeatable_query_params()
        errors = {}
        valid = ", ".join(sorted(allowed)) if allowed else "none"
        for name, values in request.query_params.lists():
            if name not in allowed:
                if not self.unknown_query_params_ignored:
                    errors[name] = [
                        f"Unknown query parameter {name!r}. Valid parameters: {valid}."
                    ]
            elif len(values) > 1 and name not in repeatable_names:
                errors[name] = [f"Given more than once; {name!r} takes one value."]
            elif any("\x00" in value for value in values):
                errors[name] = ["Must not contain NUL characters."]
            elif any(not value.strip(BLANK) for value in values):
                # An empty value (?equipment=) must not mean "no filter": a client
                # that lost its value would silently get the whole catalogue.
                errors[name] = [f"Must not be empty; leave {name!r} out to not use it."]
        if errors:
            raise exceptions.ValidationError(errors)

    def initial(self, request, *args, **kwargs):
        # Checked first, so a bad parameter is a 400 whatever else would go wrong,
        # except a method the view does not serve: that is a 405 whatever the query.
        method = request.method.lower()
        if method in self.http_method_names and hasattr(self, method):
            self.check_query_params(request)
        super().initial(request, *args, **kwargs)
