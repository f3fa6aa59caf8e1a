"""Reading a student's files without trusting them: no link is followed, nothing but a
regular file is opened, and every read stops at a bound."""
import os
import stat
from dataclasses import dataclass, field

NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Refused(Exception):
    """The submission's files cannot be read as they are; the message says why."""


def open_folder(trusted, parts):
    """A descriptor of trusted/parts[0]/parts[1]/...: trusted is the instructor's folder,
    each part is opened without following a link. Refused when one is missing or a link."""
    return _descend(os.open(trusted, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), parts)


def _descend(fd, parts):
    """The folder parts[0]/parts[1]/... below the open folder fd (which this closes)."""
    try:
        for part in parts:
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            except FileNotFoundError:
                raise Refused(f"no folder {part}") from None
            except OSError:
                raise Refused(f"{part} is not a folder (a link or a file)") from None
            os.close(fd)
            fd = inner
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_file(folder_fd, name, limit):
    """The bytes of the regular file `name` in the folder, at most `limit` of them;
    Refused when it is a link, not a regular file, or larger."""
    try:
        fd = os.open(name, NO_FOLLOW, dir_fd=folder_fd)
    except OSError as error:
        raise Refused(f"{name} cannot be opened ({error.strerror}; links are not followed)") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(f"{name} is not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{name} is larger than {limit // 2**20} MB")
    return data


@dataclass
class Listing:
    """A submission folder's notebooks (top level) and other files, as relative paths."""
    notebooks: list = field(default_factory=list)
    others: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def list_folder(folder_fd, max_files):
    """The regular files below a folder, links and special files left out (and noted),
    at most max_files of them."""
    listing = Listing()
    skipped = 0
    for top, dirs, names, dir_fd in os.fwalk(".", dir_fd=folder_fd, follow_symlinks=False):
        links = [name for name in dirs if stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)]
        skipped += len(links)
        dirs[:] = sorted(set(dirs) - set(links))
        for name in sorted(names):
            relative = os.path.normpath(os.path.join(top, name))
            mode = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
            if not stat.S_ISREG(mode):
                skipped += 1
            elif len(listing.notebooks) + len(listing.others) >= max_files:
                listing.notes.append(f"the submission has more than {max_files} files; the rest were left out")
                return listing
            elif top == "." and name.endswith(".ipynb"):
                listing.notebooks.append(relative)
            else:
                listing.others.append(relative)
    if skipped:
        listing.notes.append(f"{skipped} links or special files in the submission were left out")
    return listing


def read_relative(folder_fd, relative, limit):
    """read_file for a path below the folder, each folder on the way opened without links."""
    *parts, name = relative.split("/")
    inner = _descend(os.dup(folder_fd), parts)
    try:
        return read_file(inner, name, limit)
    finally:
        os.close(inner)
