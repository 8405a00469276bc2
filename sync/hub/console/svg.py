"""Charts drawn on the server as inline SVG: no script, no library, nothing fetched. Labels are
escaped (they may be applicant-facing names); colours are attributes, not styles (the console's
Content-Security-Policy allows no inline style)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#0b57d0"
GRID = "#d0d4da"
TEXT = "#1d1d1f"


def _text_width(text: str, size: float) -> float:
    """A rough width: CJK characters are square, others about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def bar_chart(items: list[tuple[str, float]], title: str, *, width: int = 720, unit: str = "") -> Markup:
    """Horizontal bars, one per (label, value), largest scale = the largest value."""
    size, bar_h, gap = 13, 20, 6
    label_w = min(260.0, max([_text_width(label, size) for label, _ in items] + [40.0]) + 12)
    value_w = 70.0
    plot_w = max(80.0, width - label_w - value_w)
    top = max([v for _, v in items] + [0]) or 1
    height = len(items) * (bar_h + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = plot_w * (value / top)
        shown = f"{value:g}{unit}"
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            f'<text x="{label_w - 6:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="{size}" fill="{TEXT}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}" rx="2">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="{size}" '
            f'fill="{TEXT}">{escape(shown)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(
    items: Sequence[tuple[str, float]], title: str, *, width: int = 720, height: int = 200
) -> Markup:
    """Vertical columns over time (label = a day), every few labels shown so they never overlap."""
    size = 11
    left, bottom, top_pad = 36, 22, 10
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max([v for _, v in items] + [0]) or 1
    n = max(len(items), 1)
    step = plot_w / n
    every = max(1, int(n * 40 / plot_w) + 1)  # a label needs about 40 px
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}" stroke="{GRID}"/>',
        f'<text x="{left - 4}" y="{top_pad + 8}" font-size="{size}" fill="{TEXT}" text-anchor="end">{top:g}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" font-size="{size}" fill="{TEXT}" text-anchor="end">0</text>',
    ]
    for i, (label, value) in enumerate(items):
        h = plot_h * (value / top)
        x = left + i * step
        parts.append(
            f'<g class="col" data-label="{escape(label)}" data-value="{value:g}">'
            f'<rect x="{x + step * 0.15:.1f}" y="{top_pad + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"><title>{escape(label)}: {value:g}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 6}" font-size="{size}" fill="{TEXT}" '
                f'text-anchor="middle">{escape(label[5:])}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
