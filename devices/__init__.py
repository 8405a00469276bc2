"""Hardware at the window behind small interfaces: printers (one transport per module) and the
ID-card reader. Plain Python over sockets, ttys and pyserial: nothing here imports the app,
the hub or Textual (an import-linter contract), so each device is tested on its own.
"""
