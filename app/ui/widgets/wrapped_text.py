"""Text the window wraps itself, by the line-breaking rule of app.domain.line_breaking (brackets
whole, no line starting with a separator or closing mark, hanging indents), to the widget's own
width and again whenever that changes. Each paragraph is plain text with one style: stored and
typed text is never parsed as markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from app.domain.line_breaking import clip, wrap, wrap_items


@dataclass(frozen=True)
class Para:
    """One paragraph: a text, or items joined by `sep` (each kept whole when it fits)."""

    text: str = ""
    items: tuple[str, ...] = ()
    style: str = ""
    hang: int = 0  # continuation lines indented by this many cells
    max_lines: int = 0  # 0: as many as it takes; else cut with an ellipsis
    sep: str = " · "

    def lines(self, width: int) -> list[str]:
        if self.items:
            lines = wrap_items(self.items, width, self.sep, self.hang)
            return lines[: self.max_lines] if self.max_lines else lines
        if self.max_lines:
            return clip(self.text, width, self.max_lines, self.hang)
        return wrap(self.text, width, self.hang)


class WrappedText(Widget):
    DEFAULT_CSS = "WrappedText { height: auto; }"

    def __init__(self, *paras: Para, **kw) -> None:
        super().__init__(**kw)
        self.paras: tuple[Para, ...] = paras

    def update(self, *paras: Para) -> None:
        self.paras = paras
        self.refresh(layout=True)

    def lines(self, width: int) -> list[tuple[str, str]]:
        width = max(width, 2)
        return [(line, p.style) for p in self.paras for line in p.lines(width)]

    @property
    def plain(self) -> str:
        """The text as given (unwrapped): what a test or a screen reader takes."""
        return "\n".join(p.text or p.sep.join(p.items) for p in self.paras)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width)) if self.paras else 0

    def render(self) -> Text:
        width = self.content_size.width
        if width < 2:
            return Text(self.plain)
        out = Text(no_wrap=True, overflow="crop", end="")
        for i, (line, style) in enumerate(self.lines(width)):
            if i:
                out.append("\n")
            out.append(line, style=style)
        return out
