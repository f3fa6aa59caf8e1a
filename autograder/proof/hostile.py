"""The hostile class: mangled, malicious and broken submissions of notebook 02, each with
the verdict it must get, graded as a class beside the model solution.

Each entry says what the student submits (a file name and its content, built from the
source notebook) and what must come out: the points of each exercise (None: ungradable)
and words the feedback or the status must contain, so the reason is clear. The model
solution and the untouched release are in the class too: their grades must not move.
"""
import json
import pathlib
from dataclasses import dataclass

import nbformat

from ..admin import classbuilder
from ..admin.course import DEFAULT_ROOT, kernel_data_dir, notebook_path
from ..checks import NOTEBOOKS
from ..cleanroom.submission import nbgrader_meta
from ..reports.text import verdict_text
from ..sandbox import protocol
from ..verdict import GRADED, UNGRADABLE

ASSIGNMENT = "02-pooling"
NOTEBOOK = notebook_path(DEFAULT_ROOT, ASSIGNMENT).name
FULL = {check.name: float(check.points) for check in NOTEBOOKS[ASSIGNMENT]}
NOTHING = dict.fromkeys(FULL, 0.0)
NO_RELU = {**FULL, "relu_forward": 0.0}
NO_POOL = {**FULL, "pool_forward_naive": 0.0}
RELU, POOL = "relu_forward_solution", "pool_forward_naive_solution"
IMPORTS, EXAMPLE = "cell-01", "cell-03"     # the ids of the unlocked import cell and of the first example
ESCAPE = "/tmp/escaped-from-the-sandbox"   # a file a hostile submission tries to write on the host
WORKERS, CELL_SECONDS = 2, 8                # the runner's settings for the class (tests/test_grading.py too)


@dataclass(frozen=True)
class Hostile:
    """student: the folder's name; build(source, release, course) -> (file name, bytes);
    expected: points per exercise, or None when it must be ungradable; words: what the
    feedback or status must say."""
    student: str
    build: object
    expected: object
    words: tuple = ()


def _grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def _notebook(change):
    """A builder: change(nb) applied to a copy of the model solution."""
    def build(source, release, course):
        nb = json.loads(json.dumps(source))
        change(nb)
        return NOTEBOOK, json.dumps(nb).encode()
    return build


def edited(grade_id, change):
    """A builder: the model solution with change(source, course) applied to the cell grade_id."""
    def build(source, release, course):
        def edit(nb):
            for cell in nb["cells"]:
                if _grade_id(cell) == grade_id:
                    cell["source"] = change("".join(cell["source"]), course)
        return _notebook(edit)(source, release, course)
    return build


def relu_cell(code):
    """A builder whose relu cell runs `code` first, then defines a correct relu_forward."""
    return edited(RELU, lambda s, course: code.format(course=course) + "\n" + s)


def relu_returns(expression):
    """A builder whose relu_forward returns (expression, (x,))."""
    return edited(RELU, lambda s, course: f"def relu_forward(x):\n    return {expression}, (x,)\n")


def _file(name, content):
    return lambda source, release, course: (name, content)


def _drop(nb, grade_id):
    nb["cells"] = [c for c in nb["cells"] if _grade_id(c) != grade_id]


def _duplicate(nb, grade_id):
    cell = next(c for c in nb["cells"] if _grade_id(c) == grade_id)
    nb["cells"].append(json.loads(json.dumps(cell)))


def _swap_solutions(nb):
    """The two solution cells exchange places."""
    cells = nb["cells"]
    i, j = (next(k for k, c in enumerate(cells) if _grade_id(c) == g) for g in (POOL, RELU))
    cells[i], cells[j] = cells[j], cells[i]


def _strip(nb):
    for cell in nb["cells"]:
        cell["metadata"] = {}


def _by_id(nb, cell_id):
    return next(c for c in nb["cells"] if c.get("id") == cell_id)


