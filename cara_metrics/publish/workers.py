"""Independent pieces of a publish shared between worker processes (forks of this one).

Publish has two stretches of pure computation on data already read: each force's figures
(:mod:`.per_force`) and each download file (:mod:`.downloads`). :func:`run` shares such
pieces between :func:`workers` processes and returns their results in the pieces' order, so
what is published does not depend on how it ran.

What makes it safe, and what the callers must make true:

* A task reads nothing: every query is made before :func:`run` (the database connection
  and its threads do not survive a fork, so a worker must never touch it).
* A task's arguments and result pickle (the result travels back by pipe; the arguments are
  inherited by the fork, not pickled).
* A worker ends with ``os._exit`` (multiprocessing's processes do), so Python's shutdown,
  and the destructors of what the parent had open, never run in it.

Processes are used only on Linux-like systems (the fork start method), from the main thread
(forking a server's worker thread copies locks other threads hold), and when
``CARA_PUBLISH_WORKERS`` (default: 2, or the cores if fewer) allows more than one; otherwise
the tasks run here, one after another. Tests that replace a function in this process (a spy)
see every call only then: set ``CARA_PUBLISH_WORKERS=1``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Sequence

from .model import PublishError

#: Environment variable: how many worker processes publish uses (1: none, all work here).
WORKERS_ENV = "CARA_PUBLISH_WORKERS"
#: Default number of workers, at most: the machines this runs on have two cores.
DEFAULT_WORKERS = 2


def workers(n_tasks: int) -> int:
    """How many worker processes to use for ``n_tasks`` tasks: ``CARA_PUBLISH_WORKERS``, else
    :data:`DEFAULT_WORKERS` or the number of cores if fewer; never more than the tasks, and
    1 (this process) where processes cannot be forked or this is not the main thread."""
    env = os.environ.get(WORKERS_ENV, "").strip()
    try:
        n = int(env) if env else min(DEFAULT_WORKERS, os.cpu_count() or 1)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be a whole number of processes, got {env!r}") from None
    if "fork" not in multiprocessing.get_all_start_methods() or threading.current_thread() is not threading.main_thread():
        return 1
    return max(1, min(n, n_tasks))


#: The job the forked workers read: set just before forking, so they inherit it unpickled.
_JOB: tuple[Callable[..., Any], Sequence[tuple]] | None = None


def _call(i: int) -> tuple[int, Any]:
    assert _JOB is not None
    fn, tasks = _JOB
    return i, fn(*tasks[i])


def run(fn: Callable[..., Any], tasks: Sequence[tuple], cost: Sequence[float] | None = None) -> list[Any]:
    """``[fn(*t) for t in tasks]``, in :func:`workers` processes when there are several.

    ``cost``: a rough size of each task; the largest are started first, so that the last to
    finish is a small one. Results come back in the tasks' order whatever order they ran in.
    An exception in a task is raised here (it must pickle, as this module's callers' do); a
    worker that dies (killed, out of memory) raises :class:`PublishError` rather than leaving
    publish waiting for it.
    """
    n = workers(len(tasks))
    if n <= 1:
        return [fn(*t) for t in tasks]
    global _JOB
    order = sorted(range(len(tasks)), key=lambda i: -cost[i]) if cost is not None else list(range(len(tasks)))
    out: list[Any] = [None] * len(tasks)
    _JOB = (fn, tasks)
    try:
        # The workers are forked at the first submit, from this thread, after _JOB is set.
        pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"))
        try:
            for done in as_completed([pool.submit(_call, i) for i in order]):
                i, result = done.result()
                out[i] = result
        finally:
            # After a failure, tasks not yet started are dropped rather than waited for.
            pool.shutdown(wait=True, cancel_futures=True)
    except BrokenProcessPool:
        raise PublishError("A worker process of publish ended unexpectedly (the machine may have run out of "
                           "memory), so nothing was published. Run publish again; if it happens again, run it "
                           f"in one process with {WORKERS_ENV}=1.") from None
    finally:
        _JOB = None
    return out
