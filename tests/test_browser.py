"""A learner in the browser: `make lab`, notebook 01, a wrong conv_forward_naive, then a right one.

`make lab` runs in a copy of the repository (tests/labcopy.py); Playwright drives Debian's
Chromium (headless, a fresh profile) as a learner would. The learner has done the exercises
before conv_forward_naive (their model answers are in the workspace notebook before it is
opened); in the browser they type the model answer with the bias left out into the cell that
defines conv_forward_naive, run every cell above it and then that cell and the one after it
(the exercise's test cell), read the message, and press nbgrader's Validate; then they type
the right answer and do the same again. Screenshots go to the test's tmp_path.

The wrong answer's visible test (the cell after the exercise, `visible_tests(...)` on public
cases) must name the cause (EXPECTED_CAUSE), and Validate must fail it with the same words;
the right answer must pass both. Skips without Playwright or Chromium, except on CI
(CI=true), where that fails.
"""
import json
import re

from chromium import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip
from labcopy import TOKEN, copy_repository, environment, make_lab
from model_answers import solution_blocks

EXPECTED_CAUSE = "the bias is missing"
NOTEBOOK = "01-convolution/convolution.ipynb"
EXERCISE = "conv_forward_naive"
RUN_MS = 180_000        # bounds on waiting for cells and Validate, never assertions of speed


def model_answers(copy):
    """{grade_id: source} of notebook 01's solution cells in the instructor's source, with the
    solution markers taken out (what a learner who got it right would have written)."""
    return solution_blocks(json.loads((copy / "course" / "source" / NOTEBOOK).read_text()))


def do_earlier_exercises(workspace_notebook, answers):
    """The learner's work so far: every exercise answered except conv_forward_naive."""
    nb = json.loads(workspace_notebook.read_text())
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers and grade_id != f"{EXERCISE}_solution":
            cell["source"] = answers[grade_id]
    workspace_notebook.write_text(json.dumps(nb, indent=1))


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


def test_a_learner_sees_a_wrong_answer_explained_and_a_right_one_pass(tmp_path):
    sync_playwright = sync_playwright_or_skip()
    copy = copy_repository(tmp_path / "repo")
    env = environment(copy, tmp_path / "jupyter-home")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    answers = model_answers(copy)
    right = answers[f"{EXERCISE}_solution"]
    assert "b[c])" in right
    wrong = right.replace("b[c])", "0.0)")         # the model answer with the bias left out

    with make_lab(copy, env, tmp_path / "make-lab.log") as port, sync_playwright() as playwright:
        workspace_notebook = copy / "workspace" / NOTEBOOK
        do_earlier_exercises(workspace_notebook, answers)
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            learner = Learner(page, shots)
            page.goto(f"http://127.0.0.1:{port}/?token={TOKEN}")          # make lab's default URL
            page.wait_for_url(re.compile(f"/lab/tree/{re.escape(NOTEBOOK)}"))
            learner.cell(0).locator(".jp-RenderedMarkdown").wait_for()
            learner.wait_for_kernel()
            learner.shot("01-notebook-01-opened")

            # The Nbgrader menu offers the learner's tools, none of the instructor's.
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
            menu = page.locator(".lm-Menu").last.inner_text()
            learner.shot("02-nbgrader-menu")
            page.keyboard.press("Escape")
            assert "Assignment List" in menu
            for instructor_tool in ("Formgrader", "Course List", "Create assignment"):
                assert instructor_tool not in menu

            index = learner.walk_down_to(f"def {EXERCISE}")
            assert f'visible_tests("{EXERCISE}")' in learner.source(index + 1)

            learner.type_into(index, wrong)
            learner.shot("03-wrong-answer-typed")
            wrong_output = learner.run_above_then_this_and_next(index)
            learner.shot("04-wrong-answer-visible-test")
            wrong_validate = learner.validate()
            learner.shot("05-wrong-answer-validate")
            learner.close_dialog()

            learner.type_into(index, right)
            right_output = learner.run_above_then_this_and_next(index)
            learner.shot("06-right-answer-visible-test")
            right_validate = learner.validate()
            learner.shot("07-right-answer-validate")
            learner.close_dialog()

            # The kernel is the course's: the copy's packages and the data folder make exports.
            learner.cell(index + 1).locator(".jp-InputPrompt").click()
            page.keyboard.press("b")                                     # a new cell below it
            scratch = index + 2
            assert learner.active() == scratch and learner.source(scratch).strip() == ""
            learner.type_into(scratch, "import os, coursekit\n"
                                       "print(coursekit.__file__, os.environ.get('COURSE_DATA_DIR'))")
            learner.run(lambda: page.keyboard.press("Shift+Enter"), scratch)
            kernel_says = learner.cell(scratch).locator(".jp-OutputArea").inner_text().split()
            learner.shot("08-kernel-packages-and-data")
        finally:
            browser.close()

    # The cause, in the notebook and in Validate's dialog; the right answer passes both.
    assert EXPECTED_CAUSE in " ".join(wrong_output.split()), wrong_output
    assert "Success" not in wrong_validate, wrong_validate
    assert EXPECTED_CAUSE in " ".join(wrong_validate.split()), wrong_validate
    assert re.search(r"passed\.?$", right_output, re.M), right_output               # a line ends in "passed"
    assert "FAIL" not in right_output and "Error" not in right_output, right_output
    assert "Success" in right_validate, right_validate
    # The kernel is the course's: the copy's packages and the data folder make exports.
    assert kernel_says[0] == str(copy / "coursekit" / "__init__.py")
    assert kernel_says[1:] == ([env["COURSE_DATA_DIR"]] if env.get("COURSE_DATA_DIR") else [])
