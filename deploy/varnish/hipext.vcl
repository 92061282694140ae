vcl 4.1;

# An example edge cache for hipext (README "CDN"): Varnish in front of gunicorn.
#
# - Public reads (/api, /embed) are cached for their s-maxage, one copy for every
#   client: the API key and cookies change nothing in a public answer.
# - Rate limits apply at the origin, to the requests that reach it: a copy served
#   from the cache carries no RateLimit-* headers (they were the first client's).
#   Set API_RATE_PROXY_COUNT=1 at the origin, so it counts each client by the
#   address this cache appends to X-Forwarded-For, not the cache's own.
# - Past s-maxage a copy is served for stale-while-revalidate more while a fresh one
#   is fetched, and for stale-if-error more while the origin fails or is down.
# - BAN with a Surrogate-Key header (space-separated keys) from a trusted address
#   drops every copy carrying one of those keys: "content" after an edit, "hipext"
#   after a release.
#
# Adapt the backend's address and the purgers ACL; tests/system/test_varnish.py runs
# this file with the backend's port replaced.

import std;

backend hipext {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # While the probe fails, copies are served as stale as stale-if-error allows.
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Markers this file sets for itself: never taken from a client.
    if (req.restarts == 0) {
        unset req.http.X-Hipext-Refresh;
        unset req.http.X-Hipext-Stale;
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.Surrogate-Key !~ "^ *[-a-zA-Z0-9_./]+( +[-a-zA-Z0-9_./]+)* *$") {
            return (synth(400, "Surrogate-Key: space-separated keys"));
        }
        # A ban's argument ends at a space: \s in the regular expression instead.
        if (std.ban("obj.http.Surrogate-Key ~ (^|\s)(" + regsuball(
            regsub(req.http.Surrogate-Key, "^ *(.*[^ ]) *$", "\1"), " +", "|"
        ) + ")(\s|$)")) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }
    # The admin, its static files and the probes go to the origin as they are.
    if (req.url !~ "^/(api|embed)(/|\?|$)") {
        return (pass);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # No public answer depends on a cookie, or on who sends the key.
    unset req.http.Cookie;
    if (req.http.X-Hipext-Refresh && !req.http.X-Hipext-Stale) {
        # Sent back by vcl_hit: past stale-while-revalidate, fetch a fresh copy.
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hit {
    # Past stale-while-revalidate, a stale copy is for an origin in trouble only:
    # while the probe says it is healthy, ask it (vcl_recv), and wait.
    if (obj.ttl < 0s
        && !req.http.X-Hipext-Stale
        && std.healthy(req.backend_hint)
        && obj.ttl + std.duration(obj.http.X-Hipext-SWR + "s", 0s) < 0s) {
        set req.http.X-Hipext-Refresh = "1";
        return (restart);
    }
}

sub vcl_backend_response {
    # A failed refresh keeps the stale copy (vcl_synth serves it).
    if (beresp.status >= 500 && (bereq.is_bgfetch || bereq.http.X-Hipext-Refresh)) {
        return (abandon);
    }
    # Keep only what the origin says anyone may keep.
    if (beresp.http.Cache-Control !~ "(?i)(^|[ ,])public([ ,]|$)") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # The ttl is s-maxage (Varnish reads it); the grace is the longer of
    # stale-while-revalidate and stale-if-error, the former noted for vcl_hit.
    set beresp.http.X-Hipext-SWR = "0";
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.http.X-Hipext-SWR = regsub(beresp.http.Cache-Control,
            "^.*stale-while-revalidate=([0-9]+).*$", "\1");
    }
    set beresp.grace = std.duration(beresp.http.X-Hipext-SWR + "s", 0s);
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.http.X-Hipext-SIE = regsub(beresp.http.Cache-Control,
            "^.*stale-if-error=([0-9]+).*$", "\1");
        if (std.duration(beresp.http.X-Hipext-SIE + "s", 0s) > beresp.grace) {
            set beresp.grace = std.duration(beresp.http.X-Hipext-SIE + "s", 0s);
        }
        unset beresp.http.X-Hipext-SIE;
    }
}

sub vcl_backend_error {
    # The origin did not answer a refresh: keep the stale copy (vcl_synth).
    if (bereq.is_bgfetch || bereq.http.X-Hipext-Refresh) {
        return (abandon);
    }
}

sub vcl_synth {
    # A refresh that failed: serve the stale copy, within its stale-if-error.
    if (resp.status == 503 && req.http.X-Hipext-Refresh && !req.http.X-Hipext-Stale) {
        set req.http.X-Hipext-Stale = "1";
        return (restart);
    }
}

sub vcl_deliver {
    # A copy from the cache was counted by no limiter: it names no limit.
    if (obj.hits > 0) {
        unset resp.http.RateLimit-Limit;
        unset resp.http.RateLimit-Remaining;
        unset resp.http.RateLimit-Reset;
        unset resp.http.RateLimit-Policy;
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Hipext-SWR;
    # The keys are for BAN here, not for clients.
    unset resp.http.Surrogate-Key;
}
