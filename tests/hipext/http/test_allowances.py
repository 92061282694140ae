"""Allowances reserved in batches: the limit holds across processes, with few trips.

Processes are simulated as several ``Allowances`` sharing one counter table; the clock
is the ``now`` each request passes, so nothing here depends on timing.
"""

import itertools
import random

import pytest

from hipext.http import allowances
from hipext.http.allowances import Allowances
from hipext.http.ratelimit import Rate

WINDOW_START = 1_800_000_000.0
NOW = WINDOW_START + 10


class SharedCounter:
    """The shared counters (Redis's part), counting round trips."""

    def __init__(self):
        self.totals = {}
        self.trips = 0
        self.down = False

    def reserve(self, ident, period, now, amount):
        if self.down:
            return None
        self.trips += 1
        key = (ident, int(now // period))
        self.totals[key] = self.totals.get(key, 0) + amount
        return self.totals[key]


def processes(counter, count, batch=100):
    return [Allowances(counter.reserve, batch=batch) for _ in range(count)]


def test_one_process_serves_exactly_the_limit_with_few_round_trips():
    counter = SharedCounter()
    (process,) = processes(counter, 1)
    rate = Rate(1000, 60)

    verdicts = [process.hit("ip:a", rate, NOW) for _ in range(1500)]

    served = [v for v in verdicts if v.allowed]
    assert len(served) == 1000
    assert all(not v.allowed for v in verdicts[1000:])
    # Remaining counts down one by one, as if every request were counted in Redis.
    assert [v.remaining for v in served] == list(range(999, -1, -1))
    # 1, then 100 twice, then an eighth of what is left (99, 87, 76, ...), one by one
    # for the last 14: 49 round trips for 1000 requests, none for the 500 refused.
    assert counter.trips == 49


@pytest.mark.parametrize("workers", [2, 3, 8])
@pytest.mark.parametrize("limit", [10, 120, 1000])
def test_the_limit_is_never_exceeded_across_processes(workers, limit):
    counter = SharedCounter()
    procs = processes(counter, workers)
    rate = Rate(limit, 60)
    pick = random.Random(f"{workers}-{limit}")

    served = 0
    for _ in range(3 * limit):
        served += pick.choice(procs).hit("ip:a", rate, NOW).allowed

    assert served <= limit
    # What the processes still hold is all that was lost: each holds less than a batch.
    stranded = sum(p._clients[("ip:a", 60)].tokens for p in procs)
    assert served + stranded == limit
    assert stranded <= (workers - 1) * 99


def test_an_unused_allowance_is_at_most_an_eighth_of_what_was_left():
    counter = SharedCounter()
    first, second = processes(counter, 2)
    rate = Rate(120, 60)

    first.hit("ip:a", rate, NOW)  # a first request reserves one
    first.hit("ip:a", rate, NOW)  # then an eighth of the 119 left: 14
    results = [second.hit("ip:a", rate, NOW).allowed for _ in range(120)]

    # first holds 13 of its 14; second gets everything else, then 429s.
    assert first._clients[("ip:a", 60)].tokens == 13
    assert results.count(True) == 120 - 2 - 13


def test_a_limit_of_sixteen_or_less_is_counted_request_by_request():
    counter = SharedCounter()
    (process,) = processes(counter, 1)

    for _ in range(16):
        process.hit("ip:a", Rate(16, 60), NOW)

    assert counter.trips == 16


def test_batch_of_one_counts_every_request_in_the_shared_counter():
    counter = SharedCounter()
    first, second = processes(counter, 2, batch=1)
    rate = Rate(1000, 60)

    for process in itertools.islice(itertools.cycle([first, second]), 100):
        process.hit("ip:a", rate, NOW)

    assert counter.trips == 100
    assert counter.totals[("ip:a", int(NOW // 60))] == 100


def test_a_new_window_starts_a_new_allowance():
    counter = SharedCounter()
    (process,) = processes(counter, 1)
    rate = Rate(3, 60)
    for _ in range(4):
        process.hit("ip:a", rate, NOW)

    verdict = process.hit("ip:a", rate, WINDOW_START + 60)

    assert verdict.allowed
    assert verdict.remaining == 2


def test_reservations_fail_open_to_the_caller_but_held_ones_are_served():
    counter = SharedCounter()
    (process,) = processes(counter, 1)
    rate = Rate(1000, 60)
    process.hit("ip:a", rate, NOW)
    process.hit("ip:a", rate, NOW)  # reserves 100 (99 left after this one)
    counter.down = True

    held = [process.hit("ip:a", rate, NOW) for _ in range(99)]

    assert all(v.allowed for v in held)
    assert process.hit("ip:a", rate, NOW) is None


def test_clients_are_counted_separately():
    counter = SharedCounter()
    (process,) = processes(counter, 1)
    rate = Rate(2, 60)

    first = [process.hit("ip:a", rate, NOW).allowed for _ in range(3)]
    second = [process.hit("ip:b", rate, NOW).allowed for _ in range(3)]

    assert first == second == [True, True, False]


def test_a_full_table_forgets_allowances_without_overshooting(monkeypatch):
    monkeypatch.setattr(allowances, "MAX_CLIENTS", 4)
    counter = SharedCounter()
    (process,) = processes(counter, 1)
    rate = Rate(3, 60)
    for _ in range(3):
        process.hit("ip:a", rate, NOW)

    for n in range(10):  # other clients push ip:a's allowance out
        process.hit(f"ip:{n}", rate, NOW)

    assert ("ip:a", 60) not in process._clients
    assert not process.hit("ip:a", rate, NOW).allowed
