"""Accessibility checks of a page open in Playwright, shared by test_book (the site) and
test_accessibility (the feedback pages, the kit's README).

`violations` runs axe-core (bundled in the axe-playwright-python package, injected into the
page: nothing is fetched) on WCAG 2.0/2.1 A and AA and on axe's best practices (landmarks,
regions, heading order), at every impact level. `bad_alternatives` is what axe does not judge:
an image whose text alternative is empty, a file name or a hash says nothing to a learner who
cannot see it. `keyboard_focus` presses Tab and tells where the focus went and whether it is
drawn (an outline or a box-shadow), as a person using the keyboard would see it.
"""
import re

from axe_playwright_python.sync_playwright import Axe

from coursekit.plots import description_problem

# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (one main landmark, every
# content inside a landmark, headings in order, unique landmarks...).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE = Axe()

# Beyond what the course asks of every description (coursekit.plots.description_problem: not
# empty, no file name, no hash such as Sphinx's 64-hex names, six words at least), a text
# alternative here names no image file anywhere in it.
FILE_NAME = re.compile(r"\.(png|jpe?g|gif|svg|webp)\b", re.I)


def violations(page):
    """axe-core's violations on the page as it is now, one readable line per rule and element
    ("rule (impact): what it means | where: the element"); empty when there is none."""
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                     "resultTypes": ["violations"]})
    return [f"{rule['id']} ({rule['impact']}): {rule['help']} | where: {node['target']} {node['html'][:200]}"
            for rule in results.response["violations"] for node in rule["nodes"]]


def bad_alternatives(page):
    """The images of the page whose text alternative is missing, empty, a file name, a hash or too short,
    each as "src: alt"."""
    images = page.evaluate("""() => [...document.querySelectorAll('img')].map(
        img => [img.getAttribute('src') || '', img.getAttribute('alt')])""")
    return [f"{src}: {alt!r}" for src, alt in images
            if alt is None or description_problem(alt) or FILE_NAME.search(alt)
            or alt.strip() == src.rsplit("/", 1)[-1]]


def press_tab(page):
    """Press Tab; (description of the focused element, whether its focus is drawn).

    Drawn means the focused element (or, for a summary, the element it draws in) has a visible
    outline or a box-shadow: what a sighted keyboard user needs to see where they are.
    """
    page.keyboard.press("Tab")
    return tuple(page.evaluate("""() => {
        const e = document.activeElement;
        if (!e || e === document.body) return ['(the page)', false];   // the focus left the page
        const style = getComputedStyle(e);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        const shadow = style.boxShadow && style.boxShadow !== 'none';
        const text = (e.innerText || e.getAttribute('aria-label') || e.value || '').trim().split('\\n')[0];
        return [`<${e.tagName.toLowerCase()}> ${text.slice(0, 60)}`, outline || !!shadow]; }"""))


def keyboard_focus(page, stops=200):
    """Tab through the page from its top, at most `stops` times: [(element, focus drawn)] in
    the order the focus visits them, until it leaves the page or comes back to the first."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    visited = []
    for _ in range(stops):
        stop = press_tab(page)
        if stop[0] == "(the page)" or (visited and stop == visited[0]):
            break
        visited.append(stop)
    return visited
