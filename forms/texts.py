"""How forms speaks to people: through a translator the application installs.

forms imports no app module (issue 19 §5). The loader's reasons are message keys with fields
(``catalogue.*``, in the application's catalogue), turned into text at the moment a problem is
found by the translator installed here: ``app.messages`` installs its ``t`` when it is imported,
so the window, the CLI and the hub all report in the clerk's language. Without a translator (a
script that never imports app) a reason reads as its key and fields.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[..., str]


def _untranslated(key: str, /, **fields: object) -> str:
    return f"{key} {fields!r}" if fields else key


_translate: Translator = _untranslated


def install(translate: Translator) -> None:
    """Make ``translate(key, **fields)`` the way forms turns a message key into text."""
    global _translate
    _translate = translate


def t(key: str, /, **fields: object) -> str:
    """The message ``key`` with ``fields``, in the installed translator's language."""
    return _translate(key, **fields)
