"""Sphinx configuration of the course's website (book/build.py runs it; see that file)."""
import pathlib
from html import escape

project = "Convolutional neural networks from scratch"

extensions = [
    "myst_nb",                   # notebooks as pages, executed, with jupyter-cache
    "sphinx-mathjax-offline",    # MathJax served from the site itself: no CDN, works offline
]
myst_enable_extensions = ["dollarmath", "amsmath"]

# Execute each page's notebook once, and again only when its code changes (jupyter-cache).
nb_execution_mode = "cache"
nb_execution_timeout = 3600          # per cell: notebook 05 trains for minutes
nb_execution_raise_on_error = True   # a failing cell fails the build, never a page with a traceback
nb_merge_streams = True
# No page may load anything from another host: MyST-NB's default loads require.js and the widgets
# manager from two CDNs on a page with widget state. The build runs the notebooks with
# COURSE_PROGRESS=none (book/build.py): no progress bar, so there is no widget to show.
nb_ipywidgets_js = {}

html_theme = "sphinx_book_theme"
html_title = "CNNs from scratch"
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,      # the solved notebook, as .ipynb
    "home_page_in_toc": True,
    "footer_content_items": [],
}
html_show_sphinx = False
html_static_path = ["static"]
html_css_files = ["course.css"]      # long code lines wrap; keyboard focus drawn on every button
templates_path = ["templates"]
# The theme's sidebar less its logo template, whose title sits outside every landmark: ours puts
# it in a navigation landmark (templates/course-title.html). There are no icon links.
html_sidebars = {"**": ["course-title.html", "search-button-field.html", "sbt-sidebar-nav.html"]}

# Screen readers read each formula from MathJax's hidden MathML (its assistive output). It is
# MathJax 3.2's default (sphinx-mathjax-offline 0.0.2 ships 3.2.2); said here so that it stays on.
mathjax3_config = {"options": {"menuOptions": {"settings": {"assistiveMml": True}}}}
exclude_patterns = ["jupyter_execute", ".jupyter_cache"]


def describe_figures(app, doctree):
    """Give each notebook figure its text alternative as alt: the Description its PNG carries
    (coursekit.plots.show writes it). A figure without one keeps Sphinx's default alt, its file
    name, which book/build.py's site check then names."""
    from docutils import nodes
    from PIL import Image
    for node in doctree.findall(nodes.image):
        uri = node["uri"]
        path = pathlib.Path(app.srcdir, uri.lstrip("/")) if uri.startswith("/") else \
            pathlib.Path(app.env.doc2path(app.env.docname)).parent / uri
        if not node.get("alt") and path.suffix == ".png" and path.is_file():
            with Image.open(path) as image:
                description = image.text.get("Description")
            if description:
                node["alt"] = description


def _open_answer_fold(translator, node):
    """MyST-NB's fold of a model answer (<details>), without the aria-label its <summary> gets:
    that label ("Toggle hidden content") hides the visible "Try it first, then show the model
    answer" from screen readers (WCAG 2.5.3, label in name); the summary's own text names it."""
    classes = " ".join(node["classes"])
    translator.body.append(f'<details class="admonition hide {classes}">\n<summary>\n'
                           f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
                           f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
                           "</summary>\n")


def setup(app):
    app.connect("doctree-read", describe_figures)
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
    app.add_node(HideCodeCellNode, override=True, html=(_open_answer_fold, depart_HideCellInput))
