"""nbgrader's configuration on the student's side (Validate, the assignment list).

Found through JUPYTER_CONFIG_PATH, which `make lab` points at this folder; without a file of
this name nbgrader warns "No nbgrader_config.py file found" each time Validate runs. The
defaults suit a learner; a class that uses nbgrader's exchange sets its course here, e.g.
c.CourseDirectory.course_id = "cnn-from-scratch".
"""
c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
