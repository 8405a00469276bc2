"""What the window calls for sync: one cycle, the loop behind it, and the status it shows.

The TUI runs :meth:`SyncRunner.run_forever` in a thread worker (the UI never waits on the
network) and puts :meth:`SyncStatus.bar_text` in its status bar. The loop:

* after a good cycle, holds a pull at the hub (app.services.sync.idle: ``wait=`` up to
  ``idle_wait`` seconds, one request per hold) and starts the next cycle as soon as the hub
  has news for this window, or on :meth:`kick` (a new decision here), or after ``full_every``
  seconds at the latest; when a proxy cuts the held pull short, or the hub is older than the
  wait, goes back to waiting ``interval`` seconds between cycles (for ``short_for`` seconds,
  then tries the hold again);
* when the hub cannot be reached, probes the link with a bare TCP connect every
  ``probe_every`` seconds (no payload on the wire) and syncs as soon as it answers, so sync
  starts within 10 s of the link coming back;
* when the hub answers but fails (5xx, garbage), backs off exponentially with jitter,
  capped at 5 minutes — unless the cycle moved something for good (events acknowledged or
  applied, scan bytes kept by the hub): then the back-off resets and the next cycle starts at
  once, so a link that cuts every few hundred KB still carries a scan at its own speed;
* when the hub (or a proxy before it) answers 429 or 503 with ``Retry-After`` (seconds or an
  HTTP-date), sends nothing before that time is up, whatever else happened (a new decision
  does not cut it short), up to ``retry_after_cap`` seconds (10 minutes);
* never ends on a failure: whatever a cycle raises is recorded as last_error and retried
  (the loop supervises itself; the TUI restarts the worker if it ends all the same).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.markup import escape

from app.messages import t
from app.services.workstation import Workstation

SKEW_WARN_SECONDS = 300
MIN_RETRY_AFTER = 1.0  # "Retry-After: 0" again and again must not become a busy loop
ERROR_SHOWN = 80  # characters of the last error in the status bar
FULL_EVERY = 600.0  # a whole cycle at least this often while pulls are held (each hold is an idle pull)
SHORT_FOR = 1800.0  # after a cut hold: short polls for this long, then the hold is tried again


@dataclass
class SyncStatus:
    configured: bool
    online: bool | None  # None: not tried yet
    waiting: int  # events not at the hub (pending + refused)
    attachments_waiting: int
    last_success: str  # ISO UTC or ""
    last_error: str
    skew_seconds: float | None
    refused: list[dict] = field(default_factory=list)
    conflicts: list[Any] = field(default_factory=list)
    ready: list[Any] = field(default_factory=list)  # 办结, waiting for pickup
    link: str | None = None  # online | unstable (the hub answers, the cycle failed) | offline
    last_error_detail: str = ""  # the library's or the hub's own words (admins, --json)

    @property
    def skew_warning(self) -> bool:
        return self.skew_seconds is not None and abs(self.skew_seconds) > SKEW_WARN_SECONDS

    def parts(self) -> list[tuple[str, str]]:
        """(plain text, style) of each piece of the status line."""
        if not self.configured:
            return [(t("sync.bar_offline_only"), "")]
        link = self.link or (
            {True: "online", False: "offline"}.get(self.online) if self.online is not None else None
        )
        if link is None:
            state = (t("sync.not_yet"), "")
        elif link == "online":
            state = (t("sync.online"), "")
        elif link == "unstable" and self.last_error.startswith("auth:"):
            state = (t("sync.token_refused"), "red")  # the link is fine; the token is not
        elif link == "unstable":
            state = (t("sync.unstable"), "yellow")
        else:
            state = (t("sync.offline"), "red")
        parts = [state, (t("sync.waiting", n=self.waiting), "")]
        if self.last_success:
            parts.append((t("sync.last_success", when=_local(self.last_success)), ""))
        if self.last_error and link != "online":
            error = self.last_error.split(": ", 1)[-1]  # "kind: text" as stored
            if len(error) > ERROR_SHOWN:
                error = error[: ERROR_SHOWN - 1] + "…"
            parts.append((t("sync.last_error", error=error), "red"))
        if self.refused:
            n = len([r for r in self.refused if r["status"] == "refused"])
            parts.append((t("sync.refused_count", n=n), "red"))
        if self.conflicts:
            parts.append((t("sync.conflict_count", n=len(self.conflicts)), "yellow"))
        if self.ready:
            parts.append((t("sync.ready_count", n=len(self.ready)), ""))
        if self.skew_warning:
            parts.append((t("sync.clock_skew", minutes=round(self.skew_seconds / 60)), "red"))
        return parts

    def short_parts(self) -> list[tuple[str, str]]:
        """The status line's short form (a narrow window with other faults to show, issue 21):
        the link's state and the counts; the error, the last sync time and the clock are on the
        sync screen, which the last piece names when there is something to see there."""
        full = self.parts()
        if not self.configured:
            return full
        keep = {
            t("sync.waiting", n=self.waiting),
            t("sync.refused_count", n=len([r for r in self.refused if r["status"] == "refused"])),
            t("sync.conflict_count", n=len(self.conflicts)),
            t("sync.ready_count", n=len(self.ready)),
        }
        short = [full[0], *(p for p in full[1:] if p[0] in keep)]
        if len(short) < len(full) and any(st == "red" for _, st in full):
            short.append((t("sync.bar_details"), ""))
        return short

    def bar_text(self, *, short: bool = False) -> str:
        """One line for the status bar (Textual markup; the hub's words are escaped)."""
        parts = self.short_parts() if short else self.parts()
        return " · ".join(f"[{st}]{escape(text)}[/]" if st else escape(text) for text, st in parts)

    def line(self) -> str:
        """The same, plain (CLI)."""
        return " · ".join(text for text, _st in self.parts())

    def to_dict(self) -> dict[str, Any]:
        return {
            "configured": self.configured,
            "online": self.online,
            "waiting": self.waiting,
            "attachments_waiting": self.attachments_waiting,
            "last_success": self.last_success,
            "last_error": self.last_error,
            "last_error_detail": self.last_error_detail,
            "link": self.link,
            "clock_skew_seconds": self.skew_seconds,
            "clock_skew_warning": self.skew_warning,
            "refused": self.refused,
            "conflicts": [
                {
                    "case": c.case_number,
                    "rule": c.rule,
                    "kind": c.kind,
                    "origin": c.origin,
                    "state_then": c.state_then,
                }
                for c in self.conflicts
            ],
            "ready_for_pickup": [c.number for c in self.ready],
        }


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return iso


class SyncRunner:
    def __init__(
        self,
        ws: Workstation,
        *,
        interval: float = 30.0,
        probe_every: float = 5.0,
        backoff=None,  # noqa: ANN001 (sync.transport.Backoff; the default one when None)
        retry_after_cap: float | None = None,
        idle_wait: int | None = None,
        full_every: float = FULL_EVERY,
        short_for: float = SHORT_FOR,
    ) -> None:
        from sync.protocol import MAX_PULL_WAIT
        from sync.transport import RETRY_AFTER_CAP

        self.ws = ws
        self.interval = interval
        self.probe_every = probe_every
        self.backoff = backoff
        self.retry_after_cap = RETRY_AFTER_CAP if retry_after_cap is None else retry_after_cap
        self.online: bool | None = None
        self.link: str | None = None  # see SyncStatus.link
        self._kick = threading.Event()
        self.stopping = threading.Event()
        self.last_report = None
        self.idle_wait = MAX_PULL_WAIT if idle_wait is None else idle_wait  # 0: never hold a pull
        self.full_every = full_every
        self.short_for = short_for
        self.idle_state = ""  # waiting (a pull held at the hub) | short (polls every interval)
        self._short_until = 0.0
        self._idle_polls = 0
        self._watch = None  # app.services.sync.idle.IdleWatch in flight

    @property
    def configured(self) -> bool:
        return bool(self.ws.config.get("hub.url")) and bool(self.ws.config.get("hub.token"))

    def cycle(self):
        """One cycle (push, pull, catalogue, calendar, scans); returns app.services.sync.cycle.CycleReport."""
        from app.services.sync.cycle import link_state, run_cycle

        rep = run_cycle(self.ws)
        self.link = link_state(rep)
        self.online = self.link != "offline"
        self.last_report = rep
        return rep

    def status(self, *, probe: bool = False) -> SyncStatus:
        from app.services.sync import attachments
        from app.services.sync import outbox as local

        store = self.ws.store
        online, link = self.online, self.link
        if probe and self.configured:
            from sync.transport import reachable

            online = reachable(str(self.ws.config.get("hub.url")))
        skew = local.read_state(store, "clock_skew", "")
        last_error = local.read_state(store, "last_error", "")
        last_success = local.read_state(store, "last_success", "")
        if online is None and (last_error or last_success):  # another process synced: its outcome
            link = local.read_state(store, "link", "") or None
            online = link != "offline" if link else not last_error.startswith(("offline", "slow", "config"))
        if probe and not online:
            link = "offline"
        return SyncStatus(
            configured=self.configured,
            online=online,
            waiting=local.unsent_total(store),
            attachments_waiting=attachments.pending_count(store),
            last_success=last_success,
            last_error=last_error,
            skew_seconds=float(skew) if skew else None,
            refused=local.refused_events(store),
            conflicts=local.conflicts(store),
            ready=local.ready_for_pickup(store),
            link=link,
            last_error_detail=local.read_state(store, "last_error_detail", "") if last_error else "",
        )

    def kick(self) -> None:
        """Sync soon (a decision was just made)."""
        self._kick.set()

    def stop(self) -> None:
        self.stopping.set()
        self._kick.set()

    def run_forever(self, on_cycle: Callable[[SyncStatus], Any] | None = None) -> None:
        """The loop; returns only after :meth:`stop`. A failure of any step is recorded and
        retried after the back-off, never allowed to end the loop."""
        from sync.transport import Backoff

        backoff = self.backoff or Backoff()
        while not self.stopping.is_set():
            try:
                self._step(backoff, on_cycle)
            except Exception as exc:  # noqa: BLE001  (supervision: record, wait, go on)
                self._record_failure(exc)
                self._wait(backoff.next_delay())

    def _step(self, backoff, on_cycle) -> None:
        from sync.transport import reachable

        if not self.configured:
            self._wait(10.0)
            self.ws.config = _reload(self.ws)
            return
        rep = self.cycle()
        if on_cycle is not None:
            on_cycle(self.status())
        if rep.error is None:
            backoff.reset()
            self._idle(on_cycle)
        elif rep.error.retry_after is not None:
            # the hub said when to come back: not before (a kick waits too), not after the cap
            self._hold(min(self.retry_after_cap, max(MIN_RETRY_AFTER, rep.error.retry_after)))
        elif rep.progressed:
            # acknowledged bytes or events moved: the link works, if badly; go on at once
            backoff.reset()
        elif rep.error.kind == "offline" and not reachable(str(self.ws.config.get("hub.url"))):
            # the link is down: wait for it with bare TCP probes, then sync at once
            url = str(self.ws.config.get("hub.url"))
            while not self.stopping.is_set() and not reachable(url):
                self._wait(self.probe_every)
            backoff.reset()
        else:
            self._wait(backoff.next_delay())

    @property
    def idle_polls(self) -> int:
        """Holds that ended empty at their bound (each an idle cycle)."""
        return self._idle_polls + (self._watch.polls if self._watch is not None else 0)

    def _idle(self, on_cycle: Callable[[SyncStatus], Any] | None = None) -> None:
        """Between good cycles: a pull held at the hub, or short polls when that cannot work.
        Each hold that ends empty is an idle cycle: ``on_cycle`` hears of it (the status line)."""
        if not self.idle_wait or time.monotonic() < self._short_until:
            self.idle_state = "short" if self.idle_wait else ""
            self._wait(self.interval)
            return
        from app.services.sync.idle import IdleWatch

        def idle_done() -> None:
            if on_cycle is not None:
                on_cycle(self.status())

        watch = IdleWatch(self.ws, self.idle_wait, on_end=self.kick, on_idle=idle_done)
        self._watch = watch
        self.idle_state = "waiting"
        watch.start()
        try:
            self._wait(max(self.interval, self.full_every))
        finally:
            watch.stop()  # its hold on the wire ends at its bound, unheeded
            self._idle_polls += watch.polls
            self._watch = None
        if watch.outcome in ("cut", "unsupported"):
            import logging

            logging.getLogger("yichuang.sync").info(
                "idle wait: %s; polling every %s s for %s s", watch.outcome, self.interval, self.short_for
            )
            self._short_until = time.monotonic() + self.short_for
            self.idle_state = "short"

    def _record_failure(self, exc: Exception) -> None:
        from datetime import UTC
        from datetime import datetime as dt

        from app.domain.failures import explain
        from app.services.sync import outbox as local

        cause = explain(exc)
        text = t("sync.err_local", detail=cause.text())
        try:
            local.write_state(
                self.ws.store,
                last_error=f"local: {text}"[:500],
                last_error_detail=cause.detail,
                last_attempt=dt.now(UTC).isoformat(timespec="seconds"),
            )
        except Exception:  # noqa: BLE001  (the store is failing too; the next round tries again)
            pass

    def _wait(self, seconds: float) -> None:
        self._kick.wait(seconds)
        self._kick.clear()

    def _hold(self, seconds: float) -> None:
        """Wait the whole of ``seconds`` (only stop() ends it early); a kick meanwhile is moot:
        the next cycle starts right after and sends everything waiting."""
        until = time.monotonic() + seconds
        while not self.stopping.is_set():
            left = until - time.monotonic()
            if left <= 0:
                break
            self.stopping.wait(left)
        self._kick.clear()


def _reload(ws: Workstation):
    from app.config import load_config

    return load_config(ws.config.data_dir, create=False)
