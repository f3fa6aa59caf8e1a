"""The clean room: one submission graded in a sandboxed kernel under limits.

runner (a grading run's room and one submission's verdict), kernel (the sandboxed Jupyter
kernel), cgroup (limits on its process tree), user (the kernel as an unprivileged user
where no sandbox can start), files (reading a student's files without
trusting them), submission (reading a notebook in any state and deciding what to run).
May import the checks, the sandbox side, autograder.limits and .verdict, and admin.course
(the course folder's layout); never the reports or the rest of course administration.
"""
