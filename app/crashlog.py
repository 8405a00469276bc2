"""Run the window so that a crash is never silent.

Textual catches an unhandled exception in a handler or worker, prints a traceback, leaves
`App.run()` normally and only records the failure in `app.return_code` / `app._exception`.
Without a look at those the process would exit 0 and the reason would be gone with the
terminal. Here a crash ends with a non-zero code and a log file in `<data dir>/logs/`.
"""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from pathlib import Path

from app import __version__
from app.domain.masking import redact


def write_crash_log(data_dir: Path, error: BaseException, when: datetime | None = None) -> Path:
    """Write the traceback, the time and the version to `<data dir>/logs/crash-…log`."""
    when = when or datetime.now().astimezone()
    from app.private_files import make_private_dir, write_private

    logs = make_private_dir(Path(data_dir) / "logs")  # a traceback may quote an applicant's data
    stamp = when.strftime("%Y%m%d-%H%M%S")
    path = logs / f"crash-{stamp}.log"
    n = 1
    while path.exists():  # two crashes in one second: keep both
        path = logs / f"crash-{stamp}-{n}.log"
        n += 1
    cause = getattr(error, "error", None)  # textual's WorkerFailed wraps the worker's exception
    shown = cause if isinstance(cause, BaseException) else error
    text = "".join(traceback.format_exception(type(shown), shown, shown.__traceback__))
    header = (
        f"yichuang {__version__} crashed at {when.isoformat(timespec='seconds')}\n"
        f"python {platform.python_version()} on {platform.platform()}\n"
        f"argv {sys.argv!r}\n\n"
    )
    # argv and the exception's words may hold hub.token or a password: redacted, always.
    write_private(path, redact(header + text).encode("utf-8", errors="backslashreplace"))
    return path


def redacted_traceback(error: BaseException) -> str:
    """The traceback of `error` as text, with every known secret masked."""
    return redact("".join(traceback.format_exception(type(error), error, error.__traceback__)))


_installed = False


def install_log_redaction() -> None:
    """Every log record, from any logger, has known secrets masked in its message and its
    traceback before any handler sees it (a record factory: loggers' own filters would miss
    records that propagate)."""
    global _installed
    if _installed:
        return
    import logging

    make = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is the handler's to report, as before
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1]).rstrip("\n")
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def run_app(app, data_dir: Path, **run_kw) -> int:
    """Run a Textual app; return its exit code, logging a crash first when there was one."""
    try:
        app.run(**run_kw)
    except Exception as exc:  # a failure outside Textual's own handling (driver, start-up)
        _report(write_crash_log(data_dir, exc))
        return 1
    error = getattr(app, "_exception", None)
    code = app.return_code or 0
    if error is not None:
        _report(write_crash_log(data_dir, error))
        return code or 1
    return code


def fatal_error_renderable(console, error: BaseException | None):
    """What the window prints when it stops on an unexpected error: the traceback without
    local variables (they hold applicants' data, tokens, typed passwords), secrets masked
    in the exception's words before they are laid out (a wrapped line cannot split one)."""
    from rich.segment import Segment, Segments
    from rich.traceback import Traceback

    if error is None:
        error = sys.exc_info()[1]
    if error is None:
        return Segments([])
    trace = Traceback.extract(type(error), error, error.__traceback__, show_locals=False)
    for stack in trace.stacks:
        stack.exc_value = redact(stack.exc_value)
        stack.notes = [redact(n) for n in stack.notes]
    tb = Traceback(trace, width=None)
    return Segments(
        [Segment(redact(seg.text), seg.style, seg.control) for seg in console.render(tb, console.options)]
    )


def _report(path: Path) -> None:
    from app.messages import t

    print(t("error.crash_logged", path=path), file=sys.stderr)
