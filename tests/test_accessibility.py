"""What students read besides the site is accessible: the feedback pages and the kits' README,
checked in Chromium with axe-core (tests/accessibility.py; the site's pages are checked in
test_book, which builds the site).

The feedback pages come from real grading: a class of 02-pooling graded by `grade` (the
hostile corpus's model answer and broken notebook, a slip in relu_forward), one page of each
kind a student can get: graded in full, partly wrong, ungradable, late (with its penalty),
overridden by the instructor (a score and a comment set in nbgrader's gradebook, then
regraded) and flagged for a manual grade (a timestamp.txt that cannot be read).

The kits' README is markdown: a student reads it rendered, in JupyterLab's Markdown viewer or on
a repository's page. It is rendered here with markdown-it-py (CommonMark, as those viewers
follow it) inside a page that has a language, a title and a main region, as a viewer's page
has: what is checked is the README's own structure (headings in order, lists, code blocks).
"""
import dataclasses
import datetime
import html
import pathlib
import zipfile

import pytest

from accessibility import bad_alternatives, keyboard_focus, violations
from autograder.__main__ import main
from autograder.admin import kit, late
from autograder.admin.course import gradebook
from autograder.proof import hostile
from chromium import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip

ASSIGNMENT, NOTEBOOK = hostile.ASSIGNMENT, pathlib.Path(hostile.NOTEBOOK).stem
DUE = datetime.datetime(2026, 11, 30, 17, 0)
ON_TIME, LATE = "2026-11-30 16:00:00.000000 UTC", "2026-12-01 19:00:00.000000 UTC"     # 26 hours late
COMMENT = "np.abs flips the negatives instead of zeroing them: half a point for the shape"
# {student: what their feedback page shows}
KINDS = {"model-solution": "graded in full", "partly-wrong": "partly wrong", "invalid-json": "ungradable",
         "late": "late", "overridden": "overridden by the instructor", "stamp-folder": "needs manual grade"}


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    """{kind: path of that student's feedback page}, from a class graded by `grade`."""
    model, broken = [h for h in hostile.CORPUS if h.student in ("model-solution", "invalid-json")]
    slip = hostile.Hostile("partly-wrong", hostile.relu_returns("np.abs(x)"), hostile.NO_RELU)
    corpus = [model, broken, slip, dataclasses.replace(model, student="late"),
              dataclasses.replace(slip, student="overridden"), dataclasses.replace(model, student="stamp-folder")]
    root = hostile.build_class(tmp_path_factory.mktemp("feedback"), corpus)
    with gradebook(root) as book:
        book.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    for student in KINDS:
        stamp = root / "submitted" / student / ASSIGNMENT / late.TIMESTAMP
        if student == "stamp-folder":
            stamp.mkdir()                            # unreadable: flagged for a manual grade
        else:
            stamp.write_text(LATE if student == "late" else ON_TIME)
    assert main(["--course", str(root), "grade", ASSIGNMENT, "--quiet"]) == 1     # invalid-json is ungradable
    with gradebook(root) as book:                   # the instructor's override, as the formgrader sets it
        book.find_grade("relu_forward", NOTEBOOK, ASSIGNMENT, "overridden").manual_score = 0.5
        book.find_comment(hostile.RELU, NOTEBOOK, ASSIGNMENT, "overridden").manual_comment = COMMENT
        book.db.commit()
    assert main(["--course", str(root), "grade", ASSIGNMENT, "--student", "overridden", "--quiet"]) == 0
    pages = {kind: root / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html" for student, kind in KINDS.items()}
    # each page is the kind it stands for
    text = {kind: html.unescape(path.read_text(encoding="utf-8")) for kind, path in pages.items()}
    assert "Status: graded" in text["graded in full"] and "Score: 4 / 4" in text["graded in full"]
    assert "Score: 3 / 4" in text["partly wrong"] and "FAIL" in text["partly wrong"]
    assert "Not graded" in text["ungradable"] and "not valid JSON" in text["ungradable"]
    assert "after the late penalty" in text["late"]
    assert "set this exercise's score to 0.5 / 1" in text["overridden by the instructor"] and \
        COMMENT in text["overridden by the instructor"]
    assert "is a folder" in text["needs manual grade"]
    return root, pages


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """(a Chromium page that may load local files only, screenshot folder)."""
    sync_playwright = sync_playwright_or_skip()
    shots = tmp_path_factory.mktemp("a11y-shots")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                   else route.abort())
        yield page, shots
        chromium.close()


def check_page(page, url, shot):
    """Open url; axe's violations, the images without a real text alternative, and the controls
    whose keyboard focus is not drawn, as one list of lines (empty when all is well)."""
    page.goto(url)
    page.screenshot(path=shot, full_page=True)
    problems = violations(page) + [f"image without a text alternative: {image}" for image in bad_alternatives(page)]
    return problems + [f"keyboard focus not drawn on {element}" for element, drawn in keyboard_focus(page) if not drawn]


@pytest.mark.parametrize("kind", KINDS.values())
def test_each_kind_of_feedback_page_passes_axe(feedback, browser, kind):
    _, pages = feedback
    page, shots = browser
    problems = check_page(page, pages[kind].as_uri(), shots / f"feedback-{kind.replace(' ', '-')}.png")
    assert not problems, "\n".join(problems)
    assert page.locator("main").count() == 1 and page.locator("main h1").count() == 1


def readme_page(readme, title):
    """The README rendered as a Markdown viewer shows it (see the module's docstring)."""
    from markdown_it import MarkdownIt
    body = MarkdownIt("commonmark").enable("table").render(readme)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n")


@pytest.mark.parametrize("assignment", [ASSIGNMENT, None], ids=["class-kit", "self-study-kit"])
def test_the_kits_readme_passes_axe(feedback, browser, assignment, tmp_path):
    root, _ = feedback
    page, shots = browser
    path = kit.write_kit(root, assignment, tmp_path / "kit.zip")
    with zipfile.ZipFile(path) as zipped:
        readme = zipped.read(f"{kit.kit_name(assignment)}/README.md").decode()
    rendered = tmp_path / "README.html"
    rendered.write_text(readme_page(readme, f"{kit.kit_name(assignment)}: README"), encoding="utf-8")
    problems = check_page(page, rendered.as_uri(), shots / f"readme-{kit.kit_name(assignment)}.png")
    assert not problems, "\n".join(problems)
    assert page.locator("h1").count() == 1


def test_the_checks_catch_what_they_are_for(browser, tmp_path):
    """The checks are not vacuous: a page without a main landmark, with pale text, images whose
    text alternatives say nothing and a button whose focus is not drawn fails each of them."""
    page, _ = browser
    digest = "269a62a9d0ae62f2e358a8d539dbc00d2922bd525e128cc94f2502b09a212674"
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>bad</title>'
        "<style>button:focus { outline: none; }</style></head><body>"
        '<h1>A page</h1><p style="color: #bbb">pale text</p>'
        f'<img src="_images/{digest}.png" alt="_images/{digest}.png"><img src="plot.png" alt="plot.png">'
        '<img src="a.png" alt=""><img src="b.png"><img src="c.png" alt="Training loss falls from 2.3 to 0.1">'
        "<button>Show the answer</button></body></html>")
    page.goto(bad.as_uri())
    rules = {line.split(" ")[0] for line in violations(page)}
    assert {"landmark-one-main", "region", "color-contrast", "image-alt"} <= rules, rules
    assert [line.split(":")[0] for line in bad_alternatives(page)] == [f"_images/{digest}.png", "plot.png", "a.png",
                                                                        "b.png"]
    assert keyboard_focus(page) == [("<button> Show the answer", False)]
