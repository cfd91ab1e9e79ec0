"""How live the explorers feel in a real browser: for every slider, dropdown and toggle of
every explorer (`controls.explore(draw, ...)`, a box with the CSS class adam-teach-explorer;
also an older ipywidgets `interact`) in the course's notebooks, the time from a learner's input
to the explorer's new figure in the page, and how closely the figure follows a dragged handle.

    python benchmarks/browser_sliders.py                       # every notebook with an explorer
    python benchmarks/browser_sliders.py --notebooks 05 09     # a subset
    python benchmarks/browser_sliders.py --trials 5 --out somewhere.json

A throw-away JupyterLab server (tests/browser_support.py) serves a copy of notebooks/;
Debian's Chromium, driven by Playwright, opens each notebook, runs all cells and then, for
each control of each explorer, makes --trials changes: ArrowRight/ArrowLeft on the focused
slider handle, clicks on the track and short drags of the handle (options picked for a
dropdown or a multiple selection, clicks for a toggle). The kernel and the browser share
this machine, as they do on a learner's laptop.

Each change is timed inside the page. A capture listener on `window` for the input event
that makes the widget send its value (keydown, mousedown of a click on the track or of a
drag of the handle, change of a <select>, click of a toggle) takes `performance.now()` and,
in that same task, starts a MutationObserver on the explorer; the latency is
`performance.now()` in the observer's callback that first sees a new figure there (the
explorer's <img> with a new src; for `interact`, a new <img> in its output area). "shown" is
the time until that image is decoded and the next animation frame starts. A change that
brings no figure within --timeout seconds is recorded as a timeout (then its late figure, if
any, is waited for, so that it cannot be taken for the next change's). A change that does not
move the control (a key press at the end of the range) is not counted and another is made.

For each slider one more drag of --drag-seconds moves the handle to and fro. The explorers'
sliders send their value while they are dragged (continuous_update=True; ipywidgets sends at
most one value per kernel round trip, the latest), so the figure should follow the hand:
recorded are the new figures that appear while the mouse button is down (their number, per
second, and the longest time without one, from the mousedown to the mouseup), the time from
the last mouse move to the last new figure (the figure of where the hand stopped), and the
animation frames of the page during the drag (frames per second, longest frame).

Each control is put back to its first value afterwards (typed into the slider's readout,
or a click on the track for a slider without an editable readout), so that every control
is measured with the others at their defaults. Prints a Markdown table; writes every
measurement as JSON to --out. The server and every process it started (the kernels) are
stopped at the end, whatever happened."""

import argparse
import contextlib
import datetime
import importlib.metadata
import json
import math
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import browser_support as bs  # noqa: E402  (the browser tests' server and page helpers)

DEFAULT_OUT = ROOT / "test-artifacts" / "browser_sliders.json"
NOTEBOOK_TIMEOUT_MS = 900_000  # open a notebook and run all its cells (a loaded 2-core machine)
LATE_FIGURE_S = 120  # how long a timed-out change's figure is still waited for
PACKAGES = ("jupyterlab", "ipywidgets", "jupyterlab_widgets", "ipykernel", "matplotlib", "playwright")
SLIDER_PLAN = ("key", "key", "track", "key", "drag")  # the kinds of change, in turn
QUIET_MS = 1000  # after a drag, no new figure for this long (and an idle kernel): the figure has settled
# An explorer on the page, and the code that makes one in a notebook cell (its first argument,
# the draw function or callback, names it).
EXPLORERS = ".adam-teach-explorer, .widget-interact"
EXPLORER_CALL = re.compile(r"(?<![\w.])(?:controls\.)?explore\(\s*([A-Za-z_][\w.]*)|\binteract\(\s*([A-Za-z_][\w.]*)")

