"""A class's JupyterHub on this machine: `make hub` (as root) prepares it and serves it.

    python hub/classhub.py --folder /srv/cnn-hub --instructor teacher --students ada bob cy --port 8000

The instructor and the students are Unix accounts that already exist (the README shows
`useradd`); JupyterHub logs them in with their passwords (PAM) and starts each one's
single-user server as that user (its LocalProcessSpawner). The folder (root's; others may
only pass through it) holds:

    env/            the class's environment: Debian's python3 venv from the kit of the
                    first assignment (its requirements.txt with the course's pins and the
                    coursekit wheel; no `solutions`, no `autograder`), jupyterhub-singleuser
                    and the course's setuptools (the instructor's release builds kits with it)
    student-config/ the kit's student-only Jupyter configuration, with nbgrader's exchange
                    and course id added: the Assignment List and Validate, no formgrader
    exchange/       nbgrader's exchange, world-writable as nbgrader documents (`chmod ugo+rw`:
                    0777, what release_assignment wants) and sticky, the course's folder in
                    it the instructor's (make_exchange says why)
    hub/            JupyterHub's own state: its database, cookie secret, the settings
                    hub/jupyterhub_config.py reads

The environment comes from this repository's kit of the first assignment (`make release
ASSIGNMENT=01-convolution`; every kit has the same environment). The instructor's course is a
copy of this repository's course and packages in their home, `~INSTRUCTOR/cnn-course` (made
when missing, never overwritten), theirs alone (home 0700; each student's home is 0700 too).
Their server runs in the same environment with that copy on PYTHONPATH (the course's
nbgrader_config.py imports the grader's plugins) and opens that copy, whose course/
nbgrader's formgrader serves.

`prepare` is idempotent: run again, it reuses the environment when the kit is unchanged.
"""
import argparse
import json
import os
import pathlib
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

PROJECT = pathlib.Path(__file__).resolve().parents[1]
COURSE_ID = "cnn-from-scratch"          # as course/nbgrader_config.py sets it
COURSE_COPY = "cnn-course"              # the instructor's copy of the repository, in their home
SYSTEM_PYTHON = "/usr/bin/python3"      # Debian's: every account can run it (the project's .venv is root's)
PROXY = PROJECT / "build" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


