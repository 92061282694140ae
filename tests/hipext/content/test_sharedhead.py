"""The board of the newest content version a server's processes have seen."""

import multiprocessing

from hipext.content import sharedhead


def _publish(number):
    sharedhead.shared_head_publish(number)


def test_a_number_published_by_a_forked_process_is_read_by_its_siblings():
    sharedhead.shared_head_forget()
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_publish, args=(41,))
    child.start()
    child.join(10)

    assert child.exitcode == 0
    assert sharedhead.shared_head() == 41


def test_the_board_never_goes_down():
    sharedhead.shared_head_forget()
    sharedhead.shared_head_publish(7)
    sharedhead.shared_head_publish(5)

    assert sharedhead.shared_head() == 7