# Installed in each page. `arm(root, trigger)` waits for the next `trigger` event anywhere in
# the page; in its capture listener it takes t0 and starts watching the explorer (for an
# interact, its output area), and records every new figure after that (ms since t0). With
# drag = true it also counts animation frames and mouse moves from that event (mousedown)
# until the next mouseup, and notes the time of the last move.
MEASURE_JS = r"""
() => {
  if (window.__sliderBench) return;
  const images = output => [...output.querySelectorAll('img')];
  window.__sliderBench = {
    state: null,
    output(root) {
      return root.querySelector(':scope > .widget-output') || root;  // an explorer: its own <img>
    },
    disarm() {
      const s = this.state;
      if (!s) return;
      s.listeners.forEach(([type, fn]) => window.removeEventListener(type, fn, true));
      if (s.observer) s.observer.disconnect();
      s.stopped = true;
    },
    arm(root, trigger, drag) {
      this.disarm();
      const output = this.output(root);
      let previous = images(output).map(img => ({img, src: img.src}));
      const s = {trigger, drag, t0: null, tUp: null, tMove: null, events: [], frames: [], moves: 0,
                 listeners: [], observer: null, stopped: false};
      this.state = s;
      const check = () => {
        const now = performance.now();
        const imgs = images(output);
        const same = imgs.length === previous.length &&
                     imgs.every((img, k) => img === previous[k].img && img.src === previous[k].src);
        if (!imgs.length || same) return;
        const event = {
          ms: now - s.t0,
          srcChanged: imgs.map(i => i.src).join() !== previous.map(p => p.src).join(),
          duringDrag: drag && s.tUp === null,
          shownMs: null, error: null, bytes: imgs.reduce((n, i) => n + i.src.length, 0),
        };
        previous = imgs.map(img => ({img, src: img.src}));
        s.events.push(event);
        Promise.all(imgs.map(i => i.decode())).then(
          () => requestAnimationFrame(() => { event.shownMs = performance.now() - s.t0; }),
          error => { event.error = String(error); event.shownMs = performance.now() - s.t0; });
      };
      const listen = (type, fn) => { window.addEventListener(type, fn, true); s.listeners.push([type, fn]); };
      listen(trigger, () => {
        if (s.t0 !== null) return;
        s.t0 = performance.now();
        s.observer = new MutationObserver(check);
        s.observer.observe(output, {childList: true, subtree: true, attributes: true, attributeFilter: ['src']});
        if (drag) {
          const tick = now => {
            if (s.tUp === null && !s.stopped) { s.frames.push(now); requestAnimationFrame(tick); }
          };
          requestAnimationFrame(tick);
        }
      });
      if (drag) {
        listen('mousemove', () => {
          if (s.t0 !== null && s.tUp === null) { s.moves += 1; s.tMove = performance.now(); }
        });
        listen('mouseup', () => { if (s.t0 !== null && s.tUp === null) s.tUp = performance.now(); });
      }
    },
    report() {
      const s = this.state;
      if (!s) return null;
      return {t0: s.t0, dragMs: s.tUp === null || s.t0 === null ? null : s.tUp - s.t0,
              lastMoveMs: s.tMove === null || s.t0 === null ? null : s.tMove - s.t0,
              sinceLastFigureMs: performance.now() - (s.events.length ? s.t0 + s.events[s.events.length - 1].ms
                                                                     : (s.tUp || s.t0 || 0)),
              events: s.events, frames: s.frames.map(f => f - s.t0), moves: s.moves};
    },
  };
}
"""

FIRST_FIGURE_SHOWN = """() => { const r = window.__sliderBench.report();
    return r && r.events.length > 0 && r.events[0].shownMs !== null; }"""
# After a drag's release: no new figure for QUIET_MS and the last one shown.
DRAG_SETTLED = """quietMs => { const r = window.__sliderBench.report();
    return r && r.dragMs !== null && r.sinceLastFigureMs >= quietMs &&
           (r.events.length === 0 || r.events[r.events.length - 1].shownMs !== null); }"""


# ---------------------------------------------------------------- the controls of an explorer

CONTROL_KINDS = (("slider", "widget-slider"), ("dropdown", "widget-dropdown"),
                 ("multiple", "widget-select-multiple"), ("checkbox", "widget-checkbox"),
                 ("toggle", "widget-toggle-buttons"), ("toggle", "widget-toggle-button"))


