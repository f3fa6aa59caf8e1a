"""Build the course's website: the source notebooks, solved and executed, as a static site.

    python book/build.py [--quick] [--out FOLDER] [--lab-port 8888]

Sphinx with MyST-NB renders the pages (book/conf.py). Each source notebook becomes a page
notebook in OUT/src (written only when it changed, so an unchanged course rebuilds in
seconds): the graded cells (visible and hidden tests) and the cells tagged `remove-cell`
(how to work in the notebook) are dropped, the solution markers are taken out and each model
answer is folded behind "Try it first". MyST-NB executes each page notebook once and keeps
its outputs in jupyter-cache until its code changes. Everything is written under OUT; the
last line printed is the path of the site's index.html.

What only grading means stays off the pages: a markdown paragraph that starts with
"*When graded:*" is dropped, and a code line that reads NBGRADER_EXECUTION moves into a cell
of its own that runs but is not shown. The kernels run with COURSE_PROGRESS=none: training shows
no progress bar (a widget needs scripts from CDNs; a text bar would print every update), only
its line per epoch. The site must work offline: the build fails when
a page loads anything from another host or its rendered prose holds a raw `$` (a formula
MyST did not read as one), naming the page. Every figure says what it shows: its alt text is
the description its PNG carries (coursekit.plots.show; book/conf.py), and the build fails,
naming the page, on an image whose alt is empty, a file name or a hash.

--quick runs the notebooks in the short mode they use while being graded (a few thousand
training digits): the site's accuracy is then not the real one. CI builds it that way.
"""
import argparse
import html.parser
import os
import pathlib
import re
import sys

import nbformat

from coursekit.plots import description_problem

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "course" / "source"
CONF = pathlib.Path(__file__).resolve().parent

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
# Nothing of the grader may reach a page; the build fails if a page notebook still holds one.
GRADER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "YOUR CODE HERE", "autograder",
                "visible_tests", "grade_id")
GRADED_NOTE = re.compile(r"^\*When graded:\*.*?(?:\n[ \t]*\n|\Z)", re.S | re.M)   # a paragraph
GRADING_SWITCH = "NBGRADER_EXECUTION"
ANSWER_PROMPTS = {"code_prompt_show": "Try it first, then show the model answer",
                  "code_prompt_hide": "Hide the model answer"}


def page_notebook(nb, part, lab_url):
    """The page of one source notebook (a new notebook; `nb` is not changed).

    Drops graded cells and `remove-cell` cells, folds each model answer with the solution
    markers taken out, drops `visible_tests` from the imports, and adds, after the title
    cell, where to work in the notebook. Raises ValueError naming the cell if anything of the
    grader is left.
    """
    page = nbformat.v4.new_notebook(metadata=nb.metadata)
    for cell in nb.cells:
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") and not grading.get("solution") or "remove-cell" in cell.metadata.get("tags", []):
            continue
        cell = nbformat.from_dict({**cell, "metadata": {k: v for k, v in cell.metadata.items() if k != "nbgrader"}})
        if cell.cell_type == "markdown":
            cell.source = GRADED_NOTE.sub("", cell.source).rstrip()
        if cell.cell_type == "code" and GRADING_SWITCH in cell.source:
            switch, rest = grading_lines(cell.source)
            page.cells.append(nbformat.v4.new_code_cell(switch, metadata={"tags": ["remove-cell"]}))
            cell.source = rest
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = re.sub(r"(from coursekit import .*?), visible_tests\b", r"\1", cell.source)
            if grading.get("solution"):
                cell.source = "\n".join(line for line in cell.source.splitlines()
                                        if line.strip() not in MARKERS)
                cell.metadata["tags"] = ["hide-input"]
                cell.metadata["mystnb"] = ANSWER_PROMPTS
        page.cells.append(cell)
        if len(page.cells) == 1:
            page.cells.append(nbformat.v4.new_markdown_cell(work_in_it(part, lab_url), id="work-in-it"))
    for index, cell in enumerate(page.cells):
        found = [word for word in GRADER_WORDS if word in cell.source]
        if found:
            raise ValueError(f"{part}: page cell {index} still holds {found}:\n{cell.source[:300]}")
    return page


def grading_lines(source):
    """(hidden, shown): the lines of a code cell that read NBGRADER_EXECUTION (they read it with
    `os.environ`), after `import os` so that they run alone, and the cell without them."""
    lines = source.splitlines()
    switch = [line for line in lines if GRADING_SWITCH in line]
    return "\n".join(["import os"] + switch), "\n".join(line for line in lines if line not in switch)


