"""The kernel's program (run as `python -c <this file's text>`): ipykernel, with its printing paced.

ipykernel keeps what a cell prints in memory until its output thread sends it, every
0.2 s. A cell that prints faster than that, or starves that thread, piles its output up
in the kernel's memory (a string and its copies for the message) until the kernel is
killed for its memory and the output is lost. Paced, a stream sends what waits once
PACE_CHARACTERS have piled up and waits for the sending: the printing goes at the pace
the output can leave, and the kernel holds at most about that much of it.
"""
from ipykernel import iostream, kernelapp

PACE_CHARACTERS = 2**20


class PacedOutStream(iostream.OutStream):
    """sys.stdout and sys.stderr of the kernel, paced as the module says."""

    waiting = 0                 # characters written since the last paced send

    def write(self, text):
        written = super().write(text)
        self.waiting += len(text)
        if self.waiting >= PACE_CHARACTERS:
            self.waiting = 0
            self.flush()        # from a cell's thread: hands the send to the output thread and waits
        return written


if __name__ == "__main__":
    kernelapp.launch_new_instance(outstream_class=f"{__name__}.{PacedOutStream.__name__}")
