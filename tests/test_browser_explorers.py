"""The explorers as a learner sees them on a laptop: JupyterLab at 1366 x 768 in its default
layout (file browser open), every explorer (controls.explore) of every notebook that has
one checked in the page itself.

For every slider: its track is at least MIN_TRACK_PX wide; a log slider's readout is written
as people read it (a learning rate α to 3 significant digits, "0.0500", whether a log slider
or a slider over round values; any other log value, ε, in scientific notation, "1.0e-7"),
exactly as controls.readout writes the value the handle stands for, before and after the handle is moved with the keyboard; and dragging its handle
brings at least one new figure while the mouse button is still down (the figure follows the
hand), then a settled figure after the release.

For the figure: it is displayed no wider than the output area, at least 90 % of it (the
explorers' figures are full width), at its own size (the browser does not shrink it, which
would shrink its text), and with at least twice as many PNG pixels as CSS pixels (retina).
The output area itself must be at least figure_audit.NOTEBOOK_WIDTH wide, the width every
figure is made for; its measured width is written to test-artifacts/browser/<test>/layout.json.
No widget error, Python error or JavaScript error may show.
"""

import json
import math
import re

import pytest

import browser_support as bs
from adam_teach import display, figure_audit
from adam_teach.explorers import controls

TIMEOUT_MS = 180_000
VIEWPORT = {"width": 1366, "height": 768}  # a common laptop screen
MIN_TRACK_PX = 300
MIN_FIGURE_SHARE = 0.9  # of the output area's width
LEARNING_RATE = r"learning|^\s*α|alpha|^\s*lr\b"
SCIENTIFIC = re.compile(r"^\d\.\de[+-]?\d+$")  # d3 ".1e": "1.0e-7"
THREE_SIGNIFICANT = re.compile(r"^(0\.0*[1-9]\d\d|[1-9]\.\d\d|[1-9]\d\.\d|[1-9]\d\d)$")  # d3 ".3g": "0.0500"
DRAG_LIMIT_S = 30  # how long a handle is dragged to and fro, at most, waiting for a figure

# every notebook with an explorer: a cell that calls controls.explore(...)
NOTEBOOKS = [pytest.param(f"{path.name[:2]}_*.ipynb", id=path.name[:2]) for path in sorted(bs.NOTEBOOKS.glob("*.ipynb"))
             if "controls.explore(" in path.read_text(encoding="utf-8")]

# The layout of one explorer, measured in the page: each slider's label, track width,
# readout and handle position (aria-valuenow: the exponent for a log slider, the index for a
# selection slider), the figure's sizes and the output area's width.
LAYOUT_JS = """root => {
  const width = e => e ? e.getBoundingClientRect().width : null;
  const img = root.querySelector(':scope > img');
  const left = document.querySelector('#jp-left-stack');
  return {
    sliders: [...root.querySelectorAll('.widget-slider')].map(s => {
      const handle = s.querySelector('.noUi-handle');
      return {label: s.querySelector('.widget-label').textContent.trim(),
              track: width(s.querySelector('.noUi-base')),
              readout: s.querySelector('.widget-readout').textContent.trim(),
              position: handle ? Number(handle.getAttribute('aria-valuenow')) : null};
    }),
    figure: img && {displayed: width(img), own: Number(img.getAttribute('width')) || null,
                    natural: img.naturalWidth, loaded: img.complete && img.naturalWidth > 0},
    outputArea: width(root.closest('.jp-OutputArea-output')),
    leftSidebar: left && !left.classList.contains('lm-mod-hidden') ? width(left) : 0,
    viewport: [window.innerWidth, window.innerHeight],
  };
}"""

# Watches one explorer's figure: the times (performance.now()) of every new src, of the
# drag's mousedown, last mousemove and mouseup.
WATCH_JS = """root => {
  if (window.__figureWatch) window.__figureWatch.stop();
  const figure = () => { const img = root.querySelector(':scope > img'); return img ? img.src : null; };
  const w = {src: figure(), figures: [], down: null, lastMove: null, up: null};
  const observer = new MutationObserver(() => {
    const src = figure();
    if (src !== w.src) { w.src = src; w.figures.push(performance.now()); }
  });
  observer.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  const on = {mousedown: () => { if (w.down === null) w.down = performance.now(); },
              mousemove: () => { if (w.down !== null && w.up === null) w.lastMove = performance.now(); },
              mouseup: () => { if (w.down !== null && w.up === null) w.up = performance.now(); }};
  Object.entries(on).forEach(([type, fn]) => window.addEventListener(type, fn, true));
  w.stop = () => { observer.disconnect();
                   Object.entries(on).forEach(([type, fn]) => window.removeEventListener(type, fn, true)); };
  w.report = () => ({figures: w.figures, down: w.down, lastMove: w.lastMove, up: w.up});
  window.__figureWatch = w;
}"""


