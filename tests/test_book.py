"""`make book`: the course as a website, built in a copy of the repository and read in Chromium.

The site is built once for the module, as a learner would (`make book QUICK=1`, short training
runs) in a copy of the repository (tests/labcopy.py). The tests check what the build wrote
(only its build folder; the index.html path as its last line), that a rebuild executes nothing
and a changed notebook re-executes alone, that nothing of the grader is anywhere on the site,
and then read it in headless Chromium served on 127.0.0.1, with every request elsewhere
blocked and counted (the site is self-contained): the landing page links every notebook,
figures load, LaTeX is typeset, a model answer is folded and opens on click, and search finds
"im2col". Screenshots go to the module's temporary folder.
"""
import functools
import html.parser
import http.server
import importlib.util
import json
import os
import re
import subprocess
import threading

import pytest

from chromium import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip
from labcopy import ROOT, copy_repository, environment

SITE = "build/book-quick"
PARTS = sorted(path.parent.name for path in (ROOT / "course" / "source").glob("*/*.ipynb"))
EXECUTING = "Executing notebook"        # MyST-NB's line for each notebook it runs (not found in its cache)
WAIT_MS = 60_000                        # a bound on waiting for a page, never an assertion of speed

spec = importlib.util.spec_from_file_location("book_build", ROOT / "book" / "build.py")
book_build = importlib.util.module_from_spec(spec)
spec.loader.exec_module(book_build)


def files(folder):
    """{relative path: (size, mtime)} of every file under folder, except the environment."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and ".venv" not in p.relative_to(folder).parts}


def make_book(copy, env):
    done = subprocess.run(["make", "--no-print-directory", "book", "QUICK=1"], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr, done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(copy, env, files before, files after, output, last line) of the first `make book QUICK=1`."""
    tmp = tmp_path_factory.mktemp("book")
    copy = copy_repository(tmp / "repo")
    env = environment(copy, tmp / "home")
    before = files(copy)
    output, last = make_book(copy, env)
    return copy, env, before, files(copy), output, last


def test_the_build_prints_its_index_and_writes_only_its_folder(built):
    copy, _, before, after, output, last = built
    assert last == str(copy / SITE / "html" / "index.html")
    changed = {path for path in after if before.get(path) != after[path]} | (before.keys() - after.keys())
    outside = sorted(path for path in changed if not path.startswith(SITE + "/"))
    assert not outside, f"make book wrote outside {SITE}: {outside[:10]}"
    assert output.count(EXECUTING) == len(PARTS), output[-3000:]


def test_a_rebuild_reuses_every_execution_and_a_changed_notebook_alone_runs_again(built):
    copy, env, *_ = built
    output, last = make_book(copy, env)
    assert EXECUTING not in output and last.endswith("index.html")

    source = copy / "course" / "source" / "02-pooling" / "pooling.ipynb"
    text = source.read_text()
    source.write_text(text.replace('"import numpy as np\\n",', '"import numpy as np  # changed\\n",', 1))
    try:
        output, _ = make_book(copy, env)
    finally:
        source.write_text(text)
    assert re.findall(rf"(\S+): {EXECUTING}", output) == [str(copy / SITE / "src" / "02-pooling.ipynb")]
    make_book(copy, env)                 # back to the course as it is, for the tests below


def test_nothing_of_the_grader_is_on_the_site(built):
    copy, *_ = built
    site = copy / SITE / "html"
    found = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".js", ".txt", ".md"):
            text = path.read_text(errors="replace")
            hits = [word for word in book_build.GRADER_WORDS if word in text]
            if path.suffix == ".ipynb":           # the pages' notebooks, as the site offers them for download
                hits += [f"cell {i}: nbgrader metadata" for i, cell in enumerate(json.loads(text)["cells"])
                         if "nbgrader" in cell["metadata"]]
            if hits:
                found[str(path.relative_to(site))] = hits
    assert not found
    assert len(list((site / "_sources").glob("*.ipynb"))) == len(PARTS)
    assert len(list(site.glob("_images/*.png"))) >= len(PARTS)


def test_the_page_transform_refuses_a_marker_it_does_not_expect():
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title"),
                                         nbformat.v4.new_code_cell("x = 1\n### BEGIN HIDDEN TESTS\nassert x\n")])
    with pytest.raises(ValueError, match="HIDDEN TESTS"):
        book_build.page_notebook(nb, ROOT / "00-x" / "x.ipynb", "http://127.0.0.1:8888")


