"""The base of the API's FilterSets and its filter backend: filters validated without a
form, and what a list's filter is, for the pagination count cache.

django-filter builds, for every request, a deep copy of the FilterSet's filters, a
form class with a field per filter, and a form deep-copying those fields again; for a
list of a few milliseconds that was most of its time. The values here are cleaned by
the very fields django-filter would put in that form, in the same order, with the
same errors (the 400 names each parameter with the fields' messages), but the filters
and their fields are the class's, built once and shared: none of them keeps state
between requests. ``form`` still gives django-filter's form to anything that asks
for one.

A valid filter says what it selects (``count_identity``): its cleaned values, without
those that only order the rows (``count_ignores``). The pagination count cache keys a
list's total on it rather than on its compiled SQL (hipext.content.counts).
"""

import django_filters
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation

_CLEAN = "_hipext_cleaned"


class FilterSet(django_filters.FilterSet):
    """A django-filter FilterSet validating its values with shared fields, no form.

    ``filters`` is the class's ``base_filters``, never copied nor changed per
    request: a filter's ``method`` is looked up on this FilterSet when applied.
    """

    # Filters that change only the order of the rows, not which rows: left out of
    # the count's identity, so that every ordering of a filter shares its total.
    count_ignores = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = self.base_filters

    def _clean(self):
        """``(cleaned_data, errors)``, as the form's full_clean() would give them."""
        if _CLEAN not in self.__dict__:
            cleaned, errors = {}, ErrorDict()
            data, prefix = self.data, self.form_prefix
            for name, filter_ in self.filters.items():
                field = filter_.field
                html_name = f"{prefix}-{name}" if prefix else name
                value = field.widget.value_from_datadict(data, {}, html_name)
                try:
                    cleaned[name] = field.clean(value)
                except ValidationError as error:
                    errors[name] = ErrorList(error.error_list)
            self.__dict__[_CLEAN] = (cleaned, errors)
        return self.__dict__[_CLEAN]

    @property
    def cleaned_data(self):
        """The valid values, by filter name (an unused filter has its empty value)."""
        return self._clean()[0]

    def is_valid(self):
        return self.is_bound and not self._clean()[1]

    @property
    def errors(self):
        return self._clean()[1]

    def filter_queryset(self, queryset):
        for name, value in self.cleaned_data.items():
            filter_ = self.filters[name]
            method = filter_.method
            if method is None:
                queryset = filter_.filter(queryset, value)
            elif value not in EMPTY_VALUES:
                if not callable(method):
                    method = getattr(self, method)
                queryset = method(queryset, filter_.field_name, value)
        return queryset

    def ordering_identity(self):
        """The used values of ``count_ignores``: with ``count_identity``, the page."""
        return tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in self.cleaned_data.items()
            if value not in EMPTY_VALUES and name in self.count_ignores
        )

    def count_identity(self):
        """What rows this valid filter selects: its used values, ordering aside."""
        return tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in self.cleaned_data.items()
            if value not in EMPTY_VALUES and name not in self.count_ignores
        )


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, noting on the request what its list's rows are.

    ``request.count_identity`` names the view, the FilterSet's ``count_identity()``
    and any other parameter (not the page's): with the view's fixed queryset, what
    selects the rows. None when the FilterSet is not one of ours: the count is then
    keyed on its SQL (hipext.content.counts).
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            if not filterset.is_valid() and self.raise_exception:
                raise translate_validation(filterset.errors)
            queryset = filterset.qs
        request.count_identity = self._identity(request, view, filterset)
        return queryset

    def list_shape(self, request, view):
        """What a list's page is made from, once its filter is valid, without building
        its queryset: ``request.count_identity`` and the ordering's values (a 400 for
        an invalid filter, as ``filter_queryset`` gives); None if not ours to say."""
        filterset_class = self.get_filterset_class(view)
        if filterset_class is None:
            filterset = None
        elif issubclass(filterset_class, FilterSet):
            filterset = filterset_class(request.query_params, request=request)
            if not filterset.is_valid():
                raise translate_validation(filterset.errors)
        else:
            return None
        identity = self._identity(request, view, filterset)
        request.count_identity = identity
        ordering = () if filterset is None else filterset.ordering_identity()
        return identity, ordering

    @staticmethod
    def _identity(request, view, filterset):
        if filterset is None:
            selected, names = (), ()
        elif isinstance(filterset, FilterSet):
            selected, names = filterset.count_identity(), filterset.filters
        else:
            return None
        paginator = getattr(view, "paginator", None)
        paging = {
            getattr(paginator, "page_query_param", None),
            getattr(paginator, "page_size_query_param", None),
        }
        others = tuple(
            (name, tuple(values))
            for name, values in sorted(request.query_params.lists())
            if name not in names and name not in paging
        )
        return (type(view).__module__, type(view).__qualname__, selected, others)