def controls(explorer):
    """[(kind, label, locator)] of the explorer's controls, in the order they stand."""
    found = []
    # Its children, and those of a box among them (a row of controls); a SelectionSlider
    # lacks the class jupyter-widgets, so no class is required here.
    children = explorer.locator(":scope > :not(.widget-box), :scope > .widget-box > *")
    described = children.evaluate_all("""els => els.map(e => [[...e.classList],
        (e.querySelector('.widget-label') || {}).textContent || e.textContent || ''])""")
    for index, (classes, label) in enumerate(described):
        kind = next((kind for kind, css in CONTROL_KINDS if css in classes), None)
        if kind is not None:
            found.append((kind, label.strip(), children.nth(index)))
    return found


def explorer_name(explorer, index):
    """The draw function given to controls.explore(...) (or the callback given to
    interact(...)) in the explorer's cell, else "explorer N"."""
    source = explorer.evaluate("""e => { const cell = e.closest('.jp-Cell');
        const input = cell && cell.querySelector('.jp-InputArea');
        if (!input) return '';
        const lines = [...input.querySelectorAll('.cm-line')];  // CodeMirror: one element a line
        return lines.length ? lines.map(l => l.textContent).join('\\n') : input.textContent; }""")
    match = EXPLORER_CALL.search(source)
    return (match.group(1) or match.group(2)) if match else f"explorer {index + 1}"


def control_value(kind, control):
    """What the control shows: a slider's readout, the selected options, a toggle's state."""
    if kind == "slider":
        return control.locator(".widget-readout").inner_text()
    if kind in ("dropdown", "multiple"):
        return control.locator("select").evaluate("s => [...s.selectedOptions].map(o => o.value).join(' | ')")
    if kind == "checkbox":
        return str(control.locator("input").is_checked())
    return control.evaluate("e => [...e.querySelectorAll('button.mod-active')].map(b => b.textContent).join()")


def handle_position(control):
    """(value, min, max) of a slider handle in the slider's own units (log10 for a log
    slider, the index for a selection slider), from its aria attributes."""
    handle = control.locator(".noUi-handle")
    return tuple(float(handle.get_attribute(name)) for name in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))


def track_box(control):
    return control.locator(".noUi-base").bounding_box()


def handle_centre(control):
    box = control.locator(".noUi-handle").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


# ---------------------------------------------------------------- the changes a learner makes

def key_change(page, control, rng):
    """ArrowRight or ArrowLeft (at random; away from an end of the range) on the focused handle."""
    value, low, high = handle_position(control)
    key = rng.choice(["ArrowRight", "ArrowLeft"])
    if value >= high:
        key = "ArrowLeft"
    elif value <= low:
        key = "ArrowRight"
    return "keydown", key, lambda: (control.locator(".noUi-handle").focus(), page.keyboard.press(key))


def track_change(page, control, rng):
    """A click on the track at a random place at least a tenth of its width from the handle."""
    track = track_box(control)
    x_handle, y = handle_centre(control)
    for _ in range(100):
        x = track["x"] + track["width"] * rng.uniform(0.02, 0.98)
        if abs(x - x_handle) >= 0.1 * track["width"]:
            break
    return "mousedown", f"click at {(x - track['x']) / track['width']:.0%} of the track", \
        lambda: page.mouse.click(x, y)


def drag_change(page, control, rng):
    """A drag of the handle by a quarter to a half of the track, in 5 moves, towards the side
    with room; timed from its mousedown (the slider sends values while it is dragged)."""
    track = track_box(control)
    x, y = handle_centre(control)
    distance = track["width"] * rng.uniform(0.25, 0.5)
    room_right, room_left = track["x"] + track["width"] - x, x - track["x"]
    direction = rng.choice([1, -1])
    if (direction > 0 and room_right < distance) or (direction < 0 and room_left < distance):
        direction = 1 if room_right >= room_left else -1
    dx = direction * min(distance, max(room_right, room_left))

    def drag():
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 6):
            page.mouse.move(x + dx * step / 5, y)
        page.mouse.up()
    return "mousedown", f"drag by {dx / track['width']:+.0%} of the track", drag