def test_the_build_names_a_page_that_loads_from_another_host_or_shows_a_raw_dollar(tmp_path):
    (tmp_path / "bad.html").write_text(
        '<html><head><script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js"></script>'
        '<link rel="stylesheet" href="//cdn.example.org/widgets.css"></head>'
        '<body><main><li>so\n$<span class="math notranslate nohighlight">\\(db = 1\\)</span>$</li></main></body></html>')
    (tmp_path / "good.html").write_text(
        '<html><head><script src="_static/mathjax/tex-chtml.js"></script></head><body><main>'
        '<p>A <a href="https://pytorch.org">link</a> is not a request; <code>x$</code>, '
        '<span class="math">\\(x\\)</span>.</p><pre>echo $HOME</pre><div class="math">$$ y $$</div>'
        '</main></body></html>')
    problems = book_build.site_problems(tmp_path)
    assert [p.split(":")[0] for p in problems] == ["bad.html loads from another host"] * 2 + \
        ["bad.html shows a raw $ (a formula not read as one)"] * 2, problems
    assert "require.min.js" in problems[0] and "$\\(db = 1\\)" not in problems[2]


def test_the_build_names_an_image_without_a_text_alternative(tmp_path):
    digest = "3f8a" * 16
    (tmp_path / "page.html").write_text(
        f'<html><body><main><img alt="{digest}.png" src="_images/{digest}.png" /><img src="a.png" />'
        f'<img alt="" src="b.png" /><img alt="Training curves over 3 epochs: the loss falls from 2.1 to 0.3." '
        f'src="c.png" /></main></body></html>')
    problems = book_build.site_problems(tmp_path)
    assert [problem.split(" (")[0] for problem in problems] == ["page.html has an image without a text alternative"] * 3
    assert [problem.rsplit(" ", 1)[1] for problem in problems] == [f"_images/{digest}.png", "a.png", "b.png"]


def test_grading_notes_and_the_grading_switch_stay_off_the_page():
    import nbformat
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("Watch the loss fall.\n\n*When graded:* 3,000 digits\nand two epochs.\n\nThen look."),
        nbformat.v4.new_code_cell('import os\nGRADING = bool(os.environ.get("NBGRADER_EXECUTION"))   # short\n'
                                  'n = 3 if GRADING else 5')])
    page = book_build.page_notebook(nb, ROOT / "00-x" / "x.ipynb", "http://127.0.0.1:8888")
    shown = [cell for cell in page.cells if "remove-cell" not in cell.metadata.get("tags", [])]
    assert not any("graded" in cell.source or "NBGRADER" in cell.source for cell in shown)
    assert "Watch the loss fall." in shown[2].source and "Then look." in shown[2].source
    hidden = [cell for cell in page.cells if "remove-cell" in cell.metadata.get("tags", [])]
    assert [cell.source for cell in hidden] == ['import os\nGRADING = bool(os.environ.get("NBGRADER_EXECUTION"))   # short']
    assert shown[-1].source == "import os\nn = 3 if GRADING else 5"


def test_the_book_kernels_train_without_a_progress_widget(tmp_path):
    """A tqdm widget on a page needs require.js and the widgets manager from CDNs, and a text bar
    would print every update: the build's kernels (COURSE_PROGRESS=none, book/build.py) show no
    bar, only the lines per epoch. Run in a real kernel, with and without the setting, so the
    test fails if the widget comes back."""
    import nbformat
    from nbclient import NotebookClient
    code = ("import numpy as np, solutions as S\nfrom coursekit.train import fit\n"
            "net = S.Sequential(S.Flatten(), S.Dense(4, 2, seed=0))\n"
            "x, y = np.zeros((8, 2, 2, 1)), np.zeros(8, dtype=int)\n"
            "history = fit(net, S.SGD(net.parameters(), lr=0.1), S.softmax_cross_entropy, x, y, batch_size=4)")
    kinds = {}
    for setting in ("none", None):
        env = {key: value for key, value in os.environ.items() if key != "COURSE_PROGRESS"}
        if setting:
            env["COURSE_PROGRESS"] = setting
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        kinds[setting] = {key for output in nb.cells[0].outputs for key in output.get("data", {})} | \
            {output.get("name") for output in nb.cells[0].outputs if output.output_type == "stream"}
    assert kinds["none"] == {"stdout"}                                     # the epoch's line, no bar
    assert "application/vnd.jupyter.widget-view+json" in kinds[None]      # what the setting prevents


class _Figures(html.parser.HTMLParser):
    """The alt of every <img> of a page and the text of every "Figure:" paragraph after one."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alts, self.texts, self.depth = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.alts.append(attrs.get("alt"))
        if tag == "p" and "figure-text" in (attrs.get("class") or "").split():
            self.depth, self.texts = 1, self.texts + [""]
        elif self.depth and tag == "p":
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag == "p":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data


def test_every_figure_on_the_site_says_what_it_shows_with_the_runs_numbers(built):
    """Each figure's alt is its description (book/conf.py reads it from the PNG), the same text
    is printed under it, and the training curves' description holds the numbers the run printed."""
    copy, *_ = built
    site = copy / SITE / "html"
    assert not book_build.site_problems(site)
    alts = {}
    for part in PARTS:
        figures = _Figures()
        figures.feed((site / f"{part}.html").read_text())
        assert figures.alts, part
        assert [" ".join(f"Figure: {alt}".split()) for alt in figures.alts] == \
            [" ".join(text.split()) for text in figures.texts], part
        alts[part] = figures.alts
    page = (site / f"{PARTS[-1]}.html").read_text()
    *_, last = re.findall(r"epoch (\d+): loss [\d.]+, acc [\d.]+; val loss [\d.]+, val acc ([\d.]+)", page)
    curves = next(alt for alt in alts[PARTS[-1]] if alt.startswith("Training curves"))
    assert f"over {last[0]} epochs" in curves and f"validation at {float(last[1]):.2%}" in curves, curves


