"""Keyboard focus that can be read, on every kind of public page (issue 20).

Showing focus is not enough: a yellow focus on a yellow or white background, or white
text on a yellow focus, shows and cannot be seen or read. Pressing Tab through the
whole page, each focused element is measured from its computed style:

- its focus indicator (a visible outline, else the background, border or shadow that
  focus changed) has a contrast of 3:1 or more against the colours behind the element
  (WCAG 2.4.11 / 1.4.11); an outline is 2 px thick or more;
- its text keeps 4.5:1 against the background it has when focused (WCAG 1.4.3);
- in a list with a "current page" link (the menu, the result pages), a focused link
  does not look like the current one, and the current link shows its focus too.

"Behind the element" is what is painted just outside the indicator: the elements at a
point beside it, top first, to the first opaque background (the skip link sits over the
header, not over the page's white).
"""

import pytest

from cms.colours import validate_accent_colour
from cms.identity import starter_identity
from tests.e2e.pages import LANGUAGES, WIDTH_IDS, WIDTHS, public_url

pytestmark = pytest.mark.browser

# Every public page kind: a record of each type, a list, a form, the error page.
PAGE_KINDS = [
    "home",
    "directory",
    "overview",
    "cluster",
    "coordinator",
    "highland",
    "about",
    "team",
    "statement",
    "open-data",
    "not-found",
]
TEXT_CONTRAST = 4.5
INDICATOR_CONTRAST = 3.0
MIN_OUTLINE_PX = 2
MAX_TAB_STOPS = 400
# The lightest grey the accent colour check accepts (4.56:1 on the panels' grey).
LIGHTEST_ACCENT = "#6f6f6f"

# Colour arithmetic and what each focusable element looks like before any focus.
MEASURE = """() => {
  const parse = (value) => {
    const numbers = (value.match(/[\\d.]+/g) || []).map(Number);
    if (!value.startsWith("rgb") || numbers.length < 3) return null;
    return {r: numbers[0], g: numbers[1], b: numbers[2], a: numbers.length > 3 ? numbers[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({r, g, b}) => {
    const channel = (c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const contrast = (one, other) => {
    const [light, dark] = [luminance(one), luminance(other)].sort((x, y) => y - x);
    return Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100;
  };
  const hex = ({r, g, b}) => "#" + [r, g, b].map(
    (c) => Math.round(c).toString(16).padStart(2, "0")).join("");
  const white = {r: 255, g: 255, b: 255, a: 1};
  // The backgrounds of `elements` (top first) down to the first opaque one.
  const paint = (elements) => {
    const layers = [];
    for (const element of elements) {
      const colour = parse(getComputedStyle(element).backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), white);
  };
  const ancestors = (element) => {
    const chain = [];
    for (let node = element; node; node = node.parentElement) chain.push(node);
    return chain;
  };
  const look = (element) => {
    const style = getComputedStyle(element);
    return {
      outline: [style.outlineStyle, style.outlineColor, style.outlineWidth].join(" "),
      background: style.backgroundColor,
      border: ["Top", "Right", "Bottom", "Left"].map(
        (side) => style[`border${side}Color`] + " " + style[`border${side}Width`]).join(", "),
      shadow: style.boxShadow,
      color: style.color,
    };
  };
  window.focusCheck = {parse, over, contrast, hex, paint, ancestors, look};
  window.tabStops = new Set();
  window.unfocusedLooks = new Map();
  for (const element of document.querySelectorAll(
    "a[href], button, input, select, textarea, summary, [tabindex]")) {
    window.unfocusedLooks.set(element, look(element));
  }
}"""