def option_change(page, control, kind, rng):
    """Another option of a dropdown, or another non-empty set of a multiple selection."""
    select = control.locator("select")
    options = select.evaluate("s => [...s.options].map(o => o.value)")
    current = select.evaluate("s => [...s.selectedOptions].map(o => o.value)")
    if kind == "dropdown":
        choice = [rng.choice([o for o in options if o not in current])]
    else:
        while True:
            choice = [o for o in options if rng.random() < 0.5]
            if choice and sorted(choice) != sorted(current):
                break
    return "change", f"select {choice}", lambda: select.select_option(choice)


def toggle_change(page, control, kind, rng):
    """A click on a checkbox, or on a button of a toggle group that is not the active one."""
    if kind == "checkbox":
        target = control.locator("input")
    else:
        buttons = control.locator("button:not(.mod-active)")
        target = buttons.nth(rng.randrange(buttons.count()))
    return "click", "click", target.click


def planned_change(page, kind, control, trial, rng):
    """(trigger event, description, action) of the trial-th change of this control."""
    if kind == "slider":
        make = {"key": key_change, "track": track_change, "drag": drag_change}[SLIDER_PLAN[trial % len(SLIDER_PLAN)]]
        return make(page, control, rng)
    if kind in ("dropdown", "multiple"):
        return option_change(page, control, kind, rng)
    return toggle_change(page, control, kind, rng)


def restoring_changes(page, kind, control, first):
    """[(trigger, description, action)] that put the control back to `first` (its value
    and, for a slider, its handle position), to be tried in turn until one has."""
    value, position = first
    if kind == "slider":
        readout = control.locator(".widget-readout")

        def type_it():
            readout.fill(value)
            readout.press("Enter")

        def click_it():
            (_, low, high), track = handle_position(control), track_box(control)
            page.mouse.click(track["x"] + track["width"] * (position - low) / (high - low), handle_centre(control)[1])
        typed = [("keydown", f"type {value} in the readout", type_it)]
        return (typed if readout.get_attribute("contenteditable") == "true" else []) + \
            [("mousedown", f"click back at {value}", click_it)]
    if kind in ("dropdown", "multiple"):
        return [("change", f"select {value}", lambda: control.locator("select").select_option(value.split(" | ")))]
    if kind == "checkbox":
        return [("click", "click back", control.locator("input").click)]
    return [("click", f"click {value}", control.locator("button", has_text=re.compile(f"^{re.escape(value)}$")).click)]


# ---------------------------------------------------------------- measuring

def install(page):
    page.evaluate(MEASURE_JS)


def wait_in_page(page, condition, seconds):
    """True once `condition` (JavaScript) holds in the page, False after `seconds`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, timeout=seconds * 1000, polling=50)
        return True
    except PlaywrightTimeout:
        return False


def settle(page, timeout_s):
    """Wait until the kernel is idle again, so that the next change starts from rest."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        bs.wait_for_kernel_idle(page, timeout_s * 1000)
    page.wait_for_timeout(150)


def timed_change(page, explorer, kind, control, change, timeout_s):
    """Make one change, timed in the page. A dict describing it, or None if the control did
    not move (nothing was sent, so no figure would come)."""
    trigger, description, action = change
    before = control_value(kind, control)
    explorer.evaluate("(root, trigger) => window.__sliderBench.arm(root, trigger, false)", trigger)
    action()
    after = control_value(kind, control)
    if after == before:
        page.evaluate("() => window.__sliderBench.disarm()")
        return None
    arrived = wait_in_page(page, FIRST_FIGURE_SHOWN, timeout_s)
    record = {"change": description, "trigger": trigger, "before": before, "after": after,
              "timed_out": not arrived, "latency_ms": None, "shown_ms": None, "figure_changed": None,
              "late_ms": None}
    if arrived:
        first = page.evaluate("() => window.__sliderBench.report()")["events"][0]
        record.update(latency_ms=first["ms"], shown_ms=first["shownMs"], figure_changed=first["srcChanged"],
                      png_kb=first["bytes"] * 3 / 4 / 1e3, decode_error=first["error"])
    elif wait_in_page(page, FIRST_FIGURE_SHOWN, LATE_FIGURE_S):
        record["late_ms"] = page.evaluate("() => window.__sliderBench.report()")["events"][0]["ms"]
    settle(page, LATE_FIGURE_S)
    extra = page.evaluate("() => window.__sliderBench.report()")["events"][1:]
    record["extra_figures"] = len(extra)  # figures after the first one (none expected)
    page.evaluate("() => window.__sliderBench.disarm()")
    return record


