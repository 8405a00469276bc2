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


def write_crash_log(data_dir: Path, error: BaseException, when: datetime | None = None) -> Path:
    """Write the traceback, the time and the version to `<data dir>/logs/crash-…log`."""
    when = when or datetime.now().astimezone()
    logs = Path(data_dir) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
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
    path.write_text(header + text, encoding="utf-8", errors="backslashreplace")
    return path


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


def _report(path: Path) -> None:
    from app.messages import t

    print(t("error.crash_logged", path=path), file=sys.stderr)
