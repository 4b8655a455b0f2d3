"""The interactive explorers of notebooks 01 and 02, checked where users explore: JupyterLab
in a real (headless) Chromium. The test starts JupyterLab on loopback, runs each notebook in
quick mode, moves a widget and checks that the explorer's figure is redrawn; screenshots go
to ``results/browser/``. Needs Debian's ``chromium`` (``.ci/run`` installs it) and the
``playwright`` package (dev extra; it drives that Chromium, no browser download)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = REPO / "results" / "browser"
TOKEN = "hsinb-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback serving quick-mode copies of notebooks 01 and 02."""
    import papermill

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium not found: install Debian's chromium (apt-get install chromium), as .ci/run does")
    root = tmp_path_factory.mktemp("lab")
    for name in ("01_data_exploration.ipynb", "02_augmentations.ipynb"):
        papermill.execute_notebook(str(REPO / "notebooks" / name), str(root / name), parameters={"quick": True},
                                   prepare_only=True, progress_bar=False)
    # JupyterLab 4 virtualises cells out of view (zero-size outputs, "hidden" to the browser):
    # render every cell, as a reader scrolling through the notebook sees them
    tracker = root / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    env = dict(os.environ, HSINB_OFFLINE="1", JUPYTER_CONFIG_DIR=str(root / ".jupyter"),
               JUPYTERLAB_SETTINGS_DIR=str(root / ".jupyter" / "lab" / "user-settings"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.open_browser=False", "--ServerApp.allow_root=True"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _run_all(page, url: str, notebook: str) -> None:
    # a workspace of its own: JupyterLab would otherwise restore the previous test's notebook
    # beside this one (and its hidden widgets would match the selectors)
    page.goto(f"{url}/lab/workspaces/{Path(notebook).stem}/tree/{notebook}?reset&token={TOKEN}")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=90_000)
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _figure(page, explorer: str):
    """The explorer's first visible figure (an output area can hold a hidden one while redrawing)."""
    return page.locator(f"{explorer} .widget-output img >> visible=true").first


def _first_figure(page, explorer: str) -> str:
    fig = _figure(page, explorer)
    return (fig.get_attribute("src") or "") if fig.count() else ""


def _wait_redrawn(page, explorer: str, before: str) -> str:
    deadline = time.time() + 60
    while time.time() < deadline:
        now = _first_figure(page, explorer)
        if now and now != before:
            return now
        time.sleep(0.5)
    pytest.fail("the explorer's figure was not redrawn within 60 s of moving its widget")


def _check_explorer(browser, url: str, notebook: str, explorer: str, move, shot: str) -> None:
    """Run ``notebook`` in JupyterLab, ``move(page)`` a widget of ``explorer`` (a CSS
    selector), check that its figure is redrawn, and keep a screenshot as ``shot``."""
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    _run_all(page, url, notebook)
    _figure(page, explorer).wait_for(timeout=120_000)
    before = _first_figure(page, explorer)
    move(page)
    _wait_redrawn(page, explorer, before)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(explorer).first.screenshot(path=str(SHOTS / shot))
    page.close()


def test_scene_explorer_redraws_when_a_class_is_chosen(lab, browser):
    explorer = ".widget-vbox:has(.widget-dropdown)"

    def choose_a_class(page) -> None:
        select = page.locator(f"{explorer} .widget-dropdown select").first
        select.scroll_into_view_if_needed()
        select.select_option(index=2)

    _check_explorer(browser, lab, "01_data_exploration.ipynb", explorer, choose_a_class, "01_scene_explorer.png")


def test_transform_explorer_redraws_when_its_seed_slider_moves(lab, browser):
    explorer = ".widget-vbox:has(.widget-slider)"

    def move_the_seed(page) -> None:
        # the generator seed: every step redraws other random draws (the first slider, p, starts at its maximum)
        handle = page.locator(f"{explorer} .widget-slider:has(label:text-is('seed')) .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        page.keyboard.press("ArrowRight")  # seed 0 -> 1: one redraw, so the screenshot shows seed 1

    _check_explorer(browser, lab, "02_augmentations.ipynb", explorer, move_the_seed, "02_transform_explorer.png")