def timed_drag(page, explorer, control, seconds, timeout_s):
    """Drag the handle to and fro for `seconds`, ending a fifth of the track from where it
    started, then wait until the figure has settled; frames, mouse moves and figures counted
    in the page. Figure times are ms since the mousedown."""
    track = track_box(control)
    x0, y = handle_centre(control)
    sign = 1 if track["x"] + track["width"] - x0 >= x0 - track["x"] else -1
    amplitude = sign * 0.35 * track["width"]
    before = control_value("slider", control)
    explorer.evaluate("root => window.__sliderBench.arm(root, 'mousedown', true)")
    page.mouse.move(x0, y)
    page.mouse.down()
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds:
        page.mouse.move(x0 + amplitude * abs(math.sin(math.pi * elapsed / 0.75)), y)
    page.mouse.move(x0 + amplitude * 0.6, y)
    page.mouse.up()
    after = control_value("slider", control)
    settled = wait_for_drag_to_settle(page, timeout_s) or wait_for_drag_to_settle(page, LATE_FIGURE_S)
    report = page.evaluate("() => window.__sliderBench.report()")
    page.evaluate("() => window.__sliderBench.disarm()")
    return drag_summary(report, before, after, settled)


def wait_for_drag_to_settle(page, timeout_s):
    """True once no new figure has come for QUIET_MS, the last one is shown and the kernel is
    idle (a value still waiting in the browser is sent as soon as the kernel answers)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    deadline = time.monotonic() + timeout_s
    while (left := deadline - time.monotonic()) > 0:
        if not wait_in_page(page, f"() => ({DRAG_SETTLED})({QUIET_MS})", left):
            return False
        with contextlib.suppress(PlaywrightTimeout):
            bs.wait_for_kernel_idle(page, max(1.0, deadline - time.monotonic()) * 1000)
            page.wait_for_timeout(200)
            if page.evaluate(f"() => ({DRAG_SETTLED})({QUIET_MS})"):
                return True
    return False


def drag_summary(report, before, after, settled):
    """The drag's figures and frames, from the page's report."""
    drag_ms, frames = report["dragMs"], report["frames"]
    gaps = [b - a for a, b in zip([0.0] + frames, frames + [drag_ms or 0.0])]
    times = [e["ms"] for e in report["events"]]
    during = [e["ms"] for e in report["events"] if e["duringDrag"]]
    # The longest stretch of the drag without a new figure (mousedown, figures, mouseup).
    figure_gaps = [b - a for a, b in zip([0.0] + during, during + [drag_ms])] if drag_ms else []
    last_move = report["lastMoveMs"]
    return {"before": before, "after": after, "drag_ms": drag_ms, "frames": len(frames),
            "fps": len(frames) / drag_ms * 1e3 if drag_ms else None,
            "longest_frame_ms": max(gaps) if frames else None, "mouse_moves": report["moves"],
            "figure_ms": times, "figures_during_drag": len(during),
            "figures_after_release": len(times) - len(during),
            "figures_per_s": len(during) / drag_ms * 1e3 if drag_ms else None,
            "first_figure_ms": during[0] if during else None,
            "figure_intervals_ms": [b - a for a, b in zip(during, during[1:])],
            "max_gap_ms": max(figure_gaps) if figure_gaps else None,
            # > 0: the last figure came after the hand stopped, this much later; < 0: the
            # last moves brought no new value (same readout), so no figure was due.
            "last_move_to_last_figure_ms": times[-1] - last_move if times and last_move is not None else None,
            "release_to_last_figure_ms": times[-1] - drag_ms if times and drag_ms else None,
            "timed_out": not settled or (after != before and not times)}


def measure_control(page, explorer, kind, control, trials=15, timeout_s=10.0, drag_seconds=1.5,
                    seed=0, restore=True):
    """`trials` timed changes of one control (and, for a slider, one long drag), then the
    control put back to its first value if `restore`. A dict of the changes and a summary."""
    install(page)
    rng = random.Random(seed)
    control.scroll_into_view_if_needed()
    first = (control_value(kind, control), handle_position(control)[0] if kind == "slider" else None)
    changes, attempts = [], 0
    while len(changes) < trials and attempts < 3 * trials:
        change = planned_change(page, kind, control, attempts, rng)
        attempts += 1
        record = timed_change(page, explorer, kind, control, change, timeout_s)
        if record is not None:
            changes.append(record)
    drag = timed_drag(page, explorer, control, drag_seconds, timeout_s) if kind == "slider" and drag_seconds else None
    restored = None
    if restore:
        for change in restoring_changes(page, kind, control, first):
            if control_value(kind, control) == first[0]:
                break
            timed_change(page, explorer, kind, control, change, max(timeout_s, LATE_FIGURE_S))
        restored = control_value(kind, control) == first[0]
    return {"kind": kind, "first_value": first[0], "changes": changes, "drag": drag, "restored": restored,
            "summary": summarise(changes, drag, trials)}


def percentile(values, fraction):
    """The `fraction` quantile by linear interpolation between the closest ranks (an
    infinite value, a timeout, is never interpolated with)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    if position == low or math.inf in (ordered[low], ordered[high]):
        return ordered[high] if position > low else ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(changes, drag, wanted):
    """Trials, timeouts, and the median, 90th percentile and maximum latency, a timed-out
    change counting as slower than any other ("timeout" where that decides the figure)."""
    latencies = [math.inf if c["timed_out"] else c["latency_ms"] for c in changes]
    shown = [math.inf if c["timed_out"] else c["shown_ms"] for c in changes]
    summary = {"trials": len(changes), "wanted": wanted, "timeouts": sum(c["timed_out"] for c in changes),
               "same_figure": sum(c["figure_changed"] is False for c in changes),
               "median_ms": None, "p90_ms": None, "max_ms": None, "median_shown_ms": None}
    if latencies:
        summary.update(median_ms=statistics.median(latencies), p90_ms=percentile(latencies, 0.9),
                       max_ms=max(latencies), median_shown_ms=statistics.median(shown))
        summary.update({key: "timeout" for key, value in summary.items() if value == math.inf})
    if drag:
        summary.update({key: drag[key] for key in (
            "fps", "longest_frame_ms", "figures_during_drag", "figures_after_release", "figures_per_s",
            "max_gap_ms", "last_move_to_last_figure_ms")}, drag_fps=drag["fps"])
    return summary


