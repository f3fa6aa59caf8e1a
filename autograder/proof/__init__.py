"""Evidence that the grader is right: a bank of student answers (bugs and alternative
correct styles) played through the checks, and a hostile class graded by the runner.
`make prove` (python -m autograder.proof) runs both and prints the scores."""
