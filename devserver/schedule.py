"""The template's schedules, run locally: each scheduled function now, then every period."""

from __future__ import annotations

import logging
import threading
from typing import Any

from devserver.lambdas import Functions, scheduled_event

DAY_SECONDS = 24 * 60 * 60

logger = logging.getLogger("devserver.schedule")


class Scheduler:
    """A daemon thread calling each scheduled handler at start, then every `period` seconds."""

    def __init__(self, functions: Functions, schedules: dict[str, dict[str, Any]], period: float = DAY_SECONDS) -> None:
        self.functions = functions
        self.schedules = schedules
        self.period = period
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="devserver-schedule", daemon=True)

    def run_once(self) -> dict[str, Any]:
        """Call every scheduled handler once; log each result or failure, never raise."""
        results: dict[str, Any] = {}
        for function_name, schedule in self.schedules.items():
            try:
                results[function_name] = self.functions.invoke(
                    function_name, schedule["handler"], scheduled_event(function_name)
                )
                logger.info("Tâche planifiée %s : %s", function_name, results[function_name])
            except Exception:  # a failing sweep must not bring the stack down
                if self._stopped.is_set():
                    return results  # cut short by the stop (moto is going away): nothing to report
                logger.exception("Tâche planifiée %s : échec", function_name)
        return results

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self.run_once()
            if self._stopped.wait(self.period):
                return

    def start(self) -> None:
        """Start the thread (first run right away)."""
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the thread to stop and wait a little for it (a run in progress is abandoned)."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
