"""Helpers of the browser tests: a page at phone or desktop size that records every request and dialog."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.app.conftest import SCREENSHOTS

SIZES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ANSWER_TIMEOUT_MS = 60_000


@dataclass
class Visit:
    page: Any
    size: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    @property
    def phone(self) -> bool:
        return self.size == "phone"

    def foreign_requests(self) -> list[str]:
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out

    def tap(self, locator: Any) -> None:
        """A finger tap on a phone, a mouse click on a desktop."""
        locator.scroll_into_view_if_needed()
        if self.phone:
            locator.tap()
        else:
            locator.click()

    def shot(self, name: str, full_page: bool = False) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.size}.png"), full_page=full_page)

    def ask(self, question: str) -> Any:
        """Type a question, send it, wait for its finished answer; returns the answer's locator."""
        before = self.page.locator(".xf-answer").count()
        self.page.locator("#xf-question textarea").fill(question)
        self.tap(self.page.locator("#xf-send"))
        answer = self.page.locator(".xf-turn").nth(before).locator(".xf-answer:not(.xf-pending)")
        answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
        return answer

    def no_horizontal_scroll(self) -> None:
        width, inner = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"horizontal scrolling at {self.size}: {width} > {inner}"

    def small_tap_targets(self) -> list[str]:
        """Visible buttons and links (not the inline citation links inside sentences) lower than 44 px."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll(
                    'button, a[href], [role=button], [role=tab], input[type=checkbox]')]
                .filter(el => !el.closest('.xf-inline-cite') && !el.closest('[aria-hidden=true]')
                              && !el.closest('.visually-hidden'))
                .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
                .filter(el => el.getBoundingClientRect().height < 44)
                .map(el => (el.id || el.className || el.tagName) + ':' + (el.innerText || '').slice(0, 20)
                            + ':' + Math.round(el.getBoundingClientRect().height))"""
        )


@contextmanager
def recording(browser: Any, url: str, size: str, **options: Any) -> Iterator[tuple[Visit, Any]]:
    """A fresh browser context (``SIZES[size]`` when ``size`` is one of them, plus ``options``) on ``url``
    that records requests, dialogs and script errors; yields the visit and its context (to cut the
    network). On leaving it asserts that no request left 127.0.0.1 and no dialog fired."""
    context = browser.new_context(**SIZES.get(size, {}), locale="zh-CN", **options)
    page = context.new_page()
    v = Visit(page, size)
    page.on("request", lambda r: v.requests.append(r.url))
    page.on("pageerror", lambda e: v.script_errors.append(str(e)))

    def on_dialog(dialog: Any) -> None:
        v.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    try:
        yield v, context
    finally:
        context.close()
    assert not v.foreign_requests(), f"requests left 127.0.0.1: {v.foreign_requests()}"
    assert not v.dialogs, f"a dialog fired (script ran): {v.dialogs}"


@contextmanager
def visit(browser: Any, url: str, size: str, **options: Any) -> Iterator[Visit]:
    """The app at ``size``, once its tabs are there."""
    with recording(browser, url, size, **options) as (v, _):
        v.page.locator("#xf-tabs").wait_for()
        yield v


def choose_file(page: Any, box: str, path: Any, tries: int = 3, wait_ms: int = 20_000) -> None:
    """Put a file into the ``gr.File`` whose elem_id is ``box`` and wait until it lists the file by name.

    Under load a refresh of the page's components that was still on its way can arrive after the file was
    set and show the box empty again; the file is then set once more, as a person would."""
    name = str(getattr(path, "name", path))
    shown = page.locator(f"{box} tr", has_text=name.rsplit(".", 1)[0])
    for attempt in range(tries):
        page.locator(f"{box} input[type=file]").wait_for(state="attached", timeout=wait_ms)
        page.locator(f"{box} input[type=file]").set_input_files(str(path))
        try:
            shown.first.wait_for(timeout=wait_ms)
            return
        except Exception:  # playwright's TimeoutError: set the file again
            if attempt == tries - 1:
                raise
