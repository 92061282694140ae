"""The plain-Django layer around the API: which paths are the API, HTTP caching, rate
limits, API keys, error views and health probes."""