class _Page(html.parser.HTMLParser):
    """What one HTML page loads from other hosts, and the raw `$` of its rendered prose."""
    LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src",
             "audio": "src", "embed": "src", "object": "data", "link": "href"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    NOT_PROSE = {"pre", "code", "script", "style", "textarea", "kbd", "samp"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elsewhere, self.dollars, self.stack, self.images = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get(self.LOADS.get(tag, ""), "") or ""
        if tag == "link" and not {"stylesheet", "preload", "modulepreload", "icon", "prefetch",
                                  "manifest"} & set((attrs.get("rel") or "").split()):
            url = ""
        if re.match(r"(https?:)?//", url.strip()):
            self.elsewhere.append(f"<{tag}> {url}")
        if tag == "img":
            self.images.append((attrs.get("src") or "", attrs.get("alt")))
        if tag not in self.VOID:
            classes = (attrs.get("class") or "").split()
            self.stack.append((tag, tag in self.NOT_PROSE or "math" in classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        if "$" in data and not any(skip for _, skip in self.stack):
            at = data.index("$")
            self.dollars.append(" ".join(data[max(0, at - 60):at + 60].split()))


def site_problems(site):
    """Sentences naming each page of the built site (a folder) that loads something from another
    host, shows a raw `$` in its prose or has an image whose alt is no description (empty, a
    file name, a hash: coursekit.plots.description_problem); empty when there is none."""
    problems = []
    for path in sorted(pathlib.Path(site).rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(errors="replace"))
        name = path.relative_to(site)
        problems += [f"{name} loads from another host: {load}" for load in page.elsewhere]
        problems += [f"{name} shows a raw $ (a formula not read as one): ...{text}..." for text in page.dollars]
        problems += [f"{name} has an image without a text alternative ({why}): {src}"
                     for src, alt in page.images for why in [description_problem(alt)] if why]
    return problems


def work_in_it(part, lab_url):
    """Markdown: where to work in this notebook."""
    path = f"{part.parent.name}/{part.name}"
    return ("```{tip}\n"
            f"**Work in this notebook yourself.** In the course's folder, `make lab` opens JupyterLab "
            f"with your own copy, [`workspace/{path}`]({lab_url}/lab/tree/{path}) (the link opens it "
            "while `make lab` runs). The model answers below are folded: try each exercise first.\n"
            "```\n")


def part_summary(nb, name):
    """(title, estimated time) of a source notebook, from its first cell."""
    first = nb.cells[0].source
    title = re.match(r"#\s+(.+)", first)
    time = re.search(r"\*\*Estimated time:\*\*\s*(.+?)(?:\.\s|\.$|$)", first, re.M)
    if not (title and time):
        raise ValueError(f"{name}: the first cell needs a '# title' and an '**Estimated time:** ...' line")
    return title.group(1).strip(), time.group(1).strip()


def write_if_changed(path, text):
    """Write text to path unless it already holds it (Sphinx rebuilds only changed pages)."""
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def write_sources(src, lab_url):
    """The page notebooks and the landing page in src; returns the page names."""
    rows, pages = [], []
    for source in sorted(SOURCE.glob("*/*.ipynb")):
        nb = nbformat.read(source, as_version=4)
        name = source.parent.name                     # 01-convolution: the page is 01-convolution.ipynb
        page = page_notebook(nb, source.relative_to(SOURCE), lab_url)
        write_if_changed(src / f"{name}.ipynb", nbformat.writes(page))
        title, time = part_summary(nb, source)
        rows.append(f"| [{title}]({name}.ipynb) | {time} |")
        pages.append(name)
    table = "| Part | Estimated time |\n|---|---|\n" + "\n".join(rows)
    landing = (CONF / "index.md").read_text().format(parts=table, toctree="\n".join(pages), lab_url=lab_url)
    write_if_changed(src / "index.md", landing)
    return pages


def kernel_environment(out, quick):
    """Keep the kernels' files (IPython history, matplotlib's cache, connection files) in out."""
    state = out / "state"
    state.mkdir(parents=True, exist_ok=True)
    os.environ.update(IPYTHONDIR=str(state / "ipython"), MPLCONFIGDIR=str(state / "matplotlib"),
                      JUPYTER_RUNTIME_DIR=str(state / "runtime"), PYTHONDONTWRITEBYTECODE="1",
                      JUPYTER_PREFER_ENV_PATH="1", COURSE_PROGRESS="none")
    if quick:
        os.environ["NBGRADER_EXECUTION"] = "validate"   # the notebooks' own short mode
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=pathlib.Path,
                        help="build folder (default build/book, or build/book-quick: each keeps its own cache)")
    parser.add_argument("--quick", action="store_true",
                        help="short training runs (CI): the accuracy is not the real one")
    parser.add_argument("--lab-port", type=int, default=8888,
                        help="the port `make lab` serves on, for the pages' links")
    args = parser.parse_args(argv)
    sys.dont_write_bytecode = True
    out = (args.out or ROOT / "build" / ("book-quick" if args.quick else "book")).resolve()
    src = out / "src"
    write_sources(src, f"http://127.0.0.1:{args.lab_port}")
    kernel_environment(out, args.quick)
    from sphinx.cmd.build import build_main
    status = build_main(["-b", "html", "-c", str(CONF), "-d", str(out / "doctrees"), "--keep-going",
                         str(src), str(out / "html")])
    if status:
        sys.exit(status)
    problems = site_problems(out / "html")
    if problems:
        print("The site is not self-contained, shows raw LaTeX or has an image without a text alternative:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(out / "html" / "index.html")


if __name__ == "__main__":
    main()
