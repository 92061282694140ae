"""The project's HTTP surface, discovered rather than listed, for the matrix tests.

The API's operations come from the OpenAPI schema drf-spectacular generates, and the
admin's routes from the URL resolver, so an endpoint added later (routines, oEmbed, a
new admin model) joins the hostile-input and authorization matrices by itself.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from hipext.api.problems import PROBLEM_CONTENT_TYPE

PROBLEM_MEMBERS = ("type", "title", "status", "detail")
PATH_PARAMETER = re.compile(r"{([^}]+)}")


@dataclass(frozen=True)
class Operation:
    """One path of the public API with the query parameters its schema declares."""

    path: str
    methods: tuple[str, ...]
    path_parameters: tuple[str, ...]
    query_parameters: dict[str, dict] = field(default_factory=dict, hash=False)
    # A valid value for each required query parameter.
    required_query: dict[str, str] = field(default_factory=dict, hash=False)

    def url(self, query=None, **values):
        """The path with each {parameter} replaced by the given, already-encoded
        value, and the required query parameters plus ``query`` (encoded here)."""
        path = PATH_PARAMETER.sub(lambda match: values[match.group(1)], self.path)
        pairs = {**self.required_query, **(query or {})}
        if not pairs:
            return path
        return (
            path
            + "?"
            + "&".join(
                f"{quote(name)}={quote(str(value), safe='')}"
                for name, value in pairs.items()
            )
        )


def api_schema():
    """The OpenAPI document the running code would serve."""
    return SchemaGenerator().get_schema(request=None, public=True)


def resolved(schema, components):
    """A parameter's schema with its enum references (items' too) written out."""

    def inline(value):
        ref = value.get("$ref") or next(
            (part["$ref"] for part in value.get("allOf", ()) if "$ref" in part), None
        )
        if ref is None:
            return value
        target = components[ref.rsplit("/", 1)[1]]
        extra = {k: v for k, v in value.items() if k not in ("$ref", "allOf")}
        return {**target, **extra}

    schema = inline(schema)
    if "items" in schema:
        schema = {**schema, "items": inline(schema["items"])}
    return schema


def api_operations():
    """Every path of the OpenAPI schema, sorted for stable test ids."""
    operations = []
    document = api_schema()
    components = document.get("components", {}).get("schemas", {})
    for path, item in sorted(document.get("paths", {}).items()):
        methods = tuple(
            method.upper()
            for method in ("get", "head", "options", "post", "put", "patch", "delete")
            if method in item
        )
        query, required = {}, {}
        for method in ("get", "head"):
            for parameter in item.get(method, {}).get("parameters", []):
                if parameter.get("in") == "query":
                    parameter = {
                        **parameter,
                        "schema": resolved(parameter.get("schema", {}), components),
                    }
                    query[parameter["name"]] = parameter["schema"]
                    if parameter.get("required"):
                        required[parameter["name"]] = _sample_value(parameter)
        operations.append(
            Operation(
                path=path,
                methods=methods,
                path_parameters=tuple(PATH_PARAMETER.findall(path)),
                query_parameters=query,
                required_query=required,
            )
        )
    return operations


# Valid values for required parameters whose schema gives no example.
KNOWN_VALUES = {
    "available": "none",
    "equipment": "none",
    # oEmbed's card address, on the test client's host.
    "url": "http://testserver/embed/exercises/glute-bridges",
}


def _sample_value(parameter):
    """A valid value for a required query parameter, from its schema if it can."""
    schema = parameter.get("schema", {})
    for candidate in (
        parameter.get("example"),
        schema.get("example"),
        schema.get("default"),
        *(schema.get("enum") or [])[:1],
        KNOWN_VALUES.get(parameter["name"]),
    ):
        if candidate is not None:
            return str(candidate)
    raise AssertionError(
        f"required query parameter {parameter['name']!r} has no example in the "
        "schema: give it one (or add it to KNOWN_VALUES)"
    )


def unparametrised_api_routes():
    """Fixed routes under /api/ that the schema does not describe (schema, docs)."""
    described = {operation.path.rstrip("/") for operation in api_operations()}
    routes = []
    for route in _walk(get_resolver().url_patterns, prefix="/"):
        under_api = route == "/api" or route.startswith("/api/")
        if under_api and route.rstrip("/") not in described:
            routes.append(route)
    return sorted(set(routes))


def _walk(patterns, prefix):
    """Concrete paths of patterns that take no arguments (regex anchors stripped)."""
    for pattern in patterns:
        text = str(pattern.pattern)
        if pattern.pattern.regex.groups or "<" in text:
            continue
        text = text.removeprefix("^").removesuffix("$").replace("\\", "")
        if text.endswith("/?"):
            text = text[:-2]
        if any(char in text for char in "()[]*+?{}|"):
            continue
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text


def public_page_routes(client):
    """Pages outside /api and /admin (embeddable cards), each with a real object.

    Every named route the URL resolver holds elsewhere is tried with the first slug
    of each content model until one answers 200.
    """
    candidates = [
        slug
        for model in admin.site._registry
        if any(field.name == "slug" for field in model._meta.fields)
        for slug in model._default_manager.order_by("slug").values_list(
            "slug", flat=True
        )[:1]
    ]
    routes = []
    for name, groups in _named_patterns(get_resolver().url_patterns):
        if not groups <= {"slug"}:
            continue
        for slug in candidates if groups else [None]:
            url = reverse(name, kwargs={"slug": slug} if groups else None)
            if url.startswith(("/admin/", "/api/")) or url.rstrip("/") == "/api":
                break
            if client.get(url).status_code == 200:
                routes.append(url)
                break
    return routes


def _named_patterns(patterns, namespace=""):
    """(name, group names) of every named URL pattern outside a namespace."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace:
                continue  # the admin, which has its own matrix
            yield from _named_patterns(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name, set(pattern.pattern.regex.groupindex)


def sample_path_values(client, operation):
    """Real values for an operation's path parameters, read from its list endpoint."""
    if not operation.path_parameters:
        return {}
    list_path = operation.path.split("{", 1)[0].rstrip("/")
    response = client.get(list_path, {"page_size": 1})
    assert response.status_code == 200, (list_path, response.status_code)
    payload = response.json()
    items = payload["results"] if isinstance(payload, dict) else payload
    assert items, f"{list_path} lists nothing: seed the database first"
    return {name: str(items[0][name]) for name in operation.path_parameters}


def admin_routes():
    """Every admin page: site-wide views, each app's index and each model's views."""
    routes = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:jsi18n"),
    ]
    routes.extend(_autocomplete_routes())
    app_labels = set()
    # AdminSite has no public way to list its registrations; _registry is what
    # Django's own admin index iterates.
    # A superuser's request: what a ModelAdmin forbids even to one (a read-only
    # admin such as django-axes' has no add page) is no page of the site.
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        app_labels.add(opts.app_label)
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        routes.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(request):
            routes.append(reverse(f"{prefix}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            views = ["change", "history"]
            if model_admin.has_delete_permission(request, obj):
                views.append("delete")
            for view in views:
                routes.append(reverse(f"{prefix}_{view}", args=[obj.pk]))
    routes.extend(
        reverse("admin:app_list", kwargs={"app_label": label})
        for label in sorted(app_labels)
    )
    return routes


def _autocomplete_routes():
    """The admin's autocomplete endpoint, asked for the first autocompleted field."""
    for model_admin in admin.site._registry.values():
        owners = [model_admin, *model_admin.inlines]
        for owner in owners:
            for field_name in getattr(owner, "autocomplete_fields", ()):
                opts = (getattr(owner, "model", None) or model_admin.model)._meta
                query = urlencode(
                    {
                        "app_label": opts.app_label,
                        "model_name": opts.model_name,
                        "field_name": field_name,
                        "term": "a",
                    }
                )
                return [f"{reverse('admin:autocomplete')}?{query}"]
    return []


def problem_violation(response, *, method="GET"):
    """Why a response breaks the error contract, or None when it keeps it.

    An answer is a 2xx JSON body or a 4xx problem-details body; never a 5xx, a
    redirect or an HTML page.
    """
    status = response.status_code
    content_type = response.headers.get("Content-Type", "")
    # oEmbed 1.0 prescribes 501 for a format the provider does not implement.
    if status >= 500 and status != 501:
        return f"server error {status}"
    if 300 <= status < 400:
        return f"redirect {status} to {response.headers.get('Location')}"
    if 200 <= status < 300:
        if "html" in content_type:
            return f"HTML {status}"
        return None
    if not content_type.startswith(PROBLEM_CONTENT_TYPE):
        return f"{status} with Content-Type {content_type!r}, not problem details"
    if method == "HEAD":
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{status} problem body is not JSON"
    missing = [member for member in PROBLEM_MEMBERS if member not in body]
    if missing:
        return f"{status} problem details lack {missing}"
    if body["status"] != status:
        return f"problem status {body['status']} differs from HTTP {status}"
    return None