@pytest.fixture(scope="module")
def served(built):
    """The site's URL, served on 127.0.0.1 from its folder."""
    copy, *_ = built
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(copy / SITE / "html"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser_page(served, tmp_path_factory):
    """(page, requests sent elsewhere than the site, screenshot folder)."""
    sync_playwright = sync_playwright_or_skip()
    shots = tmp_path_factory.mktemp("book-shots")
    elsewhere = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(WAIT_MS)

        def route(request_route):
            if request_route.request.url.startswith(served):
                request_route.continue_()
            else:
                elsewhere.append(request_route.request.url)
                request_route.abort()
        page.route("**/*", route)
        yield page, elsewhere, shots
        browser.close()


def hrefs(links):
    """The href attribute of every link a locator finds."""
    return links.evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_the_landing_page_links_every_notebook_in_order(served, browser_page):
    page, elsewhere, shots = browser_page
    page.goto(f"{served}/index.html")
    page.screenshot(path=shots / "landing.png", full_page=True)
    main = page.locator("main")
    linked = [href.split("#")[0] for href in hrefs(main.locator("a"))]
    assert [part for part in PARTS if f"{part}.html" in linked] == PARTS
    assert "make lab" in main.inner_text()
    assert page.locator(f"nav a[href='{PARTS[0]}.html']").count() >= 1     # the sidebar's navigation
    assert not elsewhere


@pytest.mark.parametrize("part", PARTS)
def test_each_page_has_its_figures_and_typeset_math(served, browser_page, part):
    page, elsewhere, shots = browser_page
    page.goto(f"{served}/{part}.html")
    page.wait_for_selector("mjx-container")                               # MathJax ran, from the site
    assert page.locator("main .cell_output").count() >= 1                  # executed: printed results
    images = page.locator("main img")
    assert images.count() >= 1
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=images.nth(index).element_handle())
        assert images.nth(index).evaluate("img => img.naturalWidth") > 0, images.nth(index).get_attribute("src")
    page.screenshot(path=shots / f"{part}.png")
    prose = page.evaluate("""() => {
        const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('pre, code, script, style, mjx-container, .math').forEach(e => e.remove());
        return main.innerText; }""")
    assert "$" not in prose, prose[max(0, prose.find("$") - 200):prose.find("$") + 100]
    assert "When graded" not in prose and "NBGRADER_EXECUTION" not in page.locator("main").inner_text()
    too_wide = page.evaluate("""() => [...document.querySelectorAll('main pre')]
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1).map(pre => pre.innerText.slice(0, 80))""")
    assert not too_wide, too_wide                                          # long lines wrap
    assert not elsewhere


def test_a_model_answer_is_folded_and_opens_on_click(served, browser_page):
    page, elsewhere, shots = browser_page
    page.goto(f"{served}/{PARTS[0]}.html")
    summary = page.locator("details summary", has_text="Try it first").first
    answer = summary.locator("xpath=..")
    assert answer.evaluate("details => details.open") is False
    assert not answer.locator("pre").first.is_visible()
    summary.scroll_into_view_if_needed()
    summary.click()
    assert answer.locator("pre").first.is_visible()
    assert "def output_size" in answer.locator("pre").first.inner_text()
    page.wait_for_function("pre => getComputedStyle(pre.closest('.cell_input') || pre).opacity === '1'",
                           arg=answer.locator("pre").first.element_handle())     # the fade-in is over
    page.screenshot(path=shots / "answer-open.png")
    hint = page.locator("details", has=page.locator("summary", has_text="Hint 1")).first
    assert hint.evaluate("details => details.open") is False                 # hints fold as in the notebooks
    assert not elsewhere


def test_search_finds_im2col(served, browser_page):
    page, elsewhere, shots = browser_page
    page.goto(f"{served}/search.html?q=im2col")
    results = page.locator("#search-results li a")
    results.first.wait_for()
    page.screenshot(path=shots / "search.png")
    found = [href.split("#")[0].split("?")[0] for href in hrefs(results)]
    assert any(href.endswith("04-vectorization.html") for href in found), found
    excerpts = page.locator("#search-results li p.context")
    excerpts.first.wait_for()
    assert any("im2col" in text for text in excerpts.all_inner_texts())    # each result shows an excerpt
    assert not elsewhere
