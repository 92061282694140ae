"""The benchmark's ceiling: the cheapest Django answer of a given size (bench/README.md).

Routed only when ``HIPEXT_BENCH_CEILING=1`` (see ``hipext/urls.py``), which only
``bench/run.py`` sets; a deployment never serves it.
"""

from django.http import HttpResponse

# A bound, so that the view cannot be made to allocate without limit.
MAX_BYTES = 1_000_000


def ceiling(request):
    """``?bytes=N`` bytes of JSON-typed filler through the full middleware stack."""
    try:
        size = min(max(int(request.GET.get("bytes", "0")), 0), MAX_BYTES)
    except ValueError:
        size = 0
    return HttpResponse(b"x" * size, content_type="application/json")
