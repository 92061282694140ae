"""Staff previews of content as apps would see it, drafts included, by signed link.

A preview link carries its object's kind and id, signed with the project's secret
(django.core.signing) and valid for ``PREVIEW_LINK_MAX_AGE`` seconds: whoever holds
it sees that one object, so an editor can share it, and nothing else. It is made in
the admin (only staff see it there); the preview views answer ``private, no-store``
and set no cookie.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from .documents import document_kinds

SALT = "hipext.content.preview"


class PreviewLinkInvalid(Exception):
    """The link is not one of ours, was changed, or has expired; the message says which."""


def preview_kind_of(model):
    """The document kind a model's previews render, or None."""
    return next((kind for kind in document_kinds() if kind.model is model), None)


def preview_token(obj):
    """A signed, expiring token naming ``obj``."""
    kind = preview_kind_of(type(obj))
    if kind is None:
        raise ValueError(f"{type(obj).__name__} has no public representation.")
    return signing.dumps([kind.name, obj.pk], salt=SALT)


def preview_url(obj, view_name="content-preview"):
    return reverse(view_name, kwargs={"token": preview_token(obj)})


def preview_object(token, *, queryset=None):
    """``(kind, obj)`` named by ``token``; PreviewLinkInvalid if it is not valid now.

    ``queryset`` (the kind's own by default, drafts included) loads the object.
    """
    try:
        name, pk = signing.loads(
            token, salt=SALT, max_age=settings.PREVIEW_LINK_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise PreviewLinkInvalid(
            "This preview link has expired: open a new one from the admin."
        ) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise PreviewLinkInvalid("This is not a valid preview link.") from error
    kind = next((k for k in document_kinds() if k.name == name), None)
    if kind is None:
        raise PreviewLinkInvalid("This is not a valid preview link.")
    if queryset is None:
        queryset = kind.queryset()
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise PreviewLinkInvalid("What this link previews no longer exists.")
    return kind, obj


def preview_render(kind, obj, request):
    """``obj``'s representation as its detail endpoint would give it to ``request``."""
    context = {"request": Request(request), "format": None, "view": None}
    data = kind.serializer_class(obj, context=context).data
    return JSONRenderer().render(data, "application/json")