# ---------------------------------------------------------------- notebooks and the server

def explorer_cell_count(path):
    """How many code cells of the notebook make an explorer (controls.explore or interact)."""
    import nbformat

    return sum(cell.cell_type == "code" and bool(EXPLORER_CALL.search(cell.source))
               for cell in nbformat.read(path, 4).cells)


def explorer_notebooks(patterns=None):
    """The notebooks with an explorer cell (their names, sorted), or those whose names start
    with one of `patterns` ("05", "09_training")."""
    return [path.name for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
            if (not patterns or any(path.name.startswith(p) for p in patterns)) and explorer_cell_count(path)]


def measure_notebook(context, server, name, args, log):
    """Open the notebook, run all its cells and measure each control of each explorer."""
    result = {"notebook": name, "explorers": [], "error": None}
    page = context.new_page()
    try:
        start = time.monotonic()
        bs.open_notebook(page, server, name, NOTEBOOK_TIMEOUT_MS)
        bs.run_all_cells(page, NOTEBOOK_TIMEOUT_MS)
        result["run_all_s"] = time.monotonic() - start
        expected = explorer_cell_count(ROOT / "notebooks" / name)
        page.wait_for_selector(".adam-teach-explorer > img, .widget-interact .widget-output img",
                               timeout=NOTEBOOK_TIMEOUT_MS)
        explorers = page.locator(EXPLORERS)
        if explorers.count() != expected:
            result["error"] = f"{explorers.count()} explorers on the page, {expected} explorer cells in the notebook"
        install(page)
        for e in range(explorers.count()):
            explorer = explorers.nth(e)
            explorer.scroll_into_view_if_needed()
            entry = {"explorer": explorer_name(explorer, e), "controls": []}
            result["explorers"].append(entry)
            for kind, label, control in controls(explorer):
                log(f"{name} · {entry['explorer']} · {label} ({kind}): measuring ...")
                measured = measure_control(page, explorer, kind, control, args.trials, args.timeout,
                                           args.drag_seconds, _seed(args.seed, name, e, label))
                measured["label"] = label
                entry["controls"].append(measured)
                s = measured["summary"]
                log(f"    {s['trials']} changes, {s['timeouts']} timeouts, median {_ms(s['median_ms'])} ms, "
                    f"max {_ms(s['max_ms'])} ms" + (f", drag {s['drag_fps']:.0f} fps, {s['figures_during_drag']} "
                                                    f"figures during it" if s.get("drag_fps") else ""))
        result["widget_errors"] = bs.visible_widget_errors(page)
    except Exception as error:  # record it and go on with the next notebook
        result["error"] = f"{type(error).__name__}: {error}"[:2000]
        log(f"{name}: {result['error']}")
    finally:
        with contextlib.suppress(Exception):
            page.close()
        shut_down_kernels(server)
    return result