def is_log_slider(slider):
    """Whether the readout shows 10 ** (handle position): a FloatLogSlider."""
    try:
        value = float(slider["readout"])
    except ValueError:
        return False
    if value <= 0 or slider["position"] is None:
        return False
    return abs(math.log10(value) - slider["position"]) < 0.06 and abs(value - slider["position"]) > 1e-9


def readout_problems(slider):
    """What is wrong with the readout of a log slider or a learning rate's slider ([] if
    nothing). A learning rate over round values (controls.rate_slider, a selection slider
    whose handle position is an index) is checked against its pattern and controls.readout
    of the value it shows."""
    text = slider["readout"]
    if not is_log_slider(slider):
        problems = [] if THREE_SIGNIFICANT.match(text) else [
            f"{slider['label']}: readout {text!r} does not match /{THREE_SIGNIFICANT.pattern}/"]
        if not problems and controls.readout(float(text)) != text:
            problems.append(f"{slider['label']}: readout {text!r}, controls.readout gives {controls.readout(float(text))!r}")
        return problems
    value = 10 ** slider["position"]
    if re.search(LEARNING_RATE, slider["label"], re.I):
        pattern, expected = THREE_SIGNIFICANT, controls.readout(value)
    else:
        pattern, expected = SCIENTIFIC, controls.readout(value, scientific=True)
    problems = []
    if not pattern.match(text):
        problems.append(f"{slider['label']}: readout {text!r} does not match /{pattern.pattern}/")
    if text != expected:
        problems.append(f"{slider['label']}: readout {text!r}, controls.readout gives {expected!r} "
                        f"for 10 ** {slider['position']:g}")
    return problems


def figure_problems(layout):
    figure, area = layout["figure"], layout["outputArea"]
    if not figure or not figure["loaded"]:
        return [f"no loaded figure: {figure}"]
    problems = []
    if figure["displayed"] > area + 0.5:
        problems.append(f"the figure is displayed {figure['displayed']:.0f} px wide, wider than the output "
                        f"area ({area:.0f} px)")
    if figure["displayed"] < MIN_FIGURE_SHARE * area:
        problems.append(f"the figure is displayed {figure['displayed']:.0f} px wide, less than "
                        f"{MIN_FIGURE_SHARE:.0%} of the output area ({area:.0f} px)")
    if figure["own"] is None or figure["own"] > area + 0.5:
        problems.append(f"the figure is {figure['own']} px wide and shrunk to the output area ({area:.0f} px), "
                        "so is its text")
    if figure["natural"] < display.DENSITY * figure["displayed"] - 1:
        problems.append(f"the PNG is {figure['natural']} px wide for {figure['displayed']:.0f} displayed px "
                        f"(less than {display.DENSITY}x: blurred on a retina screen)")
    return problems


def slider_handle(explorer, label):
    sliders = explorer.locator(".widget-slider")
    for i in range(sliders.count()):
        if sliders.nth(i).locator(".widget-label").inner_text().strip() == label:
            return sliders.nth(i)
    raise AssertionError(f"no slider labelled {label!r}")


