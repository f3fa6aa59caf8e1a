# Course package: one command per job. `make test` sets itself up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# The real MNIST files: $COURSE_DATA_DIR when set, else the shared folder beside the repository.
SHARED_DATA := $(abspath ../shared/data)
COURSE_DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)/mnist),$(SHARED_DATA))
export COURSE_DATA_DIR := $(if $(COURSE_DATA_DIR),$(abspath $(COURSE_DATA_DIR)))

.PHONY: setup sandbox browser debootstrap proxy hub lab book check release grade formgrader gradescope test prove demo bench train train-fashion clean

# The environment: .venv from the pins, the project installed editable.
setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e . --config-settings editable_mode=compat
	touch $(STAMP)

# $(call apt_install,COMMAND,PACKAGE,WHAT IS LOST): Debian's PACKAGE, installed as root when
# COMMAND is missing (apt-get update only when the first try fails); else say what is lost.
define apt_install
@command -v $(1) >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
  { apt-get install -y -q $(2) >/dev/null 2>&1 || { apt-get update -q >/dev/null && \
    apt-get install -y -q $(2) >/dev/null; }; }; } || \
  echo "$(2) is not installed: $(3)"
endef

# The grader runs each submission inside bubblewrap (Debian's package) when it is there.
sandbox:
	$(call apt_install,bwrap,bubblewrap,submissions will run without the clean-room sandbox)

# tests/test_browser.py drives Debian's Chromium (no browser is downloaded).
browser:
	$(call apt_install,chromium,chromium,the browser test will skip (on CI it fails))

# tests/test_gradescope.py builds a fresh Debian root with Debian's debootstrap, as Gradescope builds an image.
debootstrap:
	$(call apt_install,debootstrap,debootstrap,the Gradescope image test will skip (on CI it fails))

# JupyterHub's proxy, configurable-http-proxy from npm (Debian's nodejs), in build/hub-proxy.
PROXY_VERSION := 5.3.0
PROXY := build/hub-proxy/node_modules/.bin/configurable-http-proxy
proxy: $(PROXY)

$(PROXY):
	$(call apt_install,npm,npm,the hub cannot start (make hub))
	npm install --prefix build/hub-proxy --no-save --no-audit --no-fund --loglevel=error \
	  configurable-http-proxy@$(PROXY_VERSION)

# A class's JupyterHub on 127.0.0.1:$(HUB_PORT), as root: INSTRUCTOR and STUDENTS are existing
# Unix accounts; the students' environment is 01's kit's (hub/classhub.py says what goes where).
HUB ?= /srv/cnn-hub
HUB_PORT ?= 8000
hub: $(STAMP) $(PROXY) sandbox
	@test -n "$(INSTRUCTOR)" -a -n "$(STUDENTS)" || { echo "usage: make hub INSTRUCTOR=teacher" \
	  "STUDENTS=\"ada bob cy\" [HUB=/srv/cnn-hub HUB_PORT=8000]" >&2; exit 2; }
	test -f course/release/01-convolution-kit.zip || $(BIN)/python -m autograder release 01-convolution
	$(BIN)/python hub/classhub.py --folder "$(HUB)" --port $(HUB_PORT) --instructor $(INSTRUCTOR) --students $(STUDENTS)

# The student release of ASSIGNMENT, course/release/<NN-topic>/ (nbgrader generate_assignment), and its
# kit, course/release/<NN-topic>-kit.zip; refused while it would show answers still due (ARGS=--before-deadlines).
release: $(STAMP)
	$(BIN)/python -m autograder release $(ASSIGNMENT) $(ARGS)

