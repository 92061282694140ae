"""An admin editor over real HTTP: a cookie session, and forms read as a browser sends them.

For tests against running servers (tests/servers.py), where Django's test client, which
skips the wire, CSRF and the login form, would not show what a browser meets.
"""

import http.client
import time
import urllib.parse
from html.parser import HTMLParser
from http.cookies import SimpleCookie

from tests.servers import HOST, Answer

# Controls a browser never sends as fields (the clicked submit button is added apart).
UNSENT_INPUT_TYPES = {"submit", "button", "image", "reset", "file"}


class Form:
    """A form's fields as (name, value) pairs, in the order a browser sends them."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def __getitem__(self, name):
        values = [value for key, value in self.pairs if key == name]
        if len(values) != 1:
            raise KeyError(f"{name}: {len(values)} values")
        return values[0]

    def __setitem__(self, name, value):
        """Give ``name`` this one value (in the first field of that name, or a new one)."""
        kept = []
        placed = False
        for key, old in self.pairs:
            if key != name:
                kept.append((key, old))
            elif not placed:
                kept.append((key, str(value)))
                placed = True
        if not placed:
            kept.append((name, str(value)))
        self.pairs = kept

    def names(self):
        return [key for key, _ in self.pairs]

    def add_inline(self, prefix):
        """Add a row to inline formset ``prefix`` as the admin's "Add another" does.

        The script copies the formset's empty form (its ``__prefix__`` fields, defaults
        and hidden parent key included) under the next index; that index is returned.
        """
        total = f"{prefix}-TOTAL_FORMS"
        index = int(self[total])
        template = f"{prefix}-__prefix__-"
        copies = [
            (f"{prefix}-{index}-{key.removeprefix(template)}", value)
            for key, value in self.pairs
            if key.startswith(template)
        ]
        if not copies:
            raise KeyError(f"no empty form for inline {prefix!r}")
        self.pairs += copies
        self[total] = index + 1
        return index


class _FormReader(HTMLParser):
    """Collects the successful controls of the ``<form>`` with a given id."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.found = False
        self.inside = False
        self.pairs = []
        self.select = None  # [name, multiple, [(value, selected)]]
        self.option = None  # [value or None, selected, text parts]
        self.textarea = None  # [name, text parts]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)  # a boolean attribute's value is None: test with "in"
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            self.found = self.found or self.inside
        if not self.inside:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "select" and "disabled" not in attrs and attrs.get("name"):
            self.select = [attrs["name"], "multiple" in attrs, []]
        elif tag == "option" and self.select is not None:
            self._option_end()
            self.option = [attrs.get("value"), "selected" in attrs, []]
        elif tag == "textarea" and "disabled" not in attrs and attrs.get("name"):
            self.textarea = [attrs["name"], []]

    def _input(self, attrs):
        kind = (attrs.get("type") or "text").lower()
        name = attrs.get("name")
        if not name or "disabled" in attrs or kind in UNSENT_INPUT_TYPES:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.pairs.append((name, attrs.get("value") or "on"))
            return
        self.pairs.append((name, attrs.get("value") or ""))

    def handle_data(self, data):
        if self.option is not None:
            self.option[2].append(data)
        elif self.textarea is not None:
            self.textarea[1].append(data)

    def _option_end(self):
        if self.option is None:
            return
        value, selected, text = self.option
        self.select[2].append(
            (" ".join("".join(text).split()) if value is None else value, selected)
        )
        self.option = None

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._option_end()
        elif tag == "select" and self.select is not None:
            self._option_end()
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]  # a single select always sends one
            self.pairs += [(name, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, parts = self.textarea
            # HTML drops the newline right after <textarea>; browsers send CRLF lines.
            text = "".join(parts).removeprefix("\n")
            self.pairs.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None


def form_read(html, form_id):
    """The fields the ``<form id=form_id>`` in ``html`` submits as it stands."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    if not reader.found:
        raise ValueError(f"no form with id {form_id!r}")
    return Form(reader.pairs)


class AdminSession:
    """One editor's browser session with a running server: cookies kept, no redirects."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, form=None, *, timeout=30):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form.pairs).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.server.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(
            response.status, response.headers, content, time.monotonic() - start
        )

    def form(self, path, form_id):
        """GET ``path`` and read its form ``form_id``."""
        answer = self.request("GET", path)
        assert answer.status == 200, (path, answer.status, answer.body[:500])
        return form_read(answer.body.decode(), form_id)

    def submit(self, path, form, button="_save"):
        """POST ``form`` to ``path`` as if its ``button`` were clicked."""
        return self.request("POST", path, Form([*form.pairs, (button, "Save")]))

    def login(self, username, password):
        """Log in through the admin's login form, CSRF token and cookie included."""
        path = "/admin/login/?next=/admin/"
        form = self.form(path, "login-form")
        form["username"] = username
        form["password"] = password
        answer = self.request("POST", path, form)
        assert answer.status == 302, answer.body[:1000]
        assert "sessionid" in self.cookies
