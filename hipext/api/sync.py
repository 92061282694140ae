"""Sync for apps that keep a local copy: /api/snapshot and /api/changes.

Both answer from the published documents and their log (hipext.content.changes),
joining stored bodies without parsing them, as lists do (hipext.api.readmodel).
"""

import json

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.fields import DateTimeField
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from hipext.content.changes import changes_since, log_cursor, log_floor, snapshot_rows
from hipext.content.documents import PLACEHOLDER_BASE, document_body_for
from hipext.content.publishing import documents_flush, documents_pending

from .fields import with_language
from .params import StrictQueryParamsMixin
from .problems import PROBLEM_CONTENT_TYPE
from .readmodel import DocumentResponse
from .schema import ProblemSerializer

MAX_CHANGES_LIMIT = 1000


class CursorExpired(exceptions.APIException):
    status_code = 410
    default_code = "cursor_expired"


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.RegexField(
        r"^[0-9]{1,18}$",
        default="0",
        help_text=(
            "The cursor to read from: a snapshot's `cursor`, or the `cursor` of the "
            "last page of changes read. Without it, the log from its start (a 410 "
            "once the log has been pruned: take a snapshot)."
        ),
        error_messages={"invalid": "Must be a cursor: digits, as a response gave it."},
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=MAX_CHANGES_LIMIT,
        default=100,
        help_text=f"At most this many changes (1 to {MAX_CHANGES_LIMIT}).",
    )


@extend_schema_field(OpenApiTypes.OBJECT)
class DocumentField(serializers.JSONField):
    """A document as its detail endpoint answers it (schema only: bodies are joined)."""


class EntrySerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="exercise, routine, muscle, equipment or guideline."
    )
    id = serializers.IntegerField(
        help_text="The object's stable id: a slug can change, this cannot."
    )
    slug = serializers.CharField()
    uuid = serializers.UUIDField(
        allow_null=True, help_text="The object's uuid, for kinds that have one."
    )


class ChangeSerializer(EntrySerializer):
    cursor = serializers.CharField(help_text="This change's place in the log.")
    action = serializers.ChoiceField(
        ["create", "update", "publish", "unpublish", "delete"],
        help_text=(
            "create, update and publish: the object's document is new or changed; "
            "unpublish and delete: it is gone (a tombstone)."
        ),
    )
    at = serializers.DateTimeField()
    document = DocumentField(
        required=False,
        help_text=(
            "The object's current document, when this is its last change. Absent "
            "from a tombstone, and from a change whose document a later change (in "
            "this page or a later one) brings."
        ),
    )


class ChangesSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text="Give it as `since` to read on (also when `changes` is empty)."
    )
    has_more = serializers.BooleanField()
    next = serializers.URLField(
        allow_null=True, help_text="The next page, while `has_more`."
    )
    changes = ChangeSerializer(many=True)


class SnapshotEntrySerializer(EntrySerializer):
    document = DocumentField()


class SnapshotSerializer(serializers.Serializer):
    cursor = serializers.CharField(
        help_text="Read /api/changes from here to keep the copy current."
    )
    documents = SnapshotEntrySerializer(many=True)


_at = DateTimeField()


def _entry(meta, body):
    """One entry's JSON: ``meta``'s members, then ``document`` if there is one."""
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()
    if not body:
        return head
    return head[:-1] + b',"document":' + bytes(body) + b"}"


def _uuid(value):
    return str(value) if value is not None else None


class SyncView(StrictQueryParamsMixin, APIView):
    renderer_classes = [JSONRenderer]

    def answer(self, request, head, entries):
        """``head`` (a dict) with a last member ``name`` holding the joined ``entries``."""
        *members, (name, _) = head.items()
        start = json.dumps(dict(members), ensure_ascii=False, separators=(",", ":"))
        body = b"".join(
            (start[:-1].encode(), f',"{name}":['.encode(), b",".join(entries), b"]}")
        )
        if PLACEHOLDER_BASE in body:
            body = document_body_for(request, body)
        # Made from the whole log: a stored copy holds while the content version does.
        return DocumentResponse(body, None)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Changes this connection has not yet rendered (in this transaction) first.
        if documents_pending():
            documents_flush()


class SnapshotView(SyncView):
    @extend_schema(
        operation_id="snapshot",
        summary="The whole published catalogue",
        description=(
            "Every published document of every kind (as its detail endpoint answers "
            "it), with the log's `cursor`, for apps that bundle the content offline. "
            "Keep the copy current with `/api/changes?since=<cursor>`."
        ),
        responses={200: SnapshotSerializer},
        tags=["sync"],
    )
    def get(self, request):
        cursor, rows = snapshot_rows()
        entries = [
            _entry(
                {"kind": kind, "id": object_id, "slug": slug, "uuid": _uuid(uuid)},
                body,
            )
            for kind, object_id, slug, uuid, body in rows
        ]
        return self.answer(request, {"cursor": str(cursor), "documents": None}, entries)


class ChangesView(SyncView):
    def get_allowed_query_params(self):
        return super().get_allowed_query_params() | set(ChangesQuerySerializer().fields)

    @extend_schema(
        operation_id="changes",
        summary="Changes to the published content since a cursor",
        description=(
            "Every create, update, publish, unpublish and delete of published "
            "content after `since`, in the order they happened. Start from "
            "`/api/snapshot`'s cursor; apply each change in order (a document "
            "replaces the copy's, a tombstone removes it; an upsert without "
            "`document` is one a later change brings), then read on from `cursor`. "
            "Tombstones are kept for "
            f"{settings.SYNC_RETENTION_DAYS} days (SYNC_RETENTION_DAYS); an older "
            "cursor is answered 410 and the app takes a new snapshot."
        ),
        parameters=[ChangesQuerySerializer],
        responses={
            200: ChangesSerializer,
            (404, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="The cursor is ahead of the log: take a snapshot.",
            ),
            (410, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer,
                description="The cursor is older than the kept log: take a snapshot.",
            ),
        },
        tags=["sync"],
    )
    def get(self, request):
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, limit = int(query.validated_data["since"]), query.validated_data["limit"]
        if since < log_floor():
            raise CursorExpired(
                f"Cursor {since} is older than the changes kept "
                f"({settings.SYNC_RETENTION_DAYS} days): take a new snapshot at "
                f"{request.build_absolute_uri(reverse('sync-snapshot'))} and read "
                "changes from its cursor."
            )
        rows, has_more = changes_since(since, limit)
        if not rows and since > log_cursor():
            # Well formed, but no cursor this log gave (another server's, or one
            # from before a database restore): the copy must start again.
            raise exceptions.NotFound(
                f"No such cursor: {since} is ahead of the log. Take a new snapshot at "
                f"{request.build_absolute_uri(reverse('sync-snapshot'))}."
            )
        cursor = rows[-1][0] if rows else since
        entries = [
            _entry(
                {
                    "cursor": str(seq),
                    "kind": kind,
                    "id": object_id,
                    "slug": slug,
                    "uuid": _uuid(uuid),
                    "action": action,
                    "at": _at.to_representation(at),
                },
                body,
            )
            for seq, kind, object_id, slug, uuid, action, at, body in rows
        ]
        next_url = None
        if has_more:
            next_url = request.build_absolute_uri(
                with_language(f"{reverse('sync-changes')}?since={cursor}&limit={limit}")
            )
        head = {
            "cursor": str(cursor),
            "has_more": has_more,
            "next": next_url,
            "changes": None,
        }
        return self.answer(request, head, entries)
