"""requirements.txt (pip) and environment.yml (conda) pin the same packages at the same versions."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def pip_pins():
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def conda_pins():
    pins, python = {}, None
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)==?([0-9][^\s#]*)\s*(#.*)?", line)   # conda's = or pip's ==
        if match:
            name, version = match.group(1).lower(), match.group(2)
            if name == "python":
                python = version
            else:
                pins[name] = version
    return pins, python


def test_requirements_and_environment_pin_the_same_versions():
    conda, _ = conda_pins()
    assert conda == pip_pins()


def test_environment_names_python_311_and_installs_the_project():
    _, python = conda_pins()
    text = (ROOT / "environment.yml").read_text()
    assert python == "3.11"
    assert "conda-forge" in text and re.search(r"-\s*-e\s+\.\s*$", text, re.M)


def test_required_packages_are_pinned():
    required = {"numpy", "scipy", "matplotlib", "jupyterlab", "notebook", "nbgrader", "pytest",
                "hypothesis", "tqdm"}
    assert required <= set(pip_pins())
    assert pip_pins()["nbgrader"] == "0.9.6"
    assert pip_pins()["jupyterlab"].startswith("4.") and pip_pins()["notebook"].startswith("7.")
