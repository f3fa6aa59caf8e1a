"""Course administration: the nbgrader course and the jobs an instructor runs on it.

course (the course folder and nbgrader's API), public (the visible tests' data, made at
release), classroom (a whole class graded in parallel, the gradebook), gradescope (the
bundle and its run), demo (the demo class). May import every other package of autograder.
"""
