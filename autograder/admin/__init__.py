"""Course administration: the nbgrader course and the jobs an instructor runs on it.

course (the course folder and nbgrader's API), public (the visible tests' data, made at
release), kit (a kit per assignment for a class, and the self-study kit), classroom (a whole class graded in parallel), cluster
(the same on a dask cluster), review (the gradebook both ways and the autograded notebooks
the formgrader opens), late (due dates and late penalties), handback (what nbgrader's
release_feedback needs beside a feedback page), exchange (nbgrader's collect on a hub's shared
exchange: each student's own folder, copied without links), export (the gradebook to Canvas and a
roster: nbgrader export plugins), gradescope (an assignment's bundle and its run), similarity (who
copied: pairs of students ranked by how alike their answers are), classbuilder, demo and
copied (a class to grade: the demo's, its pair who copied, the tests'). May import every
other package of autograder.
"""