def _seed(seed, *parts):
    """A seed that depends on the run's seed and the control (stable across runs, unlike hash())."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(f"{seed}|" + "|".join(map(str, parts))))


def _ms(value, timeout_s=None):
    """A latency for the table: whole milliseconds, "-" for none, "> T" for a timeout."""
    if value is None:
        return "-"
    if value == "timeout":
        return f"> {1e3 * timeout_s:.0f}" if timeout_s else "timeout"
    return f"{value:.0f}"


def shut_down_kernels(server):
    """Delete every session of the server (and so its kernel): one kernel at a time."""
    with contextlib.suppress(Exception):
        for session in server.sessions():
            request = urllib.request.Request(server.url(f"api/sessions/{session['id']}"), method="DELETE")
            urllib.request.urlopen(request, timeout=30).close()


def start_time(pid):
    """The start time of process `pid` (Linux /proc), or None if there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def descendants(pid):
    """{pid: start time} of every process below `pid` (Linux /proc; empty elsewhere)."""
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append((int(stat.parent.name), fields[19]))
    found, todo = {}, [pid]
    while todo:
        for child, started in children.get(todo.pop(), []):
            found[child] = started
            todo.append(child)
    return found


def stop_everything(server):
    """Stop the server, then kill whatever it started that is still running (kernels run in
    their own sessions, so they can outlive a killed server). Returns the pids killed."""
    if server.process is None:
        return []
    started = descendants(server.process.pid)
    with contextlib.suppress(Exception):
        server.stop()
    killed = []
    for pid, started_at in started.items():
        if start_time(pid) == started_at:  # the same process, still running
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
    return killed


# ---------------------------------------------------------------- report

COLUMNS = ("notebook", "explorer", "control", "trials", "timeouts", "median ms", "p90 ms", "max ms",
           "median shown ms", "drag fps", "longest frame ms", "figures during drag", "figures/s in drag",
           "max gap in drag ms", "last move to last figure ms")


def rows(results):
    timeout_s = results["settings"]["timeout_s"]
    for notebook in results["notebooks"]:
        for explorer in notebook["explorers"]:
            for control in explorer["controls"]:
                s, drag = control["summary"], control["drag"]
                yield (notebook["notebook"].split("_")[0], explorer["explorer"],
                       f"{control['label']} ({control['kind']})", str(s["trials"]), str(s["timeouts"]),
                       *(_ms(s[key], timeout_s) for key in ("median_ms", "p90_ms", "max_ms", "median_shown_ms")),
                       "-" if not drag or drag["fps"] is None else f"{drag['fps']:.0f}",
                       "-" if not drag or drag["longest_frame_ms"] is None else f"{drag['longest_frame_ms']:.0f}",
                       "-" if not drag else str(drag["figures_during_drag"]),
                       _number(drag, "figures_per_s", "{:.1f}"), _number(drag, "max_gap_ms"),
                       _number(drag, "last_move_to_last_figure_ms"))


