"""The student kits: what a class is given, one assignment at a time, and the self-study kit.

`python -m autograder release ASSIGNMENT` writes <course>/release/<ASSIGNMENT>-kit.zip, a
folder <ASSIGNMENT>-kit/ that holds what is due next and nothing else:

    README.md              how to start: a laptop, a JupyterHub image, Colab
    requirements.txt       the course's pins of what a student needs, and the wheel below
    cnn_coursekit-<version>-py3-none-any.whl   coursekit, the student-side package, alone
    jupyter/               the student-only JupyterLab configuration (lab/jupyter; the
                           self-study kit's without the assignment list: lab/self-study)
    <ASSIGNMENT>/          its released notebook with its visible tests' data (inside the notebook; also public_cases.bin)

`python -m autograder release --self-study` writes <course>/release/self-study-kit.zip, the
same with every released notebook, for a learner on their own: notebooks 03-05 show earlier
notebooks' answers in given cells, and its README says so. It is never for a class.

The wheel holds coursekit and nothing else of the project: no `solutions`, no `autograder`.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

from .. import PROJECT

SELF_STUDY = "self-study-kit"
DISTRIBUTION = "cnn-coursekit"
# What the notebooks need, where a student works and where a grader runs them: coursekit's
# dependencies, JupyterLab and nbgrader.
NOTEBOOK_PACKAGES = ("numpy", "matplotlib", "tqdm", "jupyterlab", "notebook", "nbgrader")
LAB_CONFIG = PROJECT / "lab" / "jupyter"
SELF_STUDY_CONFIG = PROJECT / "lab" / "self-study"


def pins(names=NOTEBOOK_PACKAGES, requirements=PROJECT / "requirements.txt"):
    """["name==version", ...] of the course's pins (requirements.txt) for `names`, in that order."""
    pinned = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pinned[name.lower()] = f"{name}=={version}"
    missing = [name for name in names if name not in pinned]
    if missing:
        raise ValueError(f"requirements.txt pins none of {missing}: the student kit needs them")
    return [pinned[name] for name in names]


def build_wheel(out_folder):
    """Build the wheel of coursekit alone into out_folder (pip and setuptools, offline); its path."""
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    with tempfile.TemporaryDirectory() as tmp:
        tree = pathlib.Path(tmp)
        shutil.copytree(PROJECT / "coursekit", tree / "coursekit", ignore=shutil.ignore_patterns("__pycache__"))
        dependencies = [pin.split("==")[0] for pin in pins(("numpy", "matplotlib", "tqdm"))]
        (tree / "pyproject.toml").write_text("\n".join([      # TOML strings and arrays, written as JSON
            '[build-system]', 'requires = ["setuptools>=61"]', 'build-backend = "setuptools.build_meta"', '',
            '[project]', f'name = {json.dumps(DISTRIBUTION)}', f'version = {json.dumps(project["version"])}',
            f'description = {json.dumps("The student side of the course: " + project["description"])}',
            f'requires-python = {json.dumps(project["requires-python"])}', f'dependencies = {json.dumps(dependencies)}',
            '', '[tool.setuptools]', 'packages = ["coursekit"]', '']))
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                               "--wheel-dir", str(out_folder), str(tree)], capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"the coursekit wheel could not be built:\n{done.stderr[-2000:]}")
    name = re.sub(r"[-.]", "_", DISTRIBUTION)
    return next(pathlib.Path(out_folder).glob(f"{name}-{project['version']}-*.whl"))


def lab_config(self_study=False):
    """{relative path: bytes} of the kit's jupyter/ folder: lab/jupyter (the student tools); for
    self-study, with lab/self-study merged into it (its JSON keys win, dicts merged), which
    hides the assignment list: a learner on their own has no exchange to fetch from."""
    files = {p.relative_to(LAB_CONFIG).as_posix(): p.read_bytes() for p in sorted(LAB_CONFIG.rglob("*")) if p.is_file()}
    if self_study:
        for path in sorted(SELF_STUDY_CONFIG.rglob("*.json")):
            relative = path.relative_to(SELF_STUDY_CONFIG).as_posix()
            merged = _merged(json.loads(files.get(relative, b"{}")), json.loads(path.read_bytes()))
            files[relative] = (json.dumps(merged, indent=2) + "\n").encode()
    return files


