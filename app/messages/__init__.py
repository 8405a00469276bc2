"""The one message catalogue: every string the user sees, in Simplified Chinese and English.

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
"""

from __future__ import annotations

from app.messages import cli, console, hub, shared, window
from forms import texts as _forms_texts

_LANG = "zh"

# One catalogue, assembled from the parts by audience; their keys are disjoint
# (tests/unit/test_messages.py checks it).
MESSAGES: dict[str, tuple[str, str]] = {
    **shared.MESSAGES,
    **console.MESSAGES,
    **hub.MESSAGES,
    **cli.MESSAGES,
    **window.MESSAGES,
}


def set_language(lang: str) -> None:
    global _LANG
    _LANG = "en" if lang == "en" else "zh"


def language() -> str:
    return _LANG


def t(key: str, /, **fields: object) -> str:
    """The message `key` in the current language, with `fields` filled in."""
    try:
        zh, en = MESSAGES[key]
    except KeyError:
        return key  # a missing key shows itself instead of crashing the window
    text = en if _LANG == "en" else zh
    return text.format(**fields) if fields else text


# forms imports no app module; it speaks through the translator installed here (forms.texts).
_forms_texts.install(t)
