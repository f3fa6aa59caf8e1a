"""Build the course's website: the source notebooks, solved and executed, as a static site.

    python book/build.py [--quick] [--out FOLDER] [--lab-port 8888]

Sphinx with MyST-NB renders the pages (book/conf.py). Each source notebook becomes a page
notebook in OUT/src (written only when it changed, so an unchanged course rebuilds in
seconds): the graded cells (visible and hidden tests) and the cells tagged `remove-cell`
(how to work in the notebook) are dropped, the solution markers are taken out and each model
answer is folded behind "Try it first". MyST-NB executes each page notebook once and keeps
its outputs in jupyter-cache until its code changes. Everything is written under OUT; the
last line printed is the path of the site's index.html.

--quick runs the notebooks in the short mode they use while being graded (a few thousand
training digits): the site's accuracy is then not the real one. CI builds it that way.
"""
import argparse
import os
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "course" / "source"
CONF = pathlib.Path(__file__).resolve().parent

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
# Nothing of the grader may reach a page; the build fails if a page notebook still holds one.
GRADER_WORDS = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "YOUR CODE HERE", "autograder",
                "visible_tests", "grade_id")
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
                      JUPYTER_PREFER_ENV_PATH="1")
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
    print(out / "html" / "index.html")


if __name__ == "__main__":
    main()