def press_key(page, explorer, target):
    """ArrowRight on the focused handle (ArrowLeft at the end of the range); the new readout."""
    handle = target.locator(".noUi-handle")
    value, high = (float(handle.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemax"))
    before = target.locator(".widget-readout").inner_text()
    handle.focus()
    page.keyboard.press("ArrowLeft" if value >= high else "ArrowRight")
    page.wait_for_timeout(300)
    bs.wait_for_kernel_idle(page, TIMEOUT_MS)
    return before, target.locator(".widget-readout").inner_text()


def drag_until_a_figure(page, explorer, target):
    """Press the handle, move it to and fro (a third of the track) until a new figure has
    appeared and at least a second has passed (or DRAG_LIMIT_S), release it half-way. The
    watch's report: times of the new figures, of the mousedown, last mousemove and mouseup."""
    explorer.evaluate(WATCH_JS)
    track = target.locator(".noUi-base").bounding_box()
    box = target.locator(".noUi-handle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    sign = 1 if track["x"] + track["width"] - x >= x - track["x"] else -1
    amplitude = sign * track["width"] / 3
    page.mouse.move(x, y)
    page.mouse.down()
    start = page.evaluate("() => performance.now()")
    step = 0
    while True:
        step += 1
        page.mouse.move(x + amplitude * abs(math.sin(step * math.pi / 20)), y)
        page.wait_for_timeout(25)
        watched = page.evaluate("() => [window.__figureWatch.figures.length, performance.now()]")
        elapsed = (watched[1] - start) / 1000
        if (watched[0] > 0 and elapsed >= 1) or elapsed >= DRAG_LIMIT_S:
            break
    page.mouse.move(x + amplitude / 2, y)
    page.mouse.up()
    return page.evaluate("() => window.__figureWatch.report()")


@pytest.mark.parametrize("pattern", NOTEBOOKS)
def test_explorers_fit_read_well_and_follow_the_hand(chromium, servers, pattern, request):
    name = bs.notebook_name(pattern)
    with bs.BrowserPage(chromium, servers("lab"), f"explorers-{request.node.callspec.id}", TIMEOUT_MS,
                        viewport=VIEWPORT) as session:
        page, artifacts = session.page, session.artifacts
        bs.open_notebook(page, session.server, name, TIMEOUT_MS)
        bs.run_all_cells(page, TIMEOUT_MS)
        page.wait_for_selector(f"{bs.EXPLORER} > img", timeout=TIMEOUT_MS)
        explorers = page.locator(bs.EXPLORER)
        assert explorers.count() >= 1, f"{name} shows no explorer ({bs.EXPLORER})"
        measured, problems = [], []
        for e in range(explorers.count()):
            explorer = explorers.nth(e)
            explorer.scroll_into_view_if_needed()
            page.wait_for_function("root => { const i = root.querySelector(':scope > img');"
                                   " return i && i.complete && i.naturalWidth > 0; }", arg=explorer.element_handle())
            layout = explorer.evaluate(LAYOUT_JS)
            measured.append(layout)
            explorer.screenshot(path=artifacts / f"explorer-{e + 1}.png")
            where = f"explorer {e + 1}"
            assert layout["sliders"], f"{where} has no slider"
            problems += [f"{where}: {p}" for p in figure_problems(layout)]
            if layout["outputArea"] < figure_audit.NOTEBOOK_WIDTH * display.DPI:
                problems.append(f"{where}: the output area is {layout['outputArea']:.0f} px wide, less than the "
                                f"{figure_audit.NOTEBOOK_WIDTH} in the figures are made for")
            for slider in layout["sliders"]:
                if slider["track"] is None or slider["track"] < MIN_TRACK_PX:
                    problems.append(f"{where}: {slider['label']}: track {slider['track']} px wide, "
                                    f"less than {MIN_TRACK_PX}")
                if not (is_log_slider(slider) or re.search(LEARNING_RATE, slider["label"], re.I)):
                    continue
                problems += [f"{where}: {p}" for p in readout_problems(slider)]
                before, after = press_key(page, explorer, slider_handle(explorer, slider["label"]))
                moved = next(s for s in explorer.evaluate(LAYOUT_JS)["sliders"] if s["label"] == slider["label"])
                if after == before:
                    problems.append(f"{where}: {slider['label']}: the arrow key did not move it ({before})")
                problems += [f"{where}: after a key press: {p}" for p in readout_problems(moved)]

            for slider in layout["sliders"]:
                target = slider_handle(explorer, slider["label"])
                figure = bs.figure_sources(explorer)
                watched = drag_until_a_figure(page, explorer, target)
                during = [t for t in watched["figures"] if t < watched["up"]]
                slider["drag"] = {"figures_during": len(during), "drag_ms": watched["up"] - watched["down"],
                                  "first_figure_ms": during[0] - watched["down"] if during else None}
                if not during:
                    problems.append(f"{where}: {slider['label']}: no new figure while its handle was dragged "
                                    f"for {slider['drag']['drag_ms'] / 1000:.1f} s (the figure must follow the hand)")
                try:
                    bs.wait_for_new_figure(page, explorer, figure, TIMEOUT_MS, settle_ms=1000)
                except AssertionError:
                    problems.append(f"{where}: {slider['label']}: no settled new figure after the drag")
                page.evaluate("() => window.__figureWatch.stop()")
        (artifacts / "layout.json").write_text(json.dumps({"notebook": name, "explorers": measured}, indent=1))
        areas = sorted({round(layout["outputArea"]) for layout in measured})
        print(f"{name}: output area {areas} px wide at {VIEWPORT['width']}x{VIEWPORT['height']}, "
              f"left sidebar {measured[0]['leftSidebar']:.0f} px")
        page.screenshot(path=artifacts / "page.png")
        assert problems == [], "\n".join(problems)
        assert bs.visible_widget_errors(page) == []
        errors = session.console.on_page(page)
        assert errors == [], "JavaScript errors on the notebook's page:\n" + "\n".join(errors)