def _number(drag, key, form="{:.0f}"):
    """A drag's measurement for the table ("-" for none or no drag)."""
    return "-" if not drag or drag.get(key) is None else form.format(drag[key])


def markdown(results):
    settings, found = results["settings"], results["versions"]
    load = [", ".join(f"{x:.2f}" for x in results[key]) for key in ("load_average_before", "load_average_after")]
    lines = [f"Browser latency of the explorers' controls ({settings['trials']} changes each, timeout "
             f"{settings['timeout_s']:g} s; Chromium {found.get('chromium', '?')}, JupyterLab "
             f"{found.get('jupyterlab', '?')}, ipywidgets {found.get('ipywidgets', '?')}; {results['cpu_count']} "
             f"CPUs, load average (1, 5, 15 min) {load[0]} before, {load[1]} after)",
             "", "| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    lines += [f"\n{notebook['notebook']}: {notebook['error']}"
              for notebook in results["notebooks"] if notebook["error"]]
    return "\n".join(lines)


def versions(browser):
    found = {"chromium": browser.version, "python": sys.version.split()[0]}
    for package in PACKAGES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            found[package] = importlib.metadata.version(package)
    return found


def git_state():
    """The commit and the notebooks/ and adam_teach/ files that differ from it (the run
    uses the working tree)."""
    def git(*command):
        completed = subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True)
        return completed.stdout.strip() if completed.returncode == 0 else None
    return {"commit": git("rev-parse", "HEAD"),
            "uncommitted": (git("status", "--porcelain", "--", "notebooks", "adam_teach") or "").splitlines()}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="+", metavar="PREFIX",
                        help="only the notebooks whose names start with these (e.g. 05 09)")
    parser.add_argument("--trials", type=int, default=15, help="timed changes per control (default 15)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds a change may take (default 10)")
    parser.add_argument("--drag-seconds", type=float, default=1.5,
                        help="length of the drag of each slider (default 1.5 s; 0 for none)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the choice of changes (default 0)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="JSON file for every measurement (default test-artifacts/browser_sliders.json)")
    args = parser.parse_args(argv)
    if args.trials < 1:
        parser.error(f"--trials must be at least 1, not {args.trials}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive, not {args.timeout}")
    return args


def main(argv=None):
    args = parse_arguments(argv)
    names = explorer_notebooks(args.notebooks)
    if not names:
        sys.exit(f"no notebook with an explorer (controls.explore or interact) cell matches {args.notebooks}")
    executable = bs.find_chromium()
    if executable is None:
        sys.exit(bs.INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    def log(message):
        print(message, file=sys.stderr, flush=True)

    # SIGTERM (a timeout from outside) ends the run through the `finally` below, too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    results = {"started": datetime.datetime.now().isoformat(timespec="seconds"),
               "load_average_before": list(os.getloadavg()), "cpu_count": os.cpu_count(),
               "settings": {"trials": args.trials, "timeout_s": args.timeout, "drag_seconds": args.drag_seconds,
                            "seed": args.seed, "notebooks": names},
               "git": git_state(), "versions": {}, "notebooks": []}
    log(f"load average before: {results['load_average_before']}; notebooks: {', '.join(names)}")
    with tempfile.TemporaryDirectory(prefix="browser-sliders-") as scratch:
        server = bs.JupyterServer("lab", ROOT / "notebooks", scratch)
        try:
            server.start()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=bs.CHROMIUM_ARGS)
                try:
                    results["versions"] = versions(browser)
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.set_default_timeout(NOTEBOOK_TIMEOUT_MS)
                    for name in names:
                        results["notebooks"].append(measure_notebook(context, server, name, args, log))
                finally:
                    browser.close()
        finally:
            results["killed_after_stop"] = stop_everything(server)
    results["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    results["load_average_after"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1))
    print(markdown(results))
    log(f"load average after: {results['load_average_after']}; every measurement in {args.out}")
    return 1 if any(n["error"] for n in results["notebooks"]) else 0


if __name__ == "__main__":
    sys.exit(main())
