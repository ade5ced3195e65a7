"""Headless Chromium from Debian's packages, driven by Selenium, and a live dashboard server
in a thread for the browser tests."""

from __future__ import annotations

import io
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from zonke_tf.dashboard.app import Dashboard
from zonke_tf.dashboard.server import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
INSTALL = "apt-get update && apt-get install -y chromium chromium-driver"


def chromium(width: int = 1280, height: int = 900) -> Any:
    """A headless Chromium; the test fails with the install command when it is missing."""
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not Path(tool).exists() and not shutil.which(Path(tool).name):
            pytest.fail(f"{tool} is missing; install Debian's Chromium: {INSTALL}", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(arg)
    driver_path = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else str(shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    return driver


@contextmanager
def live_server(dash: Dashboard) -> Iterator[io.StringIO]:
    """Serve ``dash`` on its port in a thread; yields the server's log as it is written."""
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(n) for n in ("zonke.dashboard", "uvicorn", "uvicorn.error")]
    for lg in loggers:
        lg.addHandler(handler)
    server = make_server(dash)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the dashboard server did not start")
        time.sleep(0.05)
    try:
        yield log
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        for lg in loggers:
            lg.removeHandler(handler)


def wait_for(driver: Any, css: str, text: str | None = None, timeout: float = 60) -> Any:
    """The element matching ``css`` (containing ``text``), waiting for live updates."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while True:
        found = driver.find_elements(By.CSS_SELECTOR, css)
        try:
            for el in found:
                if text is None or text in el.text:
                    return el
        except StaleElementReferenceException:  # a live part was swapped in meanwhile: look again
            continue
        if time.monotonic() > deadline:
            shown = [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]
            page = driver.find_element(By.TAG_NAME, "body").text[:2000]
            raise AssertionError(f"no {css!r} with {text!r} after {timeout} s; found {shown}; page:\n{page}")
        time.sleep(0.3)
