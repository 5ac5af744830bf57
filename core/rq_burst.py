"""RQ's in-process worker, as the Civique worker runs it for a round's burst of jobs.

Imported only when ``REDIS_URL`` is set (``rq`` is an optional dependency, the ``redis`` extra).
"""

from __future__ import annotations

from rq import SimpleWorker


class BurstWorker(SimpleWorker):
    """RQ's worker running jobs in this process, leaving SIGTERM and SIGINT to the Civique
    worker's own handling (:func:`core.heartbeat.handle_stop_signals`), which stops between
    two rounds instead of RQ's stop in the middle of the worker's loop."""

    def _install_signal_handlers(self) -> None:
        pass