def _import_used(nb):
    """An import added to the unlocked import cell, which the pool answer then uses."""
    imports = _by_id(nb, IMPORTS)
    imports["source"] = "".join(imports["source"]) + "\nfrom itertools import product\n"
    _by_id(nb, POOL)["source"] = (
        "def pool_forward_naive(x, size=2, stride=2, mode='max'):\n"
        "    N, H, W, C = x.shape\n"
        "    H_out, W_out = 1 + (H - size) // stride, 1 + (W - size) // stride\n"
        "    reduce = np.max if mode == 'max' else np.mean\n"
        "    out = np.zeros((N, H_out, W_out, C), dtype=np.result_type(x, 0.5))\n"
        "    for n, i, j, c in product(range(N), range(H_out), range(W_out), range(C)):\n"
        "        out[n, i, j, c] = reduce(x[n, i * stride:i * stride + size, j * stride:j * stride + size, c])\n"
        "    return out, (x, size, stride, mode)\n")


def _scratch(nb):
    """A scratch cell at the end whose comment quotes a definition of relu_forward."""
    nb["cells"].append({"cell_type": "code", "id": "scratch", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": "# first try: def relu_forward(x): return abs(x), (x,)\nprint(relu_forward(x)[0])"})


def _pasted(nb, copies=250):
    """The first example pasted `copies` times below itself (fresh ids, as JupyterLab pastes)."""
    at = nb["cells"].index(_by_id(nb, EXAMPLE))
    nb["cells"][at + 1:at + 1] = [{**json.loads(json.dumps(nb["cells"][at])), "id": f"copy-{k}"} for k in range(copies)]


def _nbformat_3(source, release, course):
    """The model solution saved in nbformat 3 (worksheets), as by an old Jupyter."""
    # read as nbformat reads a file (sources as text): its v3 downgrade cannot take JSON's line lists
    notebook = nbformat.reads(json.dumps(source), as_version=4)
    return NOTEBOOK, nbformat.writes(nbformat.convert(notebook, 3), version=3).encode()


CORPUS = [
    Hostile("model-solution", _notebook(lambda nb: None), FULL),
    Hostile("untouched-release", lambda source, release, course: (NOTEBOOK, release.encode()),
            NOTHING, ("not implemented yet",)),
    # The file itself
    Hostile("invalid-json", lambda s, r, c: (NOTEBOOK, json.dumps(s).encode()[:500]), None, ("not valid JSON",)),
    Hostile("empty-file", _file(NOTEBOOK, b""), None, ("is empty",)),
    Hostile("binary-file", _file(NOTEBOOK, b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00"), None, ("binary content",)),
    Hostile("json-but-no-cells", _file(NOTEBOOK, b'{"nbformat": 4}'), None, ("not a Jupyter notebook",)),
    Hostile("no-notebook", _file("notes.txt", b"I ran out of time"), None, ("no notebook submitted",)),
    Hostile("wrong-name", lambda s, r, c: ("my_pooling.ipynb", json.dumps(s).encode()), FULL,
            ("graded my_pooling.ipynb",)),
    # Its cells
    Hostile("deleted-cell", _notebook(lambda nb: _drop(nb, RELU)), NO_RELU, (f"{RELU} is missing",)),
    Hostile("duplicated-cell", _notebook(lambda nb: _duplicate(nb, RELU)), FULL, ("appears more than once",)),
    Hostile("reordered-cells", _notebook(_swap_solutions), FULL),
    Hostile("stripped-metadata", _notebook(_strip), FULL, ("lost its nbgrader metadata",)),
    Hostile("null-bytes", edited(RELU, lambda s, course: s.replace("np.maximum", "np.max\x00imum")), FULL,
            ("null bytes removed",)),
    # Code that never ends, or ends the kernel
    Hostile("endless-loop-top-level", relu_cell("while True:\n    pass"), NO_RELU, ("endless loop",)),
    Hostile("endless-loop-in-function", edited(POOL, lambda s, course: (
        "def pool_forward_naive(x, size=2, stride=2, mode='max'):\n    while True:\n        pass\n")),
        NO_POOL, ("took more than",)),
    Hostile("swallows-interrupt", relu_cell(
        "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass"),
        NO_RELU, ("kernel was stopped",)),
    Hostile("sys-exit", relu_cell("import sys\nsys.exit(3)"), NO_RELU, ("SystemExit",)),
    Hostile("os-exit", relu_cell("import os\nos._exit(1)"), NO_RELU, ("kernel died",)),
    Hostile("segfault", relu_cell("import ctypes\nctypes.string_at(0)"), NO_RELU, ("kernel died",)),
    Hostile("kills-itself", relu_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), NO_RELU,
            ("kernel died",)),
    # Resources
    Hostile("memory-bomb", relu_cell("hoard = [np.ones((2**14, 2**14)) for _ in range(100)]"), NO_RELU,
            ("Unable to allocate",)),
    Hostile("huge-file", relu_cell("with open('huge.bin', 'wb') as f:\n    for _ in range(4096):\n"
                                    "        f.write(bytes(2**20))"), NO_RELU),
    Hostile("prints-100-mb", relu_cell("print('x' * 100_000_000)"), FULL, ("at once",)),
    Hostile("asks-for-input", relu_cell("name = input('your name? ')"), NO_RELU, ("input",)),
    # Cheating
    Hostile("patches-numpy-allclose", edited(RELU, lambda s, course: (
        "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
        "def relu_forward(x):\n    return np.abs(x), (x,)\n")), NO_RELU, ("does not take |x|",)),
    Hostile("patches-numpy-testing", edited(RELU, lambda s, course: (
        "np.testing.assert_allclose = lambda *a, **k: None\nnp.testing.assert_array_equal = lambda *a, **k: None\n"
        "def relu_forward(x):\n    return np.minimum(x, 0), (x,)\n")), NO_RELU, ("not kept",)),
    Hostile("patches-builtins", edited(RELU, lambda s, course: (
        "import builtins\nbuiltins.all = builtins.any = lambda *a, **k: True\n"
        "builtins.abs = builtins.round = lambda *a, **k: 0\n"
        "def relu_forward(x):\n    return np.abs(x), (x,)\n")), NO_RELU, ("does not take |x|",)),
    Hostile("patches-sys-modules", relu_cell(
        "import sys, types\nsys.modules['numpy'] = types.ModuleType('numpy')\n"
        f"sys.modules['coursekit.wire'] = sys.modules['{protocol.SANDBOX_PACKAGE}.harness'] = "
        "types.ModuleType('fake')"),
        FULL),
    Hostile("patches-the-wire", relu_cell(
        "import coursekit.wire as wire\nwire.encode = lambda value: wire.encode.__defaults__ or b'forged'\n"
        "wire.decode = lambda data: ((),)"), FULL),
    Hostile("imports-solutions", edited(RELU, lambda s, course: (
        "import solutions\ndef relu_forward(x):\n    return solutions.relu_forward(x)\n")), NO_RELU,
        ("No module named 'solutions'",)),
    Hostile("reads-the-course", relu_cell(
        "open({course!r} + '/source/02-pooling/pooling.ipynb').read()"), NO_RELU, ("No such file",)),
    Hostile("reads-another-student", relu_cell(
        "open({course!r} + '/submitted/model-solution/02-pooling/pooling.ipynb').read()"), NO_RELU,
        ("No such file",)),
    Hostile("writes-outside", relu_cell(f"open({ESCAPE!r}, 'w').write('out')\n"
                                         "open({course!r} + '/gradebook.db', 'w').write('')"), NO_RELU,
            ("No such file",)),
    Hostile("uses-the-network", relu_cell(
        "import urllib.request\nurllib.request.urlopen('http://example.com', timeout=5)"), NO_RELU,
        ("URLError",)),
    Hostile("changes-directory", relu_cell("import os\nos.chdir('/')"), FULL),
    # Answers of the wrong kind
    Hostile("returns-a-list", relu_returns("np.maximum(x, 0).tolist()"), NO_RELU, ("numpy array",)),
    Hostile("returns-nan", relu_returns("np.full_like(x, np.nan)"), NO_RELU, ("NaN",)),
    Hostile("wrong-shape", relu_returns("np.maximum(x, 0).ravel()"), {**FULL, "relu_forward": 0.25},
            ("shape",)),                  # right on the one 1-D case
    Hostile("wrong-dtype", relu_returns("np.maximum(x, 0).astype(int)"), NO_RELU),
    # Honest but unusual
    Hostile("import-in-unlocked-cell", _notebook(_import_used), FULL),
    Hostile("scratch-mentions-def", _notebook(_scratch), FULL),
    Hostile("nbgrader-not-a-dict", _notebook(lambda nb: _by_id(nb, RELU)["metadata"].update(nbgrader=["solution"])),
            FULL, ("nbgrader metadata was not a dictionary",)),
    Hostile("nbformat-3", _nbformat_3, FULL, ("nbformat 3",)),
    Hostile("250-copies", _notebook(_pasted), FULL),
    # The clean room: no privilege, nothing of the host in view, no trust in the sandbox's files
    Hostile("becomes-root", relu_cell("import os\nos.setuid(0)"), NO_RELU, ("OSError",)),
    Hostile("mounts-the-host", relu_cell(
        "import subprocess\nsubprocess.run(['mount', '--bind', '/', '/tmp'], check=True, capture_output=True)"),
        NO_RELU, ("CalledProcessError",)),
    Hostile("new-user-namespace", relu_cell(
        "import subprocess\nsubprocess.run(['unshare', '--user', '--map-root-user', 'true'], check=True, "
        "capture_output=True)"), NO_RELU, ("CalledProcessError",)),
    Hostile("walks-the-filesystem", relu_cell(
        "import os\nwanted = {{'model-solution', 'submitted', 'gradebook.db', 'solutions', 'autograder', "
        "'pooling.ipynb', 'nbgrader_config.py', 't10k-labels-idx1-ubyte.gz'}}\nfound = []\n"
        "for top, dirs, files in os.walk('/', onerror=lambda error: None):\n"
        "    if top.startswith(('/proc', '/sys', '/dev')) or '/site-packages/nbgrader' in top:\n"
        "        dirs[:] = []\n"
        "    found += [os.path.join(top, name) for name in dirs + files if name in wanted]\n"
        "assert not found, found"), FULL),
    Hostile("links-its-sockets", relu_cell(
        "import os, sys\nipc = os.path.dirname(__import__('json').load(open(sys.argv[sys.argv.index('-f') + 1]))['ip'])\n"
        "for name in os.listdir(ipc):\n    os.remove(os.path.join(ipc, name))\n"
        "    os.symlink({course!r} + '/gradebook.db', os.path.join(ipc, name))\nos._exit(1)"),
        NO_RELU, ("kernel died",)),
    Hostile("garbles-the-results-pipe", relu_cell(
        "import os\nos.write(int(os.environ['GRADER_RESULTS_FD']), b'garbage' * 1000)"),
        NOTHING, ("something other than the grader wrote",)),
    Hostile("returns-128-mb", relu_returns("np.zeros((4096, 4096, 1))"), NO_RELU, ("larger than",)),
    # One submission cannot take its classmates down
    Hostile("fork-bomb", relu_cell(
        "import os, time\nfor _ in range(500):\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(600)\n            os._exit(0)\n    except OSError:\n        break"), FULL),
    Hostile("fills-its-disk", relu_cell(
        "for folder in ('', '/tmp/'):\n    try:\n        with open(folder + 'filler', 'wb') as f:\n"
        "            while True:\n                f.write(bytes(2**20))\n    except OSError:\n        pass"), FULL),
    Hostile("floods-stdout-from-a-thread", relu_cell(
        "import threading\nthreading.Thread(target=lambda: [print('x' * 10**6) for _ in range(300)], "
        "daemon=True).start()"), FULL),
]


def build_class(folder, corpus=CORPUS):
    """A copy of the course in folder/course with the corpus submitted: its root."""
    def submissions(root):
        source = json.loads(notebook_path(root, ASSIGNMENT).read_text())
        release = classbuilder.released_notebook(root, ASSIGNMENT).read_text()
        for hostile in corpus:
            name, content = hostile.build(source, release, str(root))
            yield hostile.student, ASSIGNMENT, content, name
    return classbuilder.build_class(pathlib.Path(folder) / "course", [ASSIGNMENT], submissions)


def mismatch(hostile, status, points, text):
    """Why an outcome is not the one hostile expects, or "": status GRADED or UNGRADABLE,
    points {exercise: points earned}, text everything the student reads (the reason of an
    ungradable one included). Ungradable means every exercise at 0."""
    if hostile.expected is None:
        if status != UNGRADABLE:
            return f"{status} ({sum(points.values()):g} points); it should be ungradable"
        if any(points.values()):
            return f"ungradable but points {points}; every exercise should be at 0"
    elif status != GRADED:
        return f"{status} ({text.splitlines()[0]}); it should be graded"
    elif points != hostile.expected:
        return f"points {points}, expected {hostile.expected}"
    missing = [w for w in hostile.words if w not in text]
    return f"the feedback does not say {missing}" if missing else ""


def verdict_mismatch(hostile, verdict):
    """Why the verdict is not the one expected, or ""."""
    points = {e.name: e.points for e in verdict.exercises}
    return mismatch(hostile, verdict.status, points, verdict_text(verdict))


def _snapshot(root):
    """{path: bytes} of what no submission may change: the course's sources, every
    submission and the gradebook."""
    paths = [root / "gradebook.db", *sorted((root / "source").rglob("*")), *sorted((root / "submitted").rglob("*"))]
    return {str(p): p.read_bytes() for p in paths if p.is_file() and not p.is_symlink()}


def prove_hostile(progress=False):
    """Grade the hostile class: ([(Hostile, Verdict, problem)], escapes), problem "" when as
    expected; escapes, what the run changed or left outside the sandboxes (ESCAPE, the
    course's files, run folders and control groups). Where this machine cannot confine
    the class (not root), the class is graded with what there is, and said so, except on CI."""
    import os
    import tempfile

    from ..admin.classroom import grade_class
    from ..limits import Limits
    from ..cleanroom.runner import OPENED, leftovers

    if os.path.exists(ESCAPE):
        os.remove(ESCAPE)
    before = len(OPENED)
    accept_risk = os.geteuid() != 0 and not os.environ.get("CI")
    with tempfile.TemporaryDirectory(prefix="hostile-class-") as tmp:
        root = build_class(tmp)
        snapshot = _snapshot(root)
        verdicts = {v.student: v for v in grade_class(
            root, ASSIGNMENT, workers=WORKERS, limits=Limits(cell_seconds=CELL_SECONDS),
            data_dir=kernel_data_dir(), progress=progress, accept_risk=accept_risk)}
        escapes = [ESCAPE] if os.path.exists(ESCAPE) else []
        after = _snapshot(root)
        escapes += sorted(path for path in snapshot.keys() | after.keys() if snapshot.get(path) != after.get(path))
    escapes += sorted(leftovers(OPENED[before:]))      # other runs may grade on this machine meanwhile
    results = []
    for hostile in CORPUS:
        verdict = verdicts[hostile.student]
        results.append((hostile, verdict, verdict_mismatch(hostile, verdict)))
    return results, escapes