def pin(name):
    """The course's pin of `name` from requirements.txt ("name==version")."""
    for line in (PROJECT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.lower().startswith(f"{name}=="):
            return line
    raise ValueError(f"requirements.txt pins no {name}")


def account(name):
    """The passwd entry of an existing account; SystemExit naming the missing one."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise SystemExit(f"no Unix account {name!r}: create it first (useradd -m {name}; passwd {name})")


def reachable(folder):
    """Make every folder from / down to `folder` passable by others (o+x) where it is root's:
    a folder made by mkdtemp is 0700, and the accounts must reach the exchange and env."""
    folder = pathlib.Path(folder).resolve()
    for part in [*reversed(folder.parents), folder]:
        info = part.stat()
        if not info.st_mode & stat.S_IXOTH:
            if info.st_uid != 0:
                raise SystemExit(f"{part} is not passable by the class's accounts (o+x) and is not root's")
            part.chmod(stat.S_IMODE(info.st_mode) | stat.S_IXOTH)


def kit_zip(course_root, assignment):
    kit = pathlib.Path(course_root) / "release" / f"{assignment}-kit.zip"
    if not kit.is_file():
        raise SystemExit(f"{kit} is missing: python -m autograder --course {course_root} release {assignment}")
    return kit


def build_env(folder, kit):
    """The students' environment in folder/env (Debian's python3, the kit's pins and wheel,
    jupyterhub for jupyterhub-singleuser) and the kit's configuration; reused when the kit
    it was built from is the same file."""
    env, made_from = folder / "env", folder / "env" / ".kit"
    stamp = f"{kit.name} {kit.stat().st_size} {kit.stat().st_mtime_ns}"
    if made_from.is_file() and made_from.read_text() == stamp:
        return env
    shutil.rmtree(env, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(kit) as z:
            z.extractall(tmp)
        unpacked = next(pathlib.Path(tmp).iterdir())
        subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(env)], check=True)
        subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", "requirements.txt", pin("jupyterhub"), pin("setuptools")], cwd=unpacked, check=True)
        config = folder / "student-config"
        shutil.rmtree(config, ignore_errors=True)
        shutil.copytree(unpacked / "jupyter", config)
    made_from.write_text(stamp)
    return env


def student_config(folder):
    """The kit's student configuration, with the class's exchange and course added."""
    config = folder / "student-config" / "nbgrader_config.py"
    text = config.read_text().split("\n# The class's hub")[0]
    config.write_text(text + "\n# The class's hub (hub/classhub.py): nbgrader's exchange and the course's id.\n"
                      f"c.Exchange.root = {str(folder / 'exchange')!r}\n"
                      f"c.CourseDirectory.course_id = {COURSE_ID!r}\n")


def make_exchange(folder, instructor):
    """nbgrader's exchange: a folder every account may write, as nbgrader documents (`chmod
    ugo+rw`; release_assignment wants 0777), plus the sticky bit, and the course's folder in it
    made for the instructor (0755, as release_assignment makes it). Without them any student
    could rename the course's folder (a folder others may write lets anyone rename what is in
    it) and put one of their own in its place, whose inbound they could list: the class's
    submissions would go to them. nbgrader compares only the 0777 bits, so it keeps both.
    nbgrader makes the course's inbound 0733 (students write, cannot list) and names each
    submission with a random part; feedback 0711, each page named by a hash of a secret."""
    exchange = folder / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)
    course = exchange / COURSE_ID
    course.mkdir(exist_ok=True)
    if course.stat().st_uid != instructor.pw_uid:
        os.chown(course, instructor.pw_uid, instructor.pw_gid)
    course.chmod(0o755)


# What the instructor's copy holds: the course's source and configuration, the packages its
# nbgrader_config.py and `python -m autograder` import, and what a release reads (the pins,
# the project's metadata for the kit's wheel, the student configuration).
INSTRUCTOR_FILES = ("autograder", "solutions", "coursekit", "lab", "course/source", "course/nbgrader_config.py",
                    "pyproject.toml", "requirements.txt", "README.md")


def instructor_course(instructor):
    """~instructor/cnn-course: a copy of this repository's course and packages, theirs
    alone; made only when missing. Its course folder."""
    home = pathlib.Path(instructor.pw_dir)
    copy = home / COURSE_COPY
    if not copy.exists():
        for name in INSTRUCTOR_FILES:
            source, target = PROJECT / name, copy / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "public_cases.bin"))
            else:
                shutil.copy2(source, target)
        give(copy, instructor)
    home.chmod(0o700)
    return copy / "course"


def give(path, user):
    """chown -R path to user (what root made in the instructor's course becomes theirs)."""
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(path)], check=True)


def instructor_config(instructor, folder, course):
    """~instructor/.jupyter/nbgrader_config.py: the course's own configuration (its id, its
    plugins), its folder as nbgrader's course root, the class's exchange, and a collect that
    takes a submission only from a folder its student's account made (admin/exchange.py). nbgrader reads a
    config from the Jupyter paths and the server's folder only, and the formgrader wants the
    course below the server's folder: the server opens the copy, the course is in it."""
    config = pathlib.Path(instructor.pw_dir) / ".jupyter"
    config.mkdir(exist_ok=True)
    (config / "nbgrader_config.py").write_text(
        "# Written by hub/classhub.py: the course's configuration, its folder and the class's exchange.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(course / 'nbgrader_config.py')!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.Exchange.root = {str(folder / 'exchange')!r}\n"
        "c.ExchangeFactory.collect = 'autograder.admin.exchange.OwnedCollect'\n")
    give(config, instructor)


def prepare(folder, instructor, students, port, assignment="01-convolution"):
    """Everything the hub needs in `folder`; the path of the settings the hub's config reads."""
    folder = pathlib.Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o711)                     # others pass through to env/ and exchange/, never list
    reachable(folder)
    teacher = account(instructor)
    for name in students:
        home = pathlib.Path(account(name).pw_dir)
        home.chmod(0o700)                   # a student's work is theirs alone
    course = instructor_course(teacher)
    env = build_env(folder, kit_zip(PROJECT / "course", assignment))   # every kit has the same environment
    student_config(folder)
    make_exchange(folder, teacher)
    instructor_config(teacher, folder, course)
    state = folder / "hub"
    state.mkdir(mode=0o700, exist_ok=True)
    settings = {"folder": str(folder), "env": str(env), "student_config": str(folder / "student-config"),
                "instructor": instructor, "students": list(students), "course": str(course),
                "course_copy": str(course.parent), "port": port, "proxy": str(PROXY)}
    (state / "settings.json").write_text(json.dumps(settings, indent=1))
    return state / "settings.json"


def serve(settings):
    """JupyterHub (this environment's, as root) with hub/jupyterhub_config.py, until stopped."""
    state = pathlib.Path(settings).parent
    os.chdir(state)
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(PROJECT / "hub" / "jupyterhub_config.py")],
              dict(os.environ, CLASSHUB_SETTINGS=str(settings)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=pathlib.Path, required=True, help="the hub's folder (root's)")
    parser.add_argument("--instructor", required=True, help="the instructor's Unix account")
    parser.add_argument("--students", nargs="+", required=True, help="the students' Unix accounts")
    parser.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1")
    parser.add_argument("--prepare-only", action="store_true", help="prepare, do not serve")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("the hub runs as root: it starts each user's server as that user")
    if not PROXY.exists():
        raise SystemExit(f"{PROXY} is missing: `make hub` installs configurable-http-proxy from npm")
    settings = prepare(args.folder, args.instructor, args.students, args.port)
    print(f"hub prepared in {args.folder}", flush=True)
    if not args.prepare_only:
        print(f"serving the class on http://127.0.0.1:{args.port}/", flush=True)
        serve(settings)


if __name__ == "__main__":
    main()
