"""Reading a student's files without trusting them: no link is followed, nothing but a
regular file is opened, and every read stops at a bound."""
import errno
import os
import stat
from dataclasses import dataclass, field

NO_FOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Refused(Exception):
    """The submission's files cannot be read as they are; the message says why."""


class Missing(Refused):
    """The file (or a folder on its way) does not exist."""


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
                raise Missing(f"no folder {part}") from None
            except OSError:
                raise Refused(f"{part} is not a folder (a link or a file)") from None
            os.close(fd)
            fd = inner
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_file(folder_fd, name, limit):
    """The bytes of the regular file `name` in the open folder folder_fd, at most `limit` of
    them (read_submitted); Refused when it is missing, a link, not a regular file, or larger."""
    return read_submitted(folder_fd, name, limit)


def _size_text(size):
    """A number of bytes for people: "1000 bytes", "64 MB"."""
    return f"{size // 2**20} MB" if size >= 2**20 else f"{size} bytes"


def read_submitted(folder_fd, relative, limit, text=False, nonempty=False):
    """What a submission holds at `relative` (a path with "/" between its parts) below the open
    folder folder_fd: the one routine by which the grader reads a file a student controls.

    Each folder on the way is opened without following a link; the file is opened only when
    it is a regular file of at most limit bytes (a link, a folder, a FIFO or a device never
    is), without following a link and with O_NONBLOCK (one swapped in meanwhile never blocks
    the grader), checked again once open, and at most limit + 1 bytes of it are read.
    Returns bytes, or with text=True a str decoded strictly as UTF-8 (a leading byte-order
    mark dropped). Refused with the reason, for people, when it is a link, a folder, a FIFO
    or another special file, larger than limit, replaced while read, empty or white space
    only (with nonempty) or (with text) not UTF-8; Missing (a Refused) when it or a folder on
    its way does not exist.
    """
    *parts, name = relative.split("/")
    if any(part in ("", ".", "..") for part in [*parts, name]):
        raise Refused(f"{relative!r} is not a path inside the submission")
    inner = _descend(os.dup(folder_fd), parts)
    try:
        try:
            seen = os.stat(name, dir_fd=inner, follow_symlinks=False)    # nothing but a regular file is opened
        except FileNotFoundError:
            raise Missing(f"there is no {relative}") from None
        except OSError as error:
            raise Refused(f"{relative} cannot be read ({error.strerror})") from None
        _refuse_unless_regular(relative, seen, limit)
        try:
            fd = os.open(name, NO_FOLLOW, dir_fd=inner)
        except OSError as error:
            why = "it is a link" if error.errno == errno.ELOOP else error.strerror
            raise Refused(f"{relative} cannot be opened ({why}; links are not followed)") from None
    finally:
        os.close(inner)
    try:
        info = os.fstat(fd)
        _refuse_unless_regular(relative, info, limit)
        if (info.st_dev, info.st_ino) != (seen.st_dev, seen.st_ino):
            raise Refused(f"{relative} was replaced while it was read")
        chunks, size = [], 0
        while size <= limit:
            try:
                chunk = os.read(fd, min(limit + 1 - size, 2**20))
            except OSError as error:
                raise Refused(f"{relative} cannot be read ({error.strerror})") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:                                 # it grew while it was read
        raise Refused(f"{relative} is larger than {_size_text(limit)}")
    data = b"".join(chunks)
    if nonempty and not data.strip():
        raise Refused(f"{relative} is empty")
    if not text:
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(f"{relative} is not UTF-8 text (byte {error.start} is 0x{data[error.start]:02x})") from None


_KINDS = {stat.S_IFREG: "", stat.S_IFDIR: "a folder", stat.S_IFIFO: "a FIFO (a named pipe)",
          stat.S_IFLNK: "a link (links are not followed)"}


def _refuse_unless_regular(relative, info, limit):
    """Refused unless the os.stat_result `info` is a regular file of at most limit bytes."""
    kind = _KINDS.get(stat.S_IFMT(info.st_mode), "a special file (a socket or a device)")
    if kind:
        raise Refused(f"{relative} is {kind}, not a regular file")
    if info.st_size > limit:
        raise Refused(f"{relative} is larger than {_size_text(limit)} ({_size_text(info.st_size)})")


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
    """read_file for a path below the folder (read_submitted), each folder on the way opened
    without links."""
    return read_submitted(folder_fd, relative, limit)
