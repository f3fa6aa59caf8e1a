"""A class on a real JupyterHub, in Chromium, from release to feedback; then students attack it.

`make hub` (as the README runs it) serves a copy of the repository (tests/labcopy.py) on a free
port of 127.0.0.1, from a folder of its own (mkdtemp), with an instructor and three students
who are real Unix accounts made here (a random suffix in each name) and removed after, with
everything they ran, even when the test fails. Passwords are random; JupyterHub logs each one
in through PAM. Then, as the README's instructor section walks it:

1. the instructor, in Chromium, releases 01 in a terminal of their JupyterLab (`python -m
   autograder release 01-convolution`) and puts it in nbgrader's exchange with the
   formgrader's Release button;
2. each student fetches it in the Assignment List, answers (the model answers; the same with
   conv_forward_naive's bias left out, a known mistake; nothing), presses Validate, and
   submits in the Assignment List;
3. the instructor collects with the formgrader's Collect button; root grades with the
   course's grader (`python -m autograder --course ... grade 01-convolution`, clean-room) and
   gives the course back to the instructor (`chown`); the instructor returns the feedback
   with the formgrader's Release Feedback button (nbgrader's release_feedback);
4. each student fetches their feedback in the Assignment List, opens it and reads it: the
   known mistake's hint is there.

test_no_student_reads_another_submission_or_the_answers then attacks, as each student's
uid, what the hub left: the exchange's inbound and feedback, guessed submission names,
another's home, the instructor's course, `import solutions` in the class's environment.

Needs root (accounts, the spawner), Debian's python3 with venv, npm, Chromium; skips without
them, except on CI (CI=true), where that fails. Screenshots go to the test's tmp_path.
"""
import csv
import json
import os
import pathlib
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
import zipfile
from dataclasses import dataclass, field

import pytest

from accounts import add_account, needs, remove_account, run_as
from chromium import CHROMIUM, CHROMIUM_ARGS, sync_playwright_or_skip
from jupyterlab_page import RUN_MS, Learner
from labcopy import ROOT, answers as http_status, copy_repository, environment, free_port, stop
from model_answers import answer_all_but, solution_blocks

ASSIGNMENT, NOTEBOOK, EXERCISE = "01-convolution", "convolution.ipynb", "conv_forward_naive"
COURSE_ID = "cnn-from-scratch"
EXPECTED_CAUSE = "the bias is missing"
START_SECONDS = 600     # a bound on `make hub` building the class's environment (pip, cached), not a speed test


@dataclass
class Hub:
    copy: pathlib.Path          # the repository copy `make hub` ran in
    folder: pathlib.Path        # the hub's folder
    url: str
    instructor: str
    students: dict              # role -> account name
    passwords: dict
    env: dict                   # the environment root's commands run with
    shots: pathlib.Path
    log: pathlib.Path
    state: dict = field(default_factory=dict)

    def course(self):
        return pathlib.Path(pwd.getpwnam(self.instructor).pw_dir) / "cnn-course" / "course"


