"""`make lab`: the learner's workspace, and a JupyterLab with student tools only.

The workspace tests run lab/workspace.py on a made-up release (fractions of a second). The
server test runs `make lab` in a copy of the repository (tests/labcopy.py) and asks the
running server, through its HTTP API, which nbgrader tools it serves.
"""
import http.client
import json
import pathlib
import re
import subprocess
import sys
import urllib.parse

import pytest

from labcopy import ROOT, TOKEN, copy_repository, environment, imports_resolve_to, make_lab

# nbgrader 0.9.6's tools: lab plugins (@jupyter/nbgrader:<id>) and server extensions.
INSTRUCTOR_PLUGINS = ["formgrader", "create-assignment", "course-list"]
STUDENT_PLUGINS = ["validate-assignment", "assignment-list", "menu"]
# Self-study (make lab) has no exchange: the Assignment List and the menu that holds only it go too.
CLASS_ONLY_PLUGINS = ["assignment-list", "menu"]
MISSING_CONFIG = "No nbgrader_config.py file found"


def update(release, workspace):
    """lab/workspace.py as `make lab` runs it: (exit status, its lines)."""
    done = subprocess.run([sys.executable, str(ROOT / "lab" / "workspace.py"), str(release), str(workspace)],
                          capture_output=True, text=True)
    return done.returncode, (done.stdout + done.stderr).splitlines()


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_workspace_keeps_the_learners_notebooks_and_adds_new_ones(tmp_path):
    release, workspace = tmp_path / "release", tmp_path / "workspace"
    write(release / "01-a" / "a.ipynb", "release 1")
    write(release / "01-a" / "public_cases.bin", "data 1")

    status, lines = update(release, workspace)
    assert status == 0 and f"added {workspace / '01-a' / 'a.ipynb'} (new in the course)" in lines
    assert (workspace / "01-a" / "a.ipynb").read_text() == "release 1"
    assert (workspace / "01-a" / "public_cases.bin").read_text() == "data 1"

    # The learner works; the course changes a notebook and its data, and adds a notebook.
    write(workspace / "01-a" / "a.ipynb", "the learner's work")
    write(release / "01-a" / "a.ipynb", "release 2")
    write(release / "01-a" / "public_cases.bin", "data 2")
    write(release / "02-b" / "b.ipynb", "new notebook")
    status, lines = update(release, workspace)
    assert status == 0
    assert (workspace / "01-a" / "a.ipynb").read_text() == "the learner's work"
    assert (workspace / "01-a" / "public_cases.bin").read_text() == "data 2"
    assert (workspace / "02-b" / "b.ipynb").read_text() == "new notebook"
    added = [line for line in lines if line.startswith("added ")]
    assert added == [f"added {workspace / '02-b' / 'b.ipynb'} (new in the course)"]


def test_workspace_without_a_release_says_what_to_run(tmp_path):
    status, lines = update(tmp_path / "release", tmp_path / "workspace")
    assert status == 1 and "python -m autograder release --self-study" in lines[-1], lines
    assert not (tmp_path / "workspace").exists()


def request(port, method, path, body=None):
    """(status, headers, text) of one request to the server, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"token {TOKEN}"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode(errors="replace")


def page_config(port):
    """The page config JupyterLab sends the browser (the jupyter-config-data of /lab)."""
    status, _, page = request(port, "GET", "/lab")
    assert status == 200
    return json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                page, re.S).group(1))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` running in a copy of the repository: (copy, port, log path). Also checks
    that the copy's commands import the copy's packages."""
    copy = copy_repository(tmp_path_factory.mktemp("repo"))
    env = environment(copy, tmp_path_factory.mktemp("jupyter-home"))
    assert imports_resolve_to(copy, env) == [copy] * 3
    log = copy.parent / "make-lab.log"
    with make_lab(copy, env, log) as port:
        yield copy, port, log


def test_make_lab_serves_the_workspace_at_notebook_01_on_localhost(lab):
    copy, port, log = lab
    notebooks = sorted(p.relative_to(copy / "workspace").as_posix() for p in (copy / "workspace").glob("*/*.ipynb"))
    released = sorted(p.relative_to(copy / "course" / "source").as_posix()
                      for p in (copy / "course" / "source").glob("*/*.ipynb"))
    assert notebooks == released and notebooks[0] == "01-convolution/convolution.ipynb"
    status, headers, _ = request(port, "GET", "/")
    assert status == 302
    assert urllib.parse.urlsplit(headers["Location"]).path == "/lab/tree/01-convolution/convolution.ipynb"
    status, _, listing = request(port, "GET", "/api/contents/01-convolution")
    assert status == 200 and "convolution.ipynb" in listing         # root dir: workspace/
    assert f"http://127.0.0.1:{port}/lab" in log.read_text()


def test_make_lab_shows_student_tools_only(lab):
    copy, port, log = lab
    config = page_config(port)
    assert "@jupyter/nbgrader" in [e["name"] for e in config["federated_extensions"]]
    disabled = config["disabledExtensions"]
    for plugin in INSTRUCTOR_PLUGINS:
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    for plugin in STUDENT_PLUGINS:                                   # Validate is validate-assignment's
        assert (f"@jupyter/nbgrader:{plugin}" in disabled) == (plugin in CLASS_ONLY_PLUGINS), plugin

    # Server side: the formgrader, the course list and the assignment list (with no exchange it
    # could only say "Error fetching courses!") are gone; Validate answers.
    assert request(port, "GET", "/formgrader")[0] == 404
    assert request(port, "GET", "/formgraders")[0] == 404
    assert request(port, "GET", "/assignments")[0] == 404
    assert request(port, "GET", "/courses")[0] == 404
    assert request(port, "GET", "/nbgrader_version?version=0.9.6")[0] == 200
    status, _, text = request(port, "POST", "/assignments/validate",
                              urllib.parse.urlencode({"path": "01-convolution/convolution.ipynb"}))
    assert status == 200 and "success" in json.loads(text)

    served = log.read_text()
    assert "nbgrader.server_extensions.validate_assignment | extension was successfully loaded" in served
    for extension in ("formgrader", "course_list", "assignment_list"):
        assert f"nbgrader.server_extensions.{extension}" not in served
    assert MISSING_CONFIG not in served                              # Validate read lab/jupyter's
    assert "Validating" in served                                    # (so nbgrader did look for it)


def test_lab_config_names_plugins_and_extensions_nbgrader_has():
    """The ids in lab/jupyter are nbgrader's own: a rename in a new nbgrader fails here."""
    import nbgrader
    package = pathlib.Path(nbgrader.__file__).parent
    labextension = pathlib.Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
    bundle = "".join(p.read_text(errors="replace") for p in (labextension / "static").glob("*.js"))
    for plugin in INSTRUCTOR_PLUGINS + STUDENT_PLUGINS:
        assert f'"@jupyter/nbgrader:{plugin}"' in bundle
    for folder in ("jupyter", "self-study"):
        server = json.loads((ROOT / "lab" / folder / "jupyter_server_config.json").read_text())
        for name in server["ServerApp"]["jpserver_extensions"]:
            assert (package / "server_extensions" / name.rsplit(".", 1)[1] / "__init__.py").exists(), name
        page = json.loads((ROOT / "lab" / folder / "labconfig" / "page_config.json").read_text())
        for plugin in page["disabledExtensions"]:
            assert f'"{plugin}"' in bundle or not plugin.startswith("@jupyter/nbgrader:"), plugin
