"""What runs beside student code, inside the sandbox: the kernel's program, the harness and
their protocol.

A leaf: it imports the standard library, numpy, coursekit and ipykernel only (the kernel sees
nothing else), never the rest of autograder; tests/test_layout.py enforces it. The grader copies this
package into each kernel's read-only folder (protocol.SANDBOX_PACKAGE).
"""
