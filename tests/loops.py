"""Running a coroutine to its end from a test, whatever the test's thread already runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(main())`` in a thread of its own: a browser test's Playwright (sync API) leaves an event
    loop running in the test process's main thread, where ``asyncio.run`` refuses to start."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(main()))
        except BaseException as e:
            failure.append(e)

    thread = threading.Thread(target=target, name="test-event-loop")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
