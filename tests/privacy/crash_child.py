"""A window that crashes in a key handler with hub.token in a local variable and in the
exception's words, run as `yichuang` runs it (crashlog.run_app); and a CLI command that
fails the same way. The test reads stderr and the crash log for the token.

    python -m tests.privacy.crash_child window|cli DATA_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path


def window(data: Path) -> int:
    from app.crashlog import run_app
    from app.services.workstation import open_workstation
    from app.ui.app import YichuangApp

    ws = open_workstation(data)

    import app.ui.app as ui_app

    class Crashing(YichuangApp):
        CSS_PATH = str(Path(ui_app.__file__).parent / YichuangApp.CSS_PATH)

        def on_mount(self) -> None:
            self.set_timer(0.3, self.explode)

        def explode(self) -> None:
            token = self.ws.config.get("hub.token")  # a local: Textual shows locals by default
            headers = {"Authorization": f"Bearer {token}"}
            raise RuntimeError(f"the hub refused {headers['Authorization']}")

    return run_app(Crashing(ws), data, headless=True)


def cli(data: Path) -> int:
    import app.cli
    import app.cli.config

    def boom(args) -> int:
        from app.config import load_config

        token = load_config(data).get("hub.token")
        raise RuntimeError(f"unexpected answer for token {token}")

    app.cli.config.cmd_config_get = boom
    return app.cli.main(["config", "get", "--data-dir", str(data)])


if __name__ == "__main__":
    mode, data = sys.argv[1], Path(sys.argv[2])
    raise SystemExit(window(data) if mode == "window" else cli(data))
