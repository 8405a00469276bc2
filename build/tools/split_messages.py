"""One-time tool (issue 19 §5): split app/messages.py into the package app/messages/ by audience.

Usage: python3 build/tools/split_messages.py [ROOT]   (ROOT: the repository, default ".")
Kept until the branches that still add keys to app/messages.py are merged: restore the file with
their blocks and run it again; then delete this tool.

Every entry of the MESSAGES literal moves, with the comments above it, to the part its key's
prefix names; a section comment ("# --- topic ---") is repeated in each part that gets keys of
that section. Re-runnable on a messages.py that gained blocks (the lead re-applies them).
"""

from __future__ import annotations

import ast
import sys
import textwrap
from collections import Counter
from pathlib import Path

ROOT = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
SRC = ROOT / "app" / "messages.py"

PARTS = {
    "console": ("the hub's back-office console (web pages)", {"console"}),
    "hub": ("the hub: `yichuang hub …` and the hub server", {"hub"}),
    "cli": (
        "the command line (`yichuang …`), its commands' reports (doctor, export, drain)",
        {"cli", "cli_login", "drain", "doctor", "export"},
    ),
    "window": (
        "the window (the Textual UI): screens, footer keys, dialogs",
        {
            "app",
            "key",
            "help",
            "quit",
            "timeline",
            "unmask",
            "reprint",
            "status",
            "cases",
            "pickup",
            "intake",
            "queue",
            "lock",
            "counter",
            "refuse",
            "notify",
            "result",
            "doc",
            "action",
        },
    ),
}
SHARED = "shared"
INIT_DOC = '''"""The one message catalogue: every string the user sees, in Simplified Chinese and English.

Pure Python (no UI imports) so domain rules, services, the CLI, the TUI and the hub share it.
`t("key", **fields)` formats the message in the current language (zh by default).

The texts live in parts by audience, each a MESSAGES dict of its own; the catalogue is their
union (keys are disjoint), so t(), MESSAGES and the message-key test see one catalogue:

- shared:  words of the kernel and the services that window, CLI and hub all show (identifiers,
           numbers, working days, states and events, sync, backup, audit, operators …);
- window:  the Textual UI (screens, footer keys, dialogs);
- cli:     `yichuang …` and its commands' reports (doctor, export, drain);
- hub:     `yichuang hub …` and the hub server;
- console: the hub's back-office console (web pages).

A key's prefix names its part (app.messages.<part>); add a block of keys to the part whose
audience reads them.
"""'''

SHARED_DOC = (
    "words shared by the window, the CLI and the hub: domain rules (identifiers, numbers, working "
    "days, states, events), services' reports and errors"
)


def part_of(key: str) -> str:
    prefix = key.split(".")[0]
    for name, (_, prefixes) in PARTS.items():
        if prefix in prefixes:
            return name
    return SHARED


def main() -> None:
    text = SRC.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    [assign] = [
        n for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "MESSAGES"
    ]
    d = assign.value
    assert isinstance(d, ast.Dict)
    keys = [k.value for k in d.keys]
    dup = [k for k, n in Counter(keys).items() if n > 1]
    assert not dup, f"duplicate keys in the literal: {dup}"

    out: dict[str, list[str]] = {name: [] for name in [SHARED, *PARTS]}
    last_section: dict[str, tuple[str, ...] | None] = {name: None for name in out}
    section: tuple[str, ...] = ()
    prev_end = d.lineno  # the line of "MESSAGES ... = {" (1-based)
    for k, v in zip(d.keys, d.values):
        gap = lines[prev_end : k.lineno - 1]  # lines between the previous entry and this key
        pre: list[str] = []
        i = 0
        while i < len(gap):
            line = gap[i]
            if line.strip().startswith("# ---"):
                block = [line]
                i += 1
                # continuation lines of a section title (a comment ending in dashes)
                while (
                    i < len(gap) and gap[i].strip().startswith("#") and not gap[i].strip().startswith("# ---")
                ):
                    if block[-1].rstrip().endswith("-"):
                        break
                    block.append(gap[i])
                    i += 1
                section = tuple(block)
                pre = []
                continue
            pre.append(line)
            i += 1
        name = part_of(k.value)
        if section and last_section[name] != section:
            out[name].extend(section)
            last_section[name] = section
        out[name].extend(pre)
        out[name].extend(lines[k.lineno - 1 : v.end_lineno])
        # a trailing comma and comment sit on the value's last line already
        prev_end = v.end_lineno
    tail = [ln for ln in lines[prev_end : d.end_lineno - 1] if ln.strip()]
    assert not tail, f"text after the last entry: {tail}"

    pkg = ROOT / "app" / "messages"
    pkg.mkdir(exist_ok=True)
    docs = {SHARED: SHARED_DOC, **{n: doc for n, (doc, _) in PARTS.items()}}
    for name, body in out.items():
        prefixes = sorted({part_of_prefix for part_of_prefix in _prefixes(keys, name)})
        header = (
            f'"""Messages for {docs[name]}.\n\n'
            "Part of the one catalogue (app.messages assembles the parts; t() looks keys up there).\n"
            + "\n".join(textwrap.wrap("Key prefixes here: " + ", ".join(prefixes) + ".", 96))
            + "\n"
            '"""\n\nfrom __future__ import annotations\n\n'
            "MESSAGES: dict[str, tuple[str, str]] = {\n"
        )
        (pkg / f"{name}.py").write_text(header + "\n".join(body) + "\n}\n", encoding="utf-8")

    # __init__: the old module with the literal replaced by the assembly of the parts
    names = [SHARED, *PARTS]
    start = assign.lineno - 1
    head = lines[:start]
    at = head.index("from __future__ import annotations")
    head = [*INIT_DOC.splitlines(), "", *head[at:]]
    at = head.index("from __future__ import annotations")
    head[at + 1 : at + 1] = [
        "",
        "from app.messages import " + ", ".join(sorted(names)),
        "from forms import texts as _forms_texts",
    ]
    assembly = (
        "# One catalogue, assembled from the parts by audience; their keys are disjoint\n"
        "# (tests/unit/test_messages.py checks it).\n"
        "MESSAGES: dict[str, tuple[str, str]] = {\n" + "".join(f"    **{n}.MESSAGES,\n" for n in names) + "}"
    )
    after = "\n".join(lines[d.end_lineno :])
    # forms speaks through the translator installed at the end (forms.texts): whether or not the
    # messages.py given has that hook yet (a branch made before it), the package ends with it.
    hook = "from forms import texts as _forms_texts  # noqa: E402"
    comment = "# forms imports no app module; it speaks through the translator installed here (forms.texts)."
    kept = [ln for ln in after.splitlines() if ln not in (hook, comment, "_forms_texts.install(t)")]
    after = "\n".join(kept).rstrip() + "\n\n\n" + comment + "\n_forms_texts.install(t)"
    init = "\n".join(head) + "\n" + assembly + "\n" + after + "\n"
    (pkg / "__init__.py").write_text(init, encoding="utf-8")
    SRC.unlink()
    for name in names:
        n = sum(1 for k in keys if part_of(k) == name)
        print(f"{name:8} {n:5} keys  prefixes: {', '.join(sorted(_prefixes(keys, name)))}")


def _prefixes(keys: list[str], name: str) -> set[str]:
    return {k.split(".")[0] for k in keys if part_of(k) == name}


if __name__ == "__main__":
    main()
