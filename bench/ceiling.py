"""The benchmark's ceiling: the cheapest Django answer of a given size (bench/README.md).

Routed only by ``bench/urls.py``, which only the benchmark's servers use
(``bench.settings``); the project's URLconf has no such route.
"""

from django.http import HttpResponse

from .bare import MAX_BYTES


def ceiling(request):
    """``?bytes=N`` bytes of JSON-typed filler through the full middleware stack."""
    try:
        size = min(max(int(request.GET.get("bytes", "0")), 0), MAX_BYTES)
    except ValueError:
        size = 0
    return HttpResponse(b"x" * size, content_type="application/json")