FOCUSED = """() => {
  const {parse, over, contrast, hex, paint, ancestors, look} = window.focusCheck;
  const element = document.activeElement;
  if (!element || element === document.body || window.tabStops.has(element)) {
    return null;  // the focus left the page, or came round again
  }
  window.tabStops.add(element);
  const style = getComputedStyle(element);
  const focused = look(element);
  const before = window.unfocusedLooks.get(element) || {};
  const outlineWidth = parseFloat(style.outlineWidth) || 0;
  const outlineColour = parse(style.outlineColor);
  const hasOutline = style.outlineStyle !== "none" && outlineWidth > 0
    && outlineColour && outlineColour.a > 0;

  // What is painted just outside the indicator, on each side in turn.
  const box = element.getClientRects()[0] || element.getBoundingClientRect();
  const reach = (hasOutline ? outlineWidth + Math.max(0, parseFloat(style.outlineOffset) || 0) : 0)
    + (style.boxShadow !== "none" ? 6 : 0) + 2;
  let behind = null;
  for (const [x, y] of [
    [box.left - reach, box.top + box.height / 2],
    [box.left + box.width / 2, box.top - reach],
    [box.right + reach, box.top + box.height / 2],
    [box.left + box.width / 2, box.bottom + reach],
  ]) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const stack = document.elementsFromPoint(x, y)
      .filter((other) => other !== element && !element.contains(other));
    if (stack.length) { behind = paint(stack); break; }
  }
  if (!behind) behind = paint(ancestors(element.parentElement));
  const own = paint(ancestors(element));

  // The indicator: a visible outline, else what focus changed.
  let indicator = null;
  if (hasOutline && focused.outline !== before.outline) {
    indicator = {kind: "outline", colours: [over(outlineColour, behind)], width: outlineWidth};
  } else if (focused.background !== before.background) {
    indicator = {kind: "background", colours: [own]};
  } else if (focused.border !== before.border) {
    const colours = ["Top", "Right", "Bottom", "Left"]
      .filter((side) => parseFloat(style[`border${side}Width`]) >= 2)
      .map((side) => parse(style[`border${side}Color`]))
      .filter((colour) => colour && colour.a > 0)
      .map((colour) => over(colour, behind));
    indicator = {kind: "border", colours};
  } else if (focused.shadow !== before.shadow && style.boxShadow !== "none") {
    const colours = (style.boxShadow.match(/rgba?\\([^)]*\\)/g) || [])
      .map(parse).filter((colour) => colour.a > 0).map((colour) => over(colour, behind));
    indicator = {kind: "shadow", colours};
  }
  const indicatorContrast = indicator && indicator.colours.length
    ? Math.max(...indicator.colours.map((colour) => contrast(colour, behind))) : 0;

  // The text: the element's own, and that of its visible descendants.
  const texts = [element, ...element.querySelectorAll("*")].filter((node) => {
    const rect = node.getBoundingClientRect();
    return rect.width > 1 && rect.height > 1 && [...node.childNodes].some(
      (child) => child.nodeType === Node.TEXT_NODE && child.textContent.trim());
  });
  if (["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName)) texts.push(element);
  let textContrast = null;
  let textColours = "";
  for (const node of texts.slice(0, 50)) {
    const ground = paint(ancestors(node));
    const colour = over(parse(getComputedStyle(node).color), ground);
    const ratio = contrast(colour, ground);
    if (textContrast === null || ratio < textContrast) {
      textContrast = ratio;
      textColours = `${hex(colour)} on ${hex(ground)}`;
    }
  }

  // A list with a current-page link: the menu, the pages of results.
  const list = element.closest("ul, ol, nav");
  const current = list && list.querySelector("a[aria-current]");
  let currentLook = null;
  if (current) {
    const lookBefore = window.unfocusedLooks.get(current) || {};
    currentLook = {
      is_current: current === element,
      outline: lookBefore.outline,
      background: lookBefore.background,
      border: lookBefore.border,
      shadow: lookBefore.shadow,
    };
  }

  return {
    element: element.outerHTML.slice(0, 140),
    in_header: element.closest(".site-header") !== null,
    indicator: indicator && {
      kind: indicator.kind,
      colours: indicator.colours.map(hex),
      width: indicator.width || null,
    },
    behind: hex(behind),
    indicator_contrast: indicatorContrast,
    text_contrast: textContrast,
    text_colours: textColours,
    focused: focused,
    unfocused: before,
    current: currentLook,
  };
}"""


