"""The workstation's side of sync: outbox and pulled events on the local store (outbox), one
sync cycle against the hub (cycle), scans (attachments), the loop the window runs (runner), and
the window's sync use cases (actions). The wire format and the HTTP client are in `sync/`."""
