"""The learner's own copies of the released notebooks: course/release/ -> workspace/.

    python lab/workspace.py [RELEASE] [WORKSPACE]      (defaults: course/release, workspace)

Every file of every release folder (<NN-topic>/) is copied to the same place in the
workspace, with one exception that protects the learner's work: a notebook already in the
workspace is never overwritten. Running it again therefore keeps every notebook the learner
has touched, adds the notebooks that are new in the course (one line each says so), and
refreshes the other files (the data the notebooks read), which are the course's, not the
learner's. `make lab` runs it after the release.
"""
import pathlib
import shutil
import sys


def update_workspace(release, workspace):
    """Copy the release into the workspace as described above; return the notebooks added."""
    release, workspace = pathlib.Path(release), pathlib.Path(workspace)
    added = []
    for source in sorted(release.rglob("*")):
        if not source.is_file() or ".ipynb_checkpoints" in source.parts or source.parent == release:
            continue                     # the release folders' files only (not the student kit beside them)
        target = workspace / source.relative_to(release)
        if source.suffix == ".ipynb" and target.exists():
            continue                     # the learner's own work: never replaced
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)  # contents only: the learner may edit the copy
        if source.suffix == ".ipynb":
            added.append(target)
    return added


def main(argv):
    release = pathlib.Path(argv[0] if argv else "course/release")
    workspace = pathlib.Path(argv[1] if len(argv) > 1 else "workspace")
    if not any(release.glob("*/*.ipynb")):
        print(f"{release} holds no released notebook: release the course first (`python -m autograder "
              f"release --self-study`, which `make lab` runs)", file=sys.stderr)
        return 1
    for notebook in update_workspace(release, workspace):
        print(f"added {notebook} (new in the course)")
    kept = sorted(workspace.glob("*/*.ipynb"))
    print(f"{workspace}/: {len(kept)} notebooks, yours to edit (a notebook there is never overwritten)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
