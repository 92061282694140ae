"""The plain-Django layer around the API: which paths are the API, HTTP caching, rate
limits, API keys, error views and health probes; and how the web server copes with
slow clients and failing dependencies (the serving worker, the cache breaker, the bound
on PostgreSQL's replies)."""
