"""Measurements taken in the browser: overlapping cards, content sticking out of its card,
and text whose contrast with its background is below WCAG AA.

Both read what chromium rendered (bounding boxes, computed colours), not what the code asked
for, so a theme or a width that breaks the page fails here.
"""

from __future__ import annotations

from pathlib import Path

# Every card's box, and every button, field and line of text sticking out of its card.
GEOMETRY_JS = """
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const cards = [...document.querySelectorAll('.hs-card')].filter(visible);
  const boxes = cards.map((card) => {
    const r = card.getBoundingClientRect();
    return {name: card.className.split(' ').filter((c) => c.startsWith('hs-') && c !== 'hs-card').join(' '),
            left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  });
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) overlaps.push(`${a.name} overlaps ${b.name} (${w.toFixed(0)}x${h.toFixed(0)} px)`);
  }
  const outside = [];
  cards.forEach((card, i) => {
    const box = boxes[i];
    card.querySelectorAll('button, input, .v-input, span, img, .v-slider').forEach((el) => {
      if (!visible(el) || el.closest('.v-menu__content, .v-tooltip__content')) return;
      const r = el.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        outside.push(`${el.tagName.toLowerCase()} "${(el.innerText || '').slice(0, 30)}" sticks out of ${box.name}`);
    });
  });
  const page = document.documentElement;
  const wide = page.scrollWidth > page.clientWidth + 1 ? [`the page scrolls sideways (${page.scrollWidth} > ${page.clientWidth})`] : [];
  return {cards: boxes.length, overlaps, outside: outside.slice(0, 20), wide};
}
"""

# Each visible element that holds text of its own: its colour against the first opaque
# background behind it (alpha composited), and the WCAG ratio; large text needs 3, other 4.5.
CONTRAST_JS = """
() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0]; return [+m[0], +m[1], +m[2], m.length > 3 ? +m[3] : 1]; };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  };
  const failures = [];
  let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.opacity === '0') continue;
    if (el.closest('[disabled], .v-btn--disabled, .v-input--is-disabled, .v-tooltip__content, .v-menu__content, script, style, noscript')) continue;
    let opacity = 1;
    for (let node = el; node; node = node.parentElement) opacity *= +getComputedStyle(node).opacity;
    const bg = background(el);
    const fg = over([...parse(style.color).slice(0, 3), parse(style.color)[3] * opacity], bg);
    const [a, b] = [lum(fg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    checked++;
    if (ratio < needed) failures.push(`"${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)} < ${needed} (${style.color} on rgb(${bg.map(Math.round)}))`);
  }
  return {checked, failures: failures.slice(0, 25)};
}
"""


def appears(page, css: str, timeout: float, evidence: Path, around: str = "body") -> None:
    """Wait for the element `css`; if it never comes, what the page showed instead: a
    screenshot at `evidence` and the text of the element `around` in the failure's message
    (a click whose result never arrives leaves nothing else to read after the test)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(css).first.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        page.screenshot(path=str(evidence), full_page=True)
        shown = " ".join(page.locator(around).first.inner_text().split())[:600]
        raise AssertionError(
            f"{css} did not appear within {timeout / 1000:.0f} s; {around} shows {shown!r} "
            f"(screenshot: {evidence})"
        ) from None


def shows(page, css: str, value, timeout: float = 30_000) -> None:
    """The element `css` shows exactly `value` (a string, or a compiled pattern it must
    match), waiting for it: after a step the header's date can arrive before the other cards
    are drawn again, so a number read at once may be the last step's."""
    from playwright.sync_api import expect

    try:
        expect(page.locator(css).first).to_have_text(value, timeout=timeout)
    except AssertionError:
        shown = page.locator(css).first.inner_text().strip()
        wanted = value.pattern if hasattr(value, "pattern") else value
        raise AssertionError(f"{css} shows {shown!r}, expected {wanted!r}") from None


def contains(page, css: str, part: str, timeout: float = 30_000) -> None:
    """The element `css` shows `part` somewhere in its text, waiting for it (as `shows`)."""
    from playwright.sync_api import expect

    try:
        expect(page.locator(css).first).to_contain_text(part, timeout=timeout)
    except AssertionError:
        shown = page.locator(css).first.inner_text().strip()
        raise AssertionError(f"{css} shows {shown!r}, without {part!r}") from None
