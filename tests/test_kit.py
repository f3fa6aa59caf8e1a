"""The student kit, alone: unzipped in an empty folder, installed in a fresh venv from its own
requirements.txt, it runs notebook 01's visible tests on the model answers (and names a
mistake), imports neither `solutions` nor `autograder`, and holds no solution line and no
hidden test anywhere, its wheel included (the visible tests' hints aside: see without_hints).

The kit is notebook 01's, made from a copy of the course with 01 and 02 released: 02 is not
in it (tests/test_release.py builds every assignment's kit, due dates set and unset). The
install downloads from PyPI what pip's cache does not hold (about a minute when it does).
"""
import json
import os
import subprocess
import venv
import zipfile

import pytest

from autograder.admin.course import copy_course, notebook_path
from autograder.admin.kit import kit_name, write_kit
from autograder.proof.answers import find
from model_answers import every_text, secret_lines, solution_blocks

RELEASED = ["01-convolution", "02-pooling"]
KIT = RELEASED[0]                  # the kit of 01 alone
MISTAKE = ("conv_forward_naive", "the bias forgotten")     # a bug of the proof's bank
EXPECTED_CAUSE = "the bias is missing"


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """(the kit's folder, unzipped alone; the source notebooks of the released assignments)."""
    tmp = tmp_path_factory.mktemp("kit")
    course = copy_course(tmp / "course", release=RELEASED)
    archive = write_kit(course, KIT)
    assert archive == course / "release" / f"{kit_name(KIT)}.zip"
    alone = tmp / "student"
    with zipfile.ZipFile(archive) as z:
        z.extractall(alone)
    sources = {a: json.loads(notebook_path(course, a).read_text()) for a in RELEASED}
    return alone / kit_name(KIT), sources


def test_the_kit_holds_the_notebooks_the_wheel_and_the_student_lab(kit):
    folder, _ = kit
    names = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert any(n.startswith(f"{KIT}/") and n.endswith(".ipynb") for n in names)
    assert f"{KIT}/public_cases.bin" in names
    assert not any(n.startswith(f"{RELEASED[1]}/") for n in names)      # released, but not this kit's
    assert "README.md" in names and "requirements.txt" in names
    assert "jupyter/labconfig/page_config.json" in names
    [wheel] = folder.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        packages = {m.split("/")[0] for m in z.namelist() if not m.split("/")[0].endswith(".dist-info")}
    assert packages == {"coursekit"}
    assert f"./{wheel.name}" in (folder / "requirements.txt").read_text().splitlines()


def test_no_solution_line_and_no_hidden_test_is_anywhere_in_the_kit(kit):
    folder, sources = kit
    secrets = set().union(*(secret_lines(nb) for nb in sources.values()))
    assert len(secrets) > 20                      # the model answers of 01 and 02 are many lines
    found = {(name, line) for name, text in every_text(folder).items() for line in secrets if line in text}
    assert not found
    for name, text in every_text(folder).items():
        for word in ("BEGIN HIDDEN TESTS", "from autograder", "import solutions", "BEGIN SOLUTION"):
            assert word not in text, (name, word)


@pytest.fixture(scope="module")
def installed(kit, tmp_path_factory):
    """The python of a fresh venv where `pip install -r requirements.txt` ran in the kit."""
    folder, _ = kit
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"], cwd=folder,
                          env=clean_env(), capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    return python


def clean_env():
    """An environment without this project on any path and not graded (visible tests run)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NBGRADER_EXECUTION", "MAKEFLAGS", "MAKELEVEL")}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    return env


@pytest.mark.parametrize("module", ["solutions", "autograder"])
def test_the_answers_cannot_be_imported_where_the_kit_is_installed(installed, kit, module):
    folder, _ = kit
    done = subprocess.run([str(installed), "-c", f"import {module}"], cwd=folder, env=clean_env(),
                          capture_output=True, text=True)
    assert done.returncode != 0 and f"No module named '{module}'" in done.stderr
    ok = subprocess.run([str(installed), "-c", "import coursekit, nbgrader, jupyterlab"], cwd=folder,
                        env=clean_env(), capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr


def run_notebook(python, folder, answers):
    """Execute the kit's notebook 01 with `answers` ({grade_id: code}) typed into its solution
    cells, in the fresh venv's kernel; (exit status, everything it printed)."""
    notebook = next((folder / RELEASED[0]).glob("*.ipynb"))
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    typed = notebook.with_name("typed.ipynb")
    typed.write_text(json.dumps(nb))
    done = subprocess.run([str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--stdout",
                           "--ExecutePreprocessor.timeout=600", typed.name], cwd=typed.parent, env=clean_env(),
                          capture_output=True, text=True, timeout=900)
    outputs = "".join(json.dumps(c.get("outputs", [])) for c in json.loads(done.stdout or '{"cells": []}')["cells"])
    return done.returncode, done.stderr + outputs


def test_notebook_01_runs_its_visible_tests_on_the_model_answers(installed, kit):
    folder, sources = kit
    status, printed = run_notebook(installed, folder, solution_blocks(sources[RELEASED[0]]))
    assert status == 0, printed[-3000:]
    assert "conv_forward_naive" in printed and "FAIL" not in printed


def test_notebook_01_names_a_mistake_in_its_visible_tests(installed, kit):
    folder, sources = kit
    answers = {**solution_blocks(sources[RELEASED[0]]), f"{MISTAKE[0]}_solution": find(*MISTAKE).source}
    status, printed = run_notebook(installed, folder, answers)
    assert status != 0 and EXPECTED_CAUSE in printed, printed[-3000:]


def test_the_self_study_kit_shows_no_assignment_list(kit, tmp_path):
    """The self-study kit's jupyter/ is lab/jupyter with lab/self-study merged in: no formgrader,
    and no assignment list (no exchange to fetch from); Validate stays."""
    folder, _ = kit
    archive = write_kit(folder.parents[1] / "course", out_path=tmp_path / "self-study-kit.zip")
    with zipfile.ZipFile(archive) as z:
        server = json.loads(z.read("self-study-kit/jupyter/jupyter_server_config.json"))
        page = json.loads(z.read("self-study-kit/jupyter/labconfig/page_config.json"))
    extensions = server["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    for off in ("formgrader", "course_list", "assignment_list"):
        assert extensions[f"nbgrader.server_extensions.{off}"] is False, off
    for plugin in ("formgrader", "create-assignment", "course-list", "assignment-list", "menu"):
        assert page["disabledExtensions"][f"@jupyter/nbgrader:{plugin}"] is True, plugin
    assert "@jupyter/nbgrader:validate-assignment" not in page["disabledExtensions"]
    with zipfile.ZipFile(folder.parents[1] / "course" / "release" / f"{kit_name(KIT)}.zip") as z:
        class_server = json.loads(z.read(f"{kit_name(KIT)}/jupyter/jupyter_server_config.json"))
    assert class_server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.assignment_list"] is True