# Self-study: release the whole course (self-study-kit.zip: it shows earlier answers), copy it into workspace/ (your copies: a notebook there is
# never overwritten) and open notebook 01 in JupyterLab on 127.0.0.1:$(PORT). lab/self-study, then
# lab/jupyter, come first on the config path (student tools only, and no Assignment List: there is no
# exchange to fetch from); the kernel is this environment's.
PORT ?= 8888
FIRST_NOTEBOOK := $(patsubst course/source/%,%,$(firstword $(sort $(wildcard course/source/*/*.ipynb))))
# A browser is opened only where there is one to open (a display, or macOS).
NO_BROWSER = $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)
# Jupyter refuses to run as root unless told (containers, CI).
AS_ROOT = $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)

lab: $(STAMP)
	$(BIN)/python -m autograder release --self-study
	$(BIN)/python lab/workspace.py course/release workspace
	JUPYTER_CONFIG_PATH="$(CURDIR)/lab/self-study:$(CURDIR)/lab/jupyter" JUPYTER_PREFER_ENV_PATH=1 $(BIN)/python -m jupyterlab \
	  --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir=workspace \
	  --LabApp.default_url=/lab/tree/$(FIRST_NOTEBOOK) $(NO_BROWSER) $(AS_ROOT)

# The course as a website: the source notebooks solved and executed (cached until they change),
# in build/book/html; the last line printed is its index.html. QUICK=1 trains for seconds
# (build/book-quick: the accuracy shown is not the real one).
book: $(STAMP)
	$(BIN)/python book/build.py $(if $(QUICK),--quick) --lab-port $(PORT)

# Grade one notebook against the hidden tests: points and hints per exercise.
check: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make check NB=path/to/notebook.ipynb" \
	  "(e.g. NB=workspace/01-convolution/convolution.ipynb)" >&2; exit 2; }
	$(BIN)/python -m autograder check "$(NB)"

# Grade every submission in course/submitted/, clean-room: make grade WORKERS=2 ARGS="--seed 7"
grade: $(STAMP) sandbox
	$(BIN)/python -m autograder grade $(if $(WORKERS),--workers $(WORKERS)) $(ARGS)

# The instructor's review: nbgrader's formgrader in JupyterLab over COURSE (course/ by default;
# COURSE=demo/course after make demo), on 127.0.0.1:$(PORT). nbgrader runs the venv's alembic.
COURSE ?= course
formgrader: $(STAMP)
	cd "$(COURSE)" && PATH="$(CURDIR)/$(BIN):$$PATH" JUPYTER_PREFER_ENV_PATH=1 "$(CURDIR)/$(BIN)/python" -m jupyterlab \
	  --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --LabApp.default_url=/formgrader $(NO_BROWSER) $(AS_ROOT)

# autograder-$(ASSIGNMENT).zip, one Gradescope assignment's autograder.
gradescope: $(STAMP)
	@test -n "$(ASSIGNMENT)" || { echo "usage: make gradescope ASSIGNMENT=01-convolution" >&2; exit 2; }
	$(BIN)/python -m autograder gradescope "$(ASSIGNMENT)"

test: $(STAMP) sandbox browser debootstrap proxy
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory prove

# Prove the grader: the bank of buggy and alternative answers, and the hostile class.
# ARGS narrows it, e.g. make prove ARGS="--only conv_forward --verbose --bank-only"
prove: $(STAMP) sandbox
	$(BIN)/python -m autograder.proof $(ARGS)

# The main job: build a demo class offline, grade it, print the class table (a few minutes).
demo: $(STAMP) sandbox
	$(BIN)/python -m autograder.admin.demo --folder demo

# Speed of the reference layers against the naive loops (and torch when installed).
bench: $(STAMP)
	$(BIN)/python bench/layers.py

# Train the reference CNN on full MNIST (about 4 minutes on 2 cores): reports/train_mnist.json
# ARGS adds options (make train ARGS=--help lists them).
train: $(STAMP)
	$(BIN)/python -m solutions.train --dataset mnist $(ARGS)

# Fashion-MNIST overfits sooner: a faster-decaying rate over 10 epochs (91.24% measured).
train-fashion: $(STAMP)
	$(BIN)/python -m solutions.train --dataset fashion-mnist --epochs 10 --decay 0.5 --decay-every 2

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis *.egg-info
