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
from jupyterlab_page import Learner
from labcopy import TOKEN, copy_repository, environment, make_lab
from model_answers import answer_all_but, solution_blocks

EXPECTED_CAUSE = "the bias is missing"
NOTEBOOK = "01-convolution/convolution.ipynb"
EXERCISE = "conv_forward_naive"


def model_answers(copy):
    """{grade_id: source} of notebook 01's solution cells in the instructor's source, with the
    solution markers taken out (what a learner who got it right would have written)."""
    return solution_blocks(json.loads((copy / "course" / "source" / NOTEBOOK).read_text()))


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
        answer_all_but(workspace_notebook, answers, EXERCISE)
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

            # Self-study: no Nbgrader menu (its only item, the Assignment List, needs a class's
            # exchange) and so no "Error fetching courses!"; no instructor tool; Validate stays.
            menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            assert "Nbgrader" not in menus and "Help" in menus, menus
            assert page.locator(".jp-NotebookPanel:visible .jp-Toolbar jp-button", has_text="Validate").count() == 1
            learner.shot("02-no-nbgrader-menu")

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
