"""The window's idle wait: between cycles, one pull held at the hub (``wait=S``) that answers as
soon as the hub has news for this window (a back office's decision, another catalogue,
changed accounts), so the next cycle starts within a second or two of a decision instead of
at the next idle interval.

The watch runs on a thread of its own with its own connection (the runner's thread stays free
for a kick: a decision made at this window starts a cycle at once). An empty answer at the
bound is an idle cycle done: it counts as a success (the status line's time, the clock's skew)
and the next hold starts; a window so costs one request per S seconds on the wire.

It gives up, and the runner goes back to short polls every ``interval``, when:

* the hold is cut before its bound (a proxy with a shorter read timeout, or one that closes
  long requests) while a plain pull right after goes through: ``outcome == "cut"``;
* the hub answers at once without ``"w"`` (it is older than the wait): ``"unsupported"``.

Anything else that fails (the link, the hub) ends the watch with ``"error"``: the runner's next
cycle meets the same failure and handles it (probes, back-off).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from app.services import operators, sealed_files
from app.services.sync import outbox as local
from app.services.workstation import Workstation
from sync.transport import SyncError

EARLY = 1.0  # an answer this much before the bound, without news, was cut short


class IdleWatch(threading.Thread):
    def __init__(
        self,
        ws: Workstation,
        wait: int,
        on_end: Callable[[], object],
        on_idle: Callable[[], object] | None = None,
    ) -> None:
        """``on_end``: called when the watch ends by itself (news, a cut, an error: the runner
        starts a cycle); ``on_idle``: after each hold that ended empty (an idle cycle done)."""
        super().__init__(name="sync-idle-wait", daemon=True)
        self.ws, self.wait, self.on_end, self.on_idle = ws, wait, on_end, on_idle
        self.stopping = threading.Event()
        self.outcome = ""  # news | cut | unsupported | error (set when the watch ends by itself)
        self.polls = 0  # holds that ended empty at their bound
        self.holding = threading.Event()  # a hold is on the wire

    def stop(self) -> None:
        """No more holds; the one on the wire ends at its bound and is not acted on."""
        self.stopping.set()

    def run(self) -> None:
        from app.services.sync.cycle import _held_versions
        from app.services.sync.hub_client import client_for

        try:
            client = client_for(self.ws)
        except SyncError:
            self._end("error")
            return
        # its answers are tiny (an empty page, or news the cycle then pulls): no dictionary named
        client.zdict = None
        try:
            while not self.stopping.is_set():
                store = self.ws.store
                after = int(local.read_state(store, local.CURSOR, "0") or 0)
                cat, cal = _held_versions(self.ws)
                ops = operators.pulled_cursor(self.ws)
                bk = sealed_files.hub_key_fingerprint(store)
                t0 = time.monotonic()
                self.holding.set()
                try:
                    doc = client.pull(after, cat=cat, cal=cal, ops=ops, bk=bk, limit=1, wait=self.wait)
                except SyncError as exc:
                    self.holding.clear()
                    if self.stopping.is_set():  # the window moved on (maybe closed its store)
                        return
                    early = time.monotonic() - t0 < self.wait - EARLY
                    self._end(
                        "cut"
                        if early and exc.kind in ("offline", "slow", "hub") and self._plain_ok(client)
                        else "error"
                    )
                    return
                self.holding.clear()
                if self.stopping.is_set():
                    return
                if (
                    doc["events"]
                    or any(k in doc for k in ("ops", "bk"))
                    or doc.get("cat", cat) != cat
                    or doc.get("cal", cal) != cal
                ):
                    self._end("news")
                    return
                if doc.get("w") != self.wait or time.monotonic() - t0 < self.wait - EARLY:
                    # a hub older than the wait, or one that says it held the pull but did not:
                    # never a loop of quick empty answers
                    self._end("unsupported")
                    return
                self.polls += 1
                self._idle_cycle_done(doc.get("now"))
                if self.on_idle is not None and not self.stopping.is_set():
                    self.on_idle()
        finally:
            client.close()

    def _plain_ok(self, client) -> bool:  # noqa: ANN001 (sync.transport.HubClient)
        """Whether a pull without a wait goes through (then the hold, not the link, was cut)."""
        try:
            client.pull(int(local.read_state(self.ws.store, local.CURSOR, "0") or 0), limit=1)
            return True
        except SyncError:
            return False

    def _idle_cycle_done(self, hub_now: object) -> None:
        from app.services.sync.cycle import CycleReport, _skew

        _skew(self.ws, CycleReport(), hub_now)
        local.write_state(
            self.ws.store,
            last_success=datetime.now(UTC).isoformat(timespec="seconds"),
            last_error="",
            link="online",
        )

    def _end(self, outcome: str) -> None:
        if self.stopping.is_set():
            return
        self.outcome = outcome
        self.on_end()
