"""Liveness and readiness probes, and the answer while the database is unavailable.

While the database is down every request that needs it answers 503 problem details with
Retry-After (a client may retry) instead of Django's HTML 500; the process itself stays
up and resumes as soon as the database is back, since each request reconnects.
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from hipext.api.problems import ProblemResponse

# Seconds a client should wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 5

DATABASE_UNAVAILABLE = "The database is unavailable; retry shortly."


def database_unavailable(request):
    """503 problem details telling the client when to retry."""
    return ProblemResponse(
        503,
        DATABASE_UNAVAILABLE,
        # no-store: a cache in front must not keep serving the outage after it ends.
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        instance=request.get_full_path(),
    )


@never_cache
@require_safe
def healthz(request):
    """Liveness: the process answers; the database is not consulted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Readiness: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return database_unavailable(request)
    return JsonResponse({"status": "ok", "database": "ok"})
