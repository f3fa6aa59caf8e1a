"""nbgrader's collect for an exchange that a class's Unix accounts share (a hub).

Every account may write the course's inbound, and nbgrader takes the student's id from a
submission folder's name, so stock `collect` lets a student submit in another's name (a
later folder named `<other>+<assignment>+<time>+...` wins; nbgrader only logs a warning), and
copies whatever a folder holds, following its links (a link to /dev/zero fills the
instructor's disk). OwnedCollect takes each student's latest folder that their own account
owns, and copies it as the grader reads every file a student controls
(cleanroom/files.py): no link followed, regular files only, bounded by the limits a
submission is graded under. The hub's instructor configuration selects it
(`c.ExchangeFactory.collect`, hub/classhub.py).
"""
import fnmatch
import os
import pathlib
import pwd
import stat

from nbgrader.exchange.default.collect import ExchangeCollect

from ..cleanroom.files import Refused, list_folder, open_folder, read_relative
from ..limits import Limits


def owned_by(path, username):
    """True when `path` is a folder (not a link) whose owner is the Unix account `username`."""
    try:
        info = os.lstat(path)
        return stat.S_ISDIR(info.st_mode) and info.st_uid == pwd.getpwnam(username).pw_uid
    except (OSError, KeyError):
        return False


def copy_submission(source, dest, ignore=(), limits=Limits()):
    """Copy the submission folder `source` to `dest` (made here): its regular files, read
    without following a link, but those with a part of their path matching a pattern of
    `ignore` (fnmatch), at most limits.submission_files of them and limits.notebook_bytes +
    limits.submission_files_bytes in all. Returns what was left out for a reason other than
    `ignore`, as sentences ([] when nothing was)."""
    source, dest = pathlib.Path(source), pathlib.Path(dest)
    fd = open_folder(source.parent, [source.name])
    try:
        dest.mkdir(parents=True, exist_ok=True)
        listing = list_folder(fd, limits.submission_files)
        left_out, budget = list(listing.notes), limits.notebook_bytes + limits.submission_files_bytes
        for relative in listing.notebooks + listing.others:
            if any(fnmatch.fnmatch(part, pattern) for part in pathlib.PurePath(relative).parts for pattern in ignore):
                continue
            try:
                data = read_relative(fd, relative, budget)
            except Refused as why:
                left_out.append(f"{relative} was left out: {why}")
                continue
            budget -= len(data)
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return left_out
    finally:
        os.close(fd)


class OwnedCollect(ExchangeCollect):
    """nbgrader's collect, taking only folders the named student owns, copied safely."""

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        record["owned"] = owned_by(path, record["username"])
        if not record["owned"]:
            self.log.warning(f"Not collected: {record['filename']} is named after {record['username']}, "
                             f"whose account did not make it (another account did, or it is a link)")
        return record

    def _sort_by_timestamp(self, records):
        # nbgrader takes the first: the latest folder the student owns, never one made by another
        return sorted(records, key=lambda item: (item["owned"], item["timestamp"]), reverse=True)

    def copy_files(self):
        self.src_records = [record for record in self.src_records if record["owned"]]
        super().copy_files()

    def do_copy(self, src, dest, log=None):
        for sentence in copy_submission(src, dest, ignore=self.coursedir.ignore):
            self.log.warning(f"{pathlib.Path(src).name}: {sentence}")