def _merged(base, over):
    """base with over's keys, dicts merged key by key."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def kit_name(assignment=None):
    """The kit's name, its zip's and its folder's: "<assignment>-kit", or "self-study-kit" for None."""
    return f"{assignment}-kit" if assignment else SELF_STUDY


def write_kit(course_root, assignment=None, out_path=None):
    """Write the kit of one released assignment of the course at course_root, or (assignment
    None) the self-study kit of every released notebook, at <course_root>/release/<kit_name>.zip
    unless out_path; its path. ValueError when that notebook (or any) is not released yet."""
    release = pathlib.Path(course_root) / "release"
    folders = sorted(p.parent for p in release.glob(f"{assignment or '*'}/*.ipynb"))
    if not folders:
        raise ValueError(f"{release} holds no released notebook{' of ' + assignment if assignment else ''}: "
                         f"release it first")
    name = kit_name(assignment)
    out_path = pathlib.Path(out_path or release / f"{name}.zip")
    readme = (STUDENT_README if assignment else STUDENT_README + SELF_STUDY_README)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_wheel(tmp)
        with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as kit:
            kit.writestr(f"{name}/README.md", readme.format(wheel=wheel.name))
            kit.writestr(f"{name}/requirements.txt",
                         "# What the course's notebooks need, pinned as the course pins them.\n"
                         + "".join(f"{pin}\n" for pin in pins()) + f"./{wheel.name}\n")
            kit.write(wheel, f"{name}/{wheel.name}")
            for relative, data in lab_config(self_study=assignment is None).items():
                kit.writestr(f"{name}/jupyter/{relative}", data)
            for folder in folders:
                for path in sorted(folder.iterdir()):
                    if path.is_file():
                        kit.write(path, f"{name}/{folder.name}/{path.name}")
    return out_path


STUDENT_README = """# The course's notebooks

Each folder holds one notebook of the course; the data of its visible tests is inside it
(the folded cell near its top: run it, keep it). Fill in
every cell that says `# YOUR CODE HERE`, then run the cell right under it: its visible
tests run your function on public cases and name the likely cause of each failure.
nbgrader's Validate button runs the whole notebook the same way.

## On your laptop

You need Python 3.11. In this folder:

```bash
python3.11 -m venv .venv
.venv/bin/pip install -r requirements.txt        # on Windows: .venv\\Scripts\\pip
JUPYTER_CONFIG_PATH=jupyter .venv/bin/jupyter lab
```

`requirements.txt` installs JupyterLab, nbgrader's student tools, numpy and matplotlib at
the course's versions, and the course's own package, `{wheel}` (helpers for data,
plots and the visible tests: it holds no answer). `jupyter/` shows the student tools
only (Validate, and the assignment list where a class has nbgrader's exchange).

## On your class's JupyterHub

Nothing to install: your instructor's image has all of it. Open the notebook from the
assignment list (or the folder your instructor names), work, press Validate, and submit
from the assignment list.

## On Colab

Upload the notebook and `{wheel}`,
then run in the notebook's first cell:

```python
%pip install ./{wheel}
```

Colab has no Validate button: run every cell from the top instead. The MNIST notebook
downloads the digits the first time (about 12 MB).
"""

SELF_STUDY_README = """
## For self-study only

This kit holds every notebook of the course, for a learner on their own: work through them
in order. Notebooks 03, 04 and 05 give the model answers of earlier notebooks in read-only
cells (so that they run): open a notebook only after you have done the ones before it. A
class gets one kit per assignment instead, each released after the deadlines of the
answers it shows.
"""
