"""Per-process allowances: rate-limit budgets reserved from a shared counter in batches.

A shared counter (Redis) per client and window counts requests *reserved*, not served.
A process that needs to serve a client's request adds ``n`` to the counter in one
round trip and learns the total; the part of those ``n`` that fits under the limit is
its allowance, which it serves from memory without asking again. Everything served was
reserved first, so **the limit is never exceeded**, however many processes and
servers share the counter. A window found full is full until it ends (the counter only
grows), so its refusals need no round trip either.

``n`` is 1 for a client this process has not seen in the window (most clients send a
few requests) and then at most ``batch`` and at most ``1/share`` of what the counter
left the last time, so a client near its limit is counted request by request. The
price: an allowance that a process does not use is lost for the window, so a client
whose requests reach several processes may be refused while other processes still hold
some of its reservation: fewer than ``batch`` requests per other process, and less than
``1/share`` of what was left when they reserved.

Forgetting allowances (a new process, a full table) only loses reservations, never
lets a request through uncounted.
"""

import threading
from dataclasses import dataclass

# A process keeps allowances for at most this many clients; past it, those of ended
# windows go, then all (at a few hundred bytes each, a few megabytes at most).
MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class Verdict:
    """Whether a request is served, and how many more the window allows, as known."""

    allowed: bool
    remaining: int


@dataclass
class _Allowance:
    window: int
    # The shared counter after this process's last reservation (0: not asked yet).
    total: int = 0
    # Requests reserved by this process and not yet served.
    tokens: int = 0


class Allowances:
    """One process's allowances of every client it serves, reserved through ``reserve``.

    ``reserve(ident, period, now, amount)`` adds ``amount`` to the client's shared
    counter of the window holding ``now`` and returns the new total, or ``None`` when
    the counter cannot be reached (then ``hit`` returns ``None``).
    """

    def __init__(self, reserve, *, batch, share=8):
        self.reserve = reserve
        self.batch = max(1, batch)
        self.share = share
        self._lock = threading.Lock()
        self._clients = {}

    def hit(self, ident, rate, now):
        """The verdict on one request of client ``ident`` at ``now`` under ``rate``."""
        window = int(now // rate.period)
        key = (ident, rate.period)
        with self._lock:
            allowance = self._allowance(key, window)
            if allowance.tokens:
                allowance.tokens -= 1
                return self._verdict(allowance, rate, allowed=True)
            if allowance.total >= rate.limit:
                return Verdict(allowed=False, remaining=0)
            amount = self._amount(allowance, rate)
        # Outside the lock: other clients' requests are not held up by this round trip.
        total = self.reserve(ident, rate.period, now, amount)
        if total is None:
            return None
        granted = max(0, min(amount, rate.limit - (total - amount)))
        with self._lock:
            allowance = self._allowance(key, window)
            allowance.total = max(allowance.total, total)
            if not granted:
                return Verdict(allowed=False, remaining=0)
            allowance.tokens += granted - 1
            return self._verdict(allowance, rate, allowed=True)

    def _amount(self, allowance, rate):
        if not allowance.total:
            return 1
        left = (rate.limit - allowance.total) // self.share
        return max(1, min(self.batch, left))

    @staticmethod
    def _verdict(allowance, rate, *, allowed):
        # What the counter left at the last reservation, plus what this process holds.
        remaining = rate.limit - allowance.total + allowance.tokens
        return Verdict(allowed=allowed, remaining=max(0, remaining))

    def _allowance(self, key, window):
        allowance = self._clients.get(key)
        if allowance is None or allowance.window != window:
            if allowance is None and len(self._clients) >= MAX_CLIENTS:
                self._forget(window)
            allowance = self._clients[key] = _Allowance(window)
        return allowance

    def _forget(self, window):
        # Keeps this window's number: drops every ended window of this period, and
        # other periods' allowances too, which only loses their reservations.
        self._clients = {
            key: allowance
            for key, allowance in self._clients.items()
            if allowance.window == window
        }
        if len(self._clients) >= MAX_CLIENTS // 2:
            self._clients.clear()
