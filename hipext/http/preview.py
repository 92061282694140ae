"""The preview view: a draft's JSON as apps would see it, by signed link.

Never cached by anyone but the browser holding the link (``private, no-store``), and
no cookie: the view reads no session and no CSRF token.
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from hipext.content.preview import PreviewLinkInvalid, preview_object, preview_render

PREVIEW_CACHE_CONTROL = "private, no-store"


def preview_headers(response):
    """What every preview answer carries: never stored, never indexed."""
    response.headers["Cache-Control"] = PREVIEW_CACHE_CONTROL
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def preview_refused(error):
    """A 404 problem-details answer saying why a link does not work."""
    response = JsonResponse(
        {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": str(error),
        },
        status=404,
        content_type="application/problem+json",
    )
    return preview_headers(response)


@require_safe
def content_preview(request, token):
    """An object's JSON, draft or not, as its detail endpoint would give it."""
    try:
        kind, obj = preview_object(token)
    except PreviewLinkInvalid as error:
        return preview_refused(error)
    body = preview_render(kind, obj, request)
    return preview_headers(HttpResponse(body, content_type="application/json"))
