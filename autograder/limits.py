"""Every limit a submission is graded under, in one place (sizes in bytes, times in seconds)."""
from dataclasses import dataclass

MiB, GiB = 2**20, 2**30


@dataclass(frozen=True)
class Limits:
    """What one submission may use. The CLI's options and the runner read these defaults."""
    cell_seconds: float = 60.0            # CPU time one cell may use before it is interrupted
    wall_factor: float = 3.0              # ... and wall-clock time, as a multiple of that
    case_seconds: float = 20.0            # one case of a check, inside the kernel
    check_start_seconds: float = 10.0     # a check's cell beyond its cases' time (its set-up)
    outcomes_seconds: float = 10.0        # waiting for a check's outcomes on the pipe once its cell ended
    submission_seconds: float = 900.0     # wall clock for the whole submission
    memory_bytes: int = 4 * GiB           # all of the kernel's processes together (and each one's address space)
    disk_bytes: int = 256 * MiB           # the kernel's working folder, and its /tmp, each (held in memory)
    file_bytes: int = 256 * MiB           # the largest file the kernel may write
    ipc_bytes: int = 1 * MiB              # the kernel's socket folder (five sockets; held in memory)
    processes: int = 64                   # processes and threads of the kernel
    output_bytes: int = 2 * MiB           # output kept per cell; more is counted and dropped
    message_bytes: int = 16 * MiB         # the largest message accepted from the kernel (output, a plot)
    result_bytes: int = 64 * MiB          # the results of one check the grader holds at once
    worker_memory_bytes: int = 2 * GiB    # the grading worker's address space: a decoding mistake costs one submission
    restarts: int = 4                     # kernel restarts per submission (a cell that died runs once more)
    threads: int = 1                      # BLAS threads per kernel (workers share the cores)
    notebook_bytes: int = 64 * MiB        # the submitted notebook, outputs included
    notebook_cells: int = 2_000           # ... its cells
    notebook_chars: int = 4_000_000       # ... all its cells' sources together
    matched_cell_chars: int = 100_000     # a larger cell is matched to the source by its keys only
    submission_files_bytes: int = 50 * MiB    # the submission's other files, together
    submission_files: int = 1000          # ... and how many
    build_seconds: float = 5.0            # deciding what to run from the notebook

    @property
    def cell_wall_seconds(self):
        return self.cell_seconds * self.wall_factor

    def check_seconds(self, cases):
        """CPU time of the cell that runs a check of `cases` cases."""
        return self.case_seconds * cases + self.check_start_seconds


# The self-check (`check`) grades a learner's own notebook: an endless loop gives up in seconds.
SELF_CHECK = Limits(cell_seconds=15.0, case_seconds=5.0)
