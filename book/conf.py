"""Sphinx configuration of the course's website (book/build.py runs it; see that file)."""
import pathlib

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
html_css_files = ["course.css"]      # long code lines wrap
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


def setup(app):
    app.connect("doctree-read", describe_figures)
