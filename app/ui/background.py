"""The supervisor of the window's background work: every job by name, started, kicked,
restarted when it ends before the window closes (if it says so), stopped, and its state.

A job's work runs in a Textual thread worker (the window never waits on the store, the printer
or the network); what it returns, or the error it raised, is handed to the job's `done` or
`failed` in the UI thread. A job without `failed` lets the error end its worker: the worker's
end restarts it after `restart_after` seconds, or, with exit_on_error, ends the window (the
index and the catalogue: without them there is nothing to show). Timers (`every`, `after`)
and threads that run on their own (`adopt`) are kept by job name too, so stop() ends them all. The window's jobs are in app.ui.jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# A job's states, as status() tells them
IDLE, RUNNING, DONE, FAILED, STOPPED = "idle", "running", "done", "failed", "stopped"


@dataclass
class Job:
    name: str  # also its workers' name and group
    work: Callable[[], Any]  # in a thread
    done: Callable[[Any], None] | None = None  # in the UI thread, with what `work` returned
    failed: Callable[[Exception], None] | None = None  # in the UI thread; None: the worker fails
    restart_after: float | None = None  # seconds after its worker ended, unless stopping
    exclusive: bool = False
    exit_on_error: bool = False
    state: str = IDLE
    error: str = ""
    runs: int = 0
    restarts: int = 0
    again: bool = False  # kicked while running: once more after this run
    stop: Callable[[], None] | None = None  # what ends a long-running job's work (stop())
    timers: list = field(default_factory=list)


class Background:
    def __init__(self, app) -> None:
        self.app = app
        self.jobs: dict[str, Job] = {}
        self.stopping = False

    def add(self, job: Job) -> Job:
        self.jobs[job.name] = job
        return job

    def start(self, name: str) -> None:
        """Run the job once more now (a long-running job: its loop)."""
        job = self.jobs[name]
        if self.stopping:
            return
        job.state, job.error, job.again = RUNNING, "", False
        job.runs += 1
        self.app.run_worker(
            lambda: self._run(job),
            name=name,
            group=name,
            thread=True,
            exclusive=job.exclusive,
            exit_on_error=job.exit_on_error,
        )

    def kick(self, name: str) -> None:
        """Run the job now, or once more right after the run under way, in its thread (several
        kicks during one run make one more run; the UI thread need not be free for it)."""
        job = self.jobs[name]
        if job.state == RUNNING:
            job.again = True
            return
        self.start(name)

    def running(self, name: str) -> bool:
        job = self.jobs.get(name)
        return job is not None and job.state == RUNNING

    def every(
        self, name: str, seconds: float, callback: Callable[[], Any], *, first: float | None = None
    ) -> None:
        """Call `callback` every `seconds` (the first time after `first`, if given)."""
        job = self.jobs.setdefault(name, Job(name, work=lambda: None))
        if first is not None:
            job.timers.append(self.app.set_timer(first, callback))
        job.timers.append(self.app.set_interval(seconds, callback))

    def after(self, name: str, seconds: float, callback: Callable[[], Any]) -> None:
        """Call `callback` once, in `seconds`, unless the window stops first (the job is
        running while a call is due)."""
        job = self.jobs.setdefault(name, Job(name, work=lambda: None))
        job.state = RUNNING

        def due() -> None:
            if not self.stopping:
                job.state = IDLE
                callback()

        self.app.set_timer(seconds, due)

    def adopt(self, name: str, stop: Callable[[], None]) -> None:
        """A thread that runs on its own (the scanner folder's watcher): running until stop()."""
        job = self.jobs.setdefault(name, Job(name, work=lambda: None))
        job.state, job.stop = RUNNING, stop
        job.runs += 1

    def call(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call `callback` in the UI thread, from a worker; nothing when the window is closing
        (the store keeps what the job was about for next time)."""
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def _run(self, job: Job) -> None:
        try:
            result = job.work()
            while job.again and not self.stopping:  # kicked meanwhile: once more, in this thread
                job.again = False
                result = job.work()
        except Exception as exc:
            if job.failed is None:
                if job.state != STOPPED:
                    job.state, job.error = FAILED, str(exc)
                raise  # the worker ends in error: restarted, or the window ends (exit_on_error)
            self.call(self._ended, job, FAILED, exc)
            return
        self.call(self._ended, job, DONE, result)

    def _ended(self, job: Job, state: str, outcome: Any) -> None:
        if job.state != STOPPED:  # told to stop (the window closes): it stays stopped
            job.state = state
        if state == FAILED:
            job.error = str(outcome)
            assert job.failed is not None
            job.failed(outcome)
        elif job.done is not None:
            job.done(outcome)
        if job.again and not self.stopping:
            self.start(job.name)

    def worker_changed(self, event) -> None:
        """The end of a worker (Worker.StateChanged, sent to the app): a job that ended while
        the window goes on is started again after its restart_after."""
        from textual.worker import WorkerState

        job = self.jobs.get(event.worker.name)
        if job is None or event.state not in (WorkerState.ERROR, WorkerState.SUCCESS, WorkerState.CANCELLED):
            return
        if event.state == WorkerState.ERROR and job.state == RUNNING:
            job.state, job.error = FAILED, str(event.worker.error)
        if job.restart_after is not None and not self.stopping:
            job.restarts += 1
            self.app.set_timer(job.restart_after, lambda: self.start(job.name))

    def status(self) -> dict[str, str]:
        """Each job's state ("failed: the error" when it failed)."""
        return {
            name: f"{j.state}: {j.error}" if j.state == FAILED else j.state for name, j in self.jobs.items()
        }

    def stop(self) -> None:
        """The window closes: no job starts again, long-running ones are told to end."""
        self.stopping = True
        for job in self.jobs.values():
            for timer in job.timers:
                timer.stop()
            if job.stop is not None:
                job.stop()
            if job.state == RUNNING or job.stop is not None:
                job.state = STOPPED