def readme_hub_commands():
    """The README's hub commands as written (its ```sh blocks in the hub's section, comments
    out): the accounts, `make hub`, the grading and the chown. The test runs them with its
    own names in place of the README's (teacher; ada bob cy; /srv/cnn-hub; port 8000)."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("**A class on a JupyterHub"):text.index("**Gradescope.**")]
    commands = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", section, re.S | re.M):
        commands += [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]
    return commands


def as_here(command, hub_or_names):
    """A README command with this run's names: the instructor, the students, the folder, the port."""
    instructor, students, folder, port = hub_or_names
    command = re.sub(r"\bteacher\b", instructor, command)
    command = command.replace('"ada bob cy"', '"' + " ".join(students) + '"')
    return command.replace("/srv/cnn-hub", str(folder)).replace("HUB_PORT=8000", f"HUB_PORT={port}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    needs(os.geteuid() == 0, "the hub test needs root: it makes Unix accounts and the hub spawns servers as them")
    needs(shutil.which("useradd") and shutil.which("runuser"), "the hub test needs useradd and runuser")
    needs(os.access("/usr/bin/python3", os.X_OK), "the hub test needs Debian's /usr/bin/python3 (and python3-venv)")
    needs(shutil.which("npm"), "the hub test needs npm (Debian's): `make hub` installs configurable-http-proxy")
    base = tmp_path_factory.mktemp("hub")
    copy = copy_repository(base / "repo")
    env = environment(copy, base / "jupyter-home")
    shots = base / "screenshots"
    shots.mkdir()
    suffix = secrets.token_hex(3)
    instructor = f"cnnteach{suffix}"
    students = {role: f"cnn{role}{suffix}" for role in ("right", "mistake", "blank")}
    folder = pathlib.Path(tempfile.mkdtemp(prefix="cnn-hub-"))
    port = free_port()
    log = base / "make-hub.log"
    names = [instructor, *students.values()]
    process = None
    try:
        passwords = {name: add_account(name) for name in names}
        readme = readme_hub_commands()
        assert readme[0].startswith("useradd -m teacher") and readme[1].startswith("make hub "), readme
        command = as_here(readme[1], (instructor, students.values(), folder, port))
        assert f"INSTRUCTOR={instructor}" in command and f"HUB={folder}" in command, command
        with open(log, "wb") as out:
            process = subprocess.Popen(["bash", "-c", command], cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while http_status(port, "/hub/login") != 200:
            assert process.poll() is None, f"`{command}` exited ({process.returncode}):\n{log.read_text()[-4000:]}"
            assert time.monotonic() < deadline, f"the hub did not answer in {START_SECONDS} s:\n{log.read_text()[-4000:]}"
            time.sleep(1)
        yield Hub(copy, folder, url, instructor, students, passwords, env, shots, log)
    finally:
        if process is not None:
            stop(process)                    # the hub stops the users' servers as it goes
        for name in names:
            remove_account(name)
        shutil.rmtree(folder, ignore_errors=True)


def log_in(browser, hub, user):
    """A fresh browser context, logged in as user on the hub's login page; its page at /lab."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(RUN_MS)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")
    page.wait_for_url(re.compile(f"/user/{user}/lab"), timeout=RUN_MS)
    return page


def in_terminal(page, hub, command, made, seconds=240):
    """File > New > Terminal in the instructor's JupyterLab, type command, and wait until the
    zip it makes is whole (xterm draws its text where the page cannot read it)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^File$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^New$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Terminal$")).click()
    terminal = page.locator(".jp-Terminal:visible .xterm")
    terminal.wait_for()
    page.wait_for_timeout(2000)                     # the shell's prompt
    terminal.click()
    page.keyboard.type(command + "\n")
    deadline = time.monotonic() + seconds
    while not zipfile.is_zipfile(made):             # written to its end
        assert time.monotonic() < deadline, f"`{command}` made no {made} in {seconds} s"
        page.wait_for_timeout(1000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(hub.shots / "teacher-0-release-in-terminal.png"))


def formgrader_action(page, hub, icon, shot):
    """On the formgrader's Manage Assignments page, the button (by its glyphicon) in 01's row;
    the text of the modal it opens (nbgrader's log of the command), which is then closed."""
    page.goto(f"{hub.url}/user/{hub.instructor}/formgrader/manage_assignments")
    row = page.locator("tr", has_text=ASSIGNMENT).first
    row.locator(f".glyphicon-{icon}").click()
    modal = page.locator(".modal.in, .modal:visible").first
    modal.wait_for(timeout=RUN_MS)
    text = modal.inner_text()
    page.screenshot(path=str(hub.shots / f"{shot}.png"))
    modal.locator("button.close").first.click()
    return text


def open_assignment_list(page):
    """Nbgrader > Assignment List (a student's menu: no instructor tool in it); its panel."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
    menu = page.locator(".lm-Menu").last.inner_text()
    for instructor_tool in ("Formgrader", "Course List", "Create assignment"):
        assert instructor_tool not in menu, menu
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Assignment List$")).click()
    return page.locator(".jp-MainAreaWidget:visible", has_text="Released assignments").last


def answers_for(hub):
    """{role: {grade_id: source}}: what each student's notebook holds where it differs from
    the release. The right one has every model answer; the mistake one the same with the
    bias left out of conv_forward_naive (a known mistake, tests/test_browser.py's); the
    blank one nothing."""
    model = solution_blocks(json.loads((hub.copy / "course" / "source" / ASSIGNMENT / NOTEBOOK).read_text()))
    right = model[f"{EXERCISE}_solution"]
    assert "b[c])" in right
    return {"right": model, "mistake": {**model, f"{EXERCISE}_solution": right.replace("b[c])", "0.0)")},
            "blank": {}}


def write_earlier_work(path, answers, user):
    """The student's work before the browser, theirs: every answer but conv_forward_naive's."""
    answer_all_but(path, answers, EXERCISE)
    account = pwd.getpwnam(user)
    os.chown(path, account.pw_uid, account.pw_gid)


def student_answers_and_submits(browser, hub, role, answers):
    """One student: fetch, answer (conv_forward_naive typed in the browser), save, Validate,
    submit. Validate's text."""
    user = hub.students[role]
    page = log_in(browser, hub, user)
    shot = lambda name: page.screenshot(path=str(hub.shots / f"{role}-{name}.png"))   # noqa: E731
    listing = open_assignment_list(page)
    released = listing.locator(".list_item", has_text=ASSIGNMENT).first
    released.locator("button", has_text=re.compile("^Fetch$")).click()
    page.locator("button", has_text=re.compile("^Submit$")).first.wait_for(timeout=RUN_MS)
    shot("1-fetched")
    home = pathlib.Path(pwd.getpwnam(user).pw_dir)
    fetched = home / ASSIGNMENT / NOTEBOOK
    assert fetched.is_file(), f"the Assignment List fetched nothing into {fetched.parent}"
    write_earlier_work(fetched, answers, user)

    page.goto(f"{hub.url}/user/{user}/lab/tree/{ASSIGNMENT}/{NOTEBOOK}")
    learner = Learner(page, hub.shots)
    learner.cell(0).locator(".jp-RenderedMarkdown").wait_for()
    learner.wait_for_kernel()
    if f"{EXERCISE}_solution" in answers:
        index = learner.walk_down_to(f"def {EXERCISE}")
        learner.type_into(index, answers[f"{EXERCISE}_solution"])
        learner.save()
    shot("2-answered")
    validated = learner.validate()
    shot("3-validated")
    learner.close_dialog()

    listing = open_assignment_list(page)
    listing.locator("button", has_text=re.compile("^Submit$")).first.click()
    page.locator(".list_item", has_text=re.compile(r"\d{4}-\d\d-\d\d")).first.wait_for(timeout=RUN_MS)
    shot("4-submitted")
    page.context.close()
    return validated


def student_reads_feedback(browser, hub, role):
    """One student: Fetch Feedback in the Assignment List, (view feedback), open the page: its text."""
    user = hub.students[role]
    page = log_in(browser, hub, user)
    listing = open_assignment_list(page)
    listing.locator("button", has_text="Fetch Feedback").first.click()
    view = page.locator("a", has_text="(view feedback)").first
    view.wait_for(timeout=RUN_MS)
    page.screenshot(path=str(hub.shots / f"{role}-5-feedback-fetched.png"))
    view.click()
    page.locator(".jp-DirListing-item", has_text=NOTEBOOK.replace(".ipynb", ".html")).dblclick()
    frame = page.frame_locator(".jp-MainAreaWidget:visible iframe").first
    body = frame.locator("body")
    body.wait_for(timeout=RUN_MS)
    text = body.inner_text()
    page.screenshot(path=str(hub.shots / f"{role}-6-feedback-read.png"))
    page.context.close()
    return text


def grades(hub):
    with open(hub.course() / "reports" / ASSIGNMENT / "grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def test_a_class_on_the_hub_from_release_to_feedback(hub):
    sync_playwright = sync_playwright_or_skip()
    answers = answers_for(hub)
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            # 1. The instructor's release: in a terminal of their JupyterLab, then the formgrader.
            teacher_page = log_in(browser, hub, hub.instructor)
            in_terminal(teacher_page, hub, f"python -m autograder release {ASSIGNMENT}",
                        hub.course() / "release" / f"{ASSIGNMENT}-kit.zip")
            released = formgrader_action(teacher_page, hub, "cloud-upload", "teacher-1-released")
            assert f"Successfully released '{ASSIGNMENT}'" in released, released

            # 2. Each student: fetch, answer, Validate, submit.
            validated = {role: student_answers_and_submits(browser, hub, role, answers[role])
                         for role in hub.students}

            # 3. Collect (formgrader), grade (root, the course's grader), hand back (formgrader).
            collected = formgrader_action(teacher_page, hub, "cloud-download", "teacher-2-collected")
            assert f"Successfully collected submissions of '{ASSIGNMENT}'" in collected, collected
            names = (hub.instructor, hub.students.values(), hub.folder, None)
            grade, chown = (as_here(command, names) for command in readme_hub_commands()[2:4])
            assert grade.startswith(".venv/bin/python -m autograder --course ~") and chown.startswith("chown -R"), grade
            for command in (grade, chown):          # as the README has root run them, from the repository
                done = subprocess.run(["bash", "-c", command], cwd=hub.copy, env=hub.env, capture_output=True, text=True)
                assert done.returncode == 0, f"{command}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            returned = formgrader_action(teacher_page, hub, "envelope", "teacher-3-feedback-released")
            assert "Successfully released feedback" in returned or "Success" in returned, returned

            # 4. Each student reads their feedback.
            feedback = {role: student_reads_feedback(browser, hub, role) for role in hub.students}
        finally:
            browser.close()
    hub.state["browser_seconds"] = time.monotonic() - started

    assert "Success" in validated["right"], validated["right"]
    assert EXPECTED_CAUSE in " ".join(validated["mistake"].split()), validated["mistake"]
    assert "Success" not in validated["blank"], validated["blank"]
    table = grades(hub)
    scores = {role: table[user] for role, user in hub.students.items()}
    assert float(scores["right"]["score_after_penalty"]) == float(scores["right"]["max_score"]), scores
    assert float(scores["right"]["score_after_penalty"]) > float(scores["mistake"]["score_after_penalty"]) > 0, scores
    assert float(scores["blank"]["score_after_penalty"]) == 0, scores
    assert EXPECTED_CAUSE in " ".join(feedback["mistake"].split()), feedback["mistake"]
    assert EXPECTED_CAUSE not in " ".join(feedback["right"].split()), feedback["right"]
    for role, text in feedback.items():        # each reads their own page
        assert f"Feedback for {hub.students[role]}" in text, text[:500]
    hub.state["class_ran"] = True


def attempt(student, code, env_bin):
    """Python code run as the student (their uid, the class's environment, as their terminal
    or kernel runs it): what it printed, stdout and stderr."""
    done = run_as(student, [str(env_bin / "python"), "-c", code], env={"PATH": f"{env_bin}:/usr/bin:/bin"}, check=False)
    return (done.stdout + done.stderr).strip()


READ = """
import sys
try:
    with open(sys.argv[1] if len(sys.argv) > 1 else {path!r}, "rb") as f:
        print("READ", len(f.read()))
except OSError as error:
    print("REFUSED", type(error).__name__)
"""
LIST = """
import os
try:
    print("LISTED", os.listdir({path!r}))
except OSError as error:
    print("REFUSED", type(error).__name__)
"""


def test_no_student_reads_another_submission_or_the_answers(hub):
    """As each student's uid, in the class's environment: what they must not reach."""
    if not hub.state.get("class_ran"):
        pytest.fail("the class did not run to the end (test_a_class_on_the_hub_from_release_to_feedback)")
    env_bin = hub.folder / "env" / "bin"
    course_root = hub.folder / "exchange" / COURSE_ID
    inbound, feedback = course_root / "inbound", course_root / "feedback"
    submissions = sorted(p.name for p in inbound.iterdir())          # root's view: nbgrader's names
    assert len(submissions) == 3, submissions
    teacher_home = pathlib.Path(pwd.getpwnam(hub.instructor).pw_dir)
    secrets_of_the_course = [hub.course() / "source" / ASSIGNMENT / NOTEBOOK, hub.course() / "gradebook.db",
                             teacher_home / "cnn-course" / "solutions" / "conv.py",
                             hub.course() / "submitted"]
    for role, student in hub.students.items():
        others = [name for name in submissions if not name.startswith(f"{student}+")]
        assert len(others) == 2
        # the inbound and the feedback of the exchange cannot be listed
        for folder in (inbound, feedback):
            assert attempt(student, LIST.format(path=str(folder)), env_bin).startswith("REFUSED"), folder
        for other in others:
            name, assignment, timestamp, random_part = other.split("+")
            # guessed: the name without nbgrader's random part (even with the exact time)
            guess = inbound / f"{name}+{assignment}+{timestamp}" / NOTEBOOK
            assert attempt(student, READ.format(path=str(guess)), env_bin).startswith("REFUSED"), guess
            # another's home, where their fetched notebook and their copy of the submission are
            home = pathlib.Path(pwd.getpwnam(name).pw_dir)
            for target in (home / ASSIGNMENT / NOTEBOOK, home):
                said = attempt(student, (LIST if target == home else READ).format(path=str(target)), env_bin)
                assert said.startswith("REFUSED"), (target, said)
        # the answers: the instructor's course and copy, and the reference in the kernel's environment
        for target in secrets_of_the_course:
            said = attempt(student, (LIST if target.is_dir() else READ).format(path=str(target)), env_bin)
            assert said.startswith("REFUSED"), (target, said)
        for module in ("solutions", "autograder"):
            said = attempt(student, f"import {module}", env_bin)
            assert "ModuleNotFoundError" in said, (module, said)
        # the course's folder in the exchange can be neither renamed nor replaced (a student
        # who could would receive the class's submissions), nor can the release be changed
        taken = hub.folder / "exchange" / f"{COURSE_ID}-taken-by-{student}"
        said = attempt(student, f"import os; os.rename({str(course_root)!r}, {str(taken)!r})", env_bin)
        assert "PermissionError" in said and course_root.is_dir() and not taken.exists(), said
        said = attempt(student, f"import os; os.mkdir({str(course_root / 'outbound' / 'planted')!r})", env_bin)
        assert "PermissionError" in said, said
        # nothing of theirs is writable by another student in the exchange's outbound (the release)
        said = attempt(student, f"open({str(course_root / 'outbound' / ASSIGNMENT / NOTEBOOK)!r}, 'a')", env_bin)
        assert "PermissionError" in said, said