def tab_through(page) -> list[dict]:
    """Every Tab stop of the page, measured, until the focus leaves the page."""
    page.evaluate(MEASURE)
    stops = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None:
            return stops
        stops.append(stop)
    raise AssertionError(f"More than {MAX_TAB_STOPS} Tab stops on {page.url}")


def problems_of(stop: dict) -> list[str]:
    indicator = stop["indicator"]
    if indicator is None:
        return ["focus changes nothing that shows"]
    problems = []
    if stop["indicator_contrast"] < INDICATOR_CONTRAST:
        problems.append(
            f"{indicator['kind']} {'/'.join(indicator['colours'])} on {stop['behind']}:"
            f" {stop['indicator_contrast']}:1, under {INDICATOR_CONTRAST}:1"
        )
    if indicator["kind"] == "outline" and indicator["width"] < MIN_OUTLINE_PX:
        problems.append(f"outline {indicator['width']} px, under {MIN_OUTLINE_PX} px")
    if stop["text_contrast"] is not None and stop["text_contrast"] < TEXT_CONTRAST:
        problems.append(
            f"text {stop['text_colours']}: {stop['text_contrast']}:1,"
            f" under {TEXT_CONTRAST}:1"
        )
    current = stop["current"]
    if current and not current["is_current"]:
        # What shows focus must not be what marks the current page.
        kind = indicator["kind"]
        if stop["focused"][kind] == current[kind]:
            problems.append(
                f"focused, it has the current page's {kind}: {current[kind]}"
            )
    return problems


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", PAGE_KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_focused_element_can_be_seen_and_read(new_context, language, name, width):
    page = new_context(language=language, width=width).new_page()
    assert_focus_readable(page, public_url(name, language), width)


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
@pytest.mark.parametrize("name", ["home", "directory"])
def test_focus_stays_readable_in_the_lightest_accent_colour_staff_may_choose(
    editable_site, new_context, name, width
):
    """The accent colour check (cms/colours.py) keeps the menu, buttons and links
    readable, focused or not, whatever colour it accepts."""
    identity = starter_identity()
    identity.accent_colour = LIGHTEST_ACCENT
    validate_accent_colour(LIGHTEST_ACCENT)
    identity.save()
    page = new_context(width=width).new_page()
    assert_focus_readable(page, public_url(name, "pl"), width)
    brand = "getComputedStyle(document.documentElement).getPropertyValue('--brand')"
    assert page.evaluate(brand).strip() == LIGHTEST_ACCENT


def assert_focus_readable(page, url: str, width: str) -> None:
    page.goto(url)

    stops = tab_through(page)

    # The skip link, the site's name, the language switch and the five menu links.
    assert sum(stop["in_header"] for stop in stops) >= 7, stops
    assert len(stops) > 10, stops
    problems = [
        f"- Tab stop {number} {stop['element']}: {problem}"
        for number, stop in enumerate(stops, start=1)
        for problem in problems_of(stop)
    ]
    assert not problems, (
        f"{len(problems)} unreadable focus(es) on {url} at {WIDTHS[width]} px:\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("width", WIDTHS, ids=WIDTH_IDS)
def test_the_current_menu_link_looks_different_focused_and_unfocused(
    new_context, width
):
    """The current page's mark and the focus are told apart on the current link too."""
    page = new_context(width=width).new_page()
    page.goto(public_url("directory", "pl"))

    stops = tab_through(page)

    current = [
        stop for stop in stops if stop["current"] and stop["current"]["is_current"]
    ]
    menu = [stop for stop in current if stop["in_header"]]
    assert len(menu) == 1, current
    (stop,) = menu
    assert stop["indicator"] is not None, stop
    assert stop["focused"] != stop["unfocused"], stop
    assert not problems_of(stop), problems_of(stop)
