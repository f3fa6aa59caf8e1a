"""A learner's hands on a JupyterLab page (Playwright): cells, menus, typing, Validate.

Shared by the browser tests: test_browser (`make lab`) and test_hub (a class's JupyterHub).
"""
import re

RUN_MS = 180_000        # bounds on waiting for cells and Validate, never assertions of speed


class Learner:
    """The learner's hands on the JupyterLab page. Cells are named by their position in the
    notebook (JupyterLab renders only the cells near the view, each with that position)."""

    def __init__(self, page, shots):
        self.page, self.shots = page, shots

    def shot(self, name):
        self.page.screenshot(path=str(self.shots / f"{name}.png"))

    def cell(self, index):
        return self.page.locator(f".jp-NotebookPanel:visible .jp-Cell[data-windowed-list-index='{index}']")

    def active(self):
        """The position of the active cell."""
        return int(self.page.locator(".jp-NotebookPanel:visible .jp-Cell.jp-mod-active").get_attribute(
            "data-windowed-list-index"))

    def source(self, index):
        return self.cell(index).locator(".jp-InputArea-editor").inner_text()

    def prompt(self, index):
        return self.cell(index).locator(".jp-InputPrompt").inner_text()

    def walk_down_to(self, text, limit=200):
        """From the top, the down arrow (command mode) until the active cell holds text: its position."""
        self.page.locator(".jp-NotebookPanel:visible .jp-Cell").first.locator(".jp-InputPrompt").click()
        for _ in range(limit):
            if text in self.source(self.active()):
                return self.active()
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no cell holds {text!r}")

    def wait_for_kernel(self):
        """Until the notebook's kernel has started and is idle (the status bar says so)."""
        self.page.wait_for_function(
            "() => (document.querySelector('#jp-main-statusbar')?.innerText || '').includes('| Idle')",
            timeout=RUN_MS)

    def run(self, action, watched):
        """Do action (something that runs cells) and wait until the watched cell has run (its
        prompt shows a new execution count) and the kernel is idle."""
        before = self.prompt(watched)
        action()
        self.page.wait_for_function(
            """([index, before]) => {
                 const panel = '.jp-NotebookPanel:not(.lm-mod-hidden) ';
                 const cell = document.querySelector(panel + `.jp-Cell[data-windowed-list-index='${index}']`);
                 const prompt = cell && cell.querySelector('.jp-InputPrompt').innerText.trim();
                 const status = document.querySelector(panel + '.jp-Notebook-ExecutionIndicator');
                 return prompt && /\\[\\d+\\]/.test(prompt) && prompt !== before
                        && status && status.getAttribute('data-status') === 'idle';
               }""", arg=[watched, before.strip()], timeout=RUN_MS)

    def type_into(self, index, code):
        """Replace the source of cell `index` by code, as typed (auto-indent and bracket
        closing do not apply to inserted text)."""
        editor = self.cell(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Control+a")
        self.page.keyboard.insert_text(code)

    def menu(self, top, item):
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item}$")).click()

    def run_above_then_this_and_next(self, index):
        """Run All Above (from the menu), then Shift+Enter on the cell and on the next one:
        the next cell's output."""
        code_above = max(int(i) for i in self.page.locator(
            ".jp-NotebookPanel:visible .jp-CodeCell[data-windowed-list-index]").evaluate_all(
            "cells => cells.map(c => c.getAttribute('data-windowed-list-index'))") if int(i) < index)
        self.page.keyboard.press("Escape")                                   # command mode
        self.run(lambda: self.menu("Run", "Run All Above Selected Cell"), code_above)
        self.cell(index).locator(".jp-InputPrompt").click()
        self.run(lambda: self.page.keyboard.press("Shift+Enter"), index)
        assert self.active() == index + 1
        self.run(lambda: self.page.keyboard.press("Shift+Enter"), index + 1)
        return self.cell(index + 1).locator(".jp-OutputArea").inner_text()

    def validate(self):
        """Press nbgrader's Validate, read the dialog, close it: the dialog's text."""
        self.page.locator(".jp-NotebookPanel:visible .jp-Toolbar jp-button", has_text="Validate").click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(timeout=RUN_MS)
        # the end of a long error (where the hint is) into view, for the screenshot
        dialog.evaluate("d => d.querySelectorAll('*').forEach(e => { e.scrollTop = e.scrollHeight; })")
        return dialog.locator(".jp-Dialog-body").inner_text()

    def close_dialog(self):
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.locator(".jp-Dialog").wait_for(state="detached")

    def save(self):
        """Ctrl+S in the notebook, until its tab no longer shows unsaved changes."""
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')?.title?.dirty"
            " && !document.querySelector('.lm-DockPanel-tabBar .lm-mod-current.jp-mod-dirty')", timeout=RUN_MS)
