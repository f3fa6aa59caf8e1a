"""autograder's packages import only what their docstrings allow: the sandbox side is a leaf
(it runs beside student code, where nothing else of the grader exists), and no package below
another imports it."""
import ast
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "autograder"

# package -> what of autograder it must never import (by dotted prefix)
FORBIDDEN = {
    "sandbox": ("autograder.",),
    "checks": ("autograder.cleanroom", "autograder.reports", "autograder.admin", "autograder.proof",
               "autograder.__main__"),
    "cleanroom": ("autograder.reports", "autograder.admin.classroom", "autograder.admin.gradescope",
                  "autograder.admin.demo", "autograder.admin.public", "autograder.proof", "autograder.__main__"),
    "reports": ("autograder.checks", "autograder.sandbox", "autograder.cleanroom", "autograder.admin",
                "autograder.proof", "autograder.__main__", "autograder.limits"),
}
# __main__: the notebook's namespace; ipykernel: the kernel's program (launcher.py)
SANDBOX_ALLOWED = {"numpy", "coursekit", "__main__", "ipykernel"}


def imports(path, package=None):
    """The absolute names of what a file of `package` (found from its path when None) imports,
    relative imports resolved: each module, and each name imported from it."""
    package = package or ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def modules(package):
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_it_must_not(package):
    found = {f"{path.relative_to(ROOT)}: {name}" for path in modules(package) for name in imports(path)
             if name.startswith(FORBIDDEN[package]) and not name.startswith(f"autograder.{package}")}
    assert not found


def test_the_sandbox_side_needs_only_the_standard_library_numpy_and_coursekit():
    outside = {f"{path.name}: {name}" for path in modules("sandbox") for name in imports(path)
               if name.split(".")[0] not in sys.stdlib_module_names | SANDBOX_ALLOWED
               and not name.startswith("autograder.sandbox")}
    assert not outside


def test_relative_imports_are_resolved_so_a_forbidden_one_is_seen(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from ..checks import CHECKS\nfrom . import protocol\nimport numpy.linalg\n")
    assert imports(probe, "autograder.sandbox") == ["autograder.checks", "autograder.checks.CHECKS",
                                                    "autograder.sandbox", "autograder.sandbox.protocol",
                                                    "numpy.linalg"]
