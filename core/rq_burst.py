"""RQ's in-process worker, as the Civique worker runs it for a round's burst of jobs.

Imported only when ``REDIS_URL`` is set (``rq`` is an optional dependency, the ``redis`` extra).
"""

from __future__ import annotations

from rq import SimpleWorker

from .heartbeat import stop_asked


class BurstWorker(SimpleWorker):
    """RQ's worker running jobs in this process. SIGTERM and SIGINT stay with the Civique
    worker's own handling (:func:`core.heartbeat.stopping_gracefully`), and RQ's loop, which
    looks at its stop flag between two jobs, reads that handling's."""

    def _install_signal_handlers(self) -> None:
        pass

    @property
    def _stop_requested(self) -> bool:
        return stop_asked()

    @_stop_requested.setter
    def _stop_requested(self, value: bool) -> None:
        pass  # RQ sets it on its own signals, which this worker does not listen to
