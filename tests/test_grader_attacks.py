"""Issue 9's attacks on `adam-teach grade`, each a hostile submission of exercise 03
(tests/corpus/attacks.py), graded with correct classmates in one `--jobs 2` batch, in the
default mode (bubblewrap, as root) and in the throwaway-uid fallback. Each attack must gain
nothing, harm no classmate, and leave no process behind (looked up in /proc)."""

import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from adam_teach.answer_key import ASSIGNMENTS
from adam_teach.grading.sandbox import isolation
from grading_support import COURSE, MODES, NEEDS_ROOT, ROOT, feedback_of, grade, item_scores, results_of

sys.path.insert(0, str(ROOT / "tests" / "corpus"))
import attacks  # noqa: E402
from build_corpus import WRONG_STEP, fill  # noqa: E402

FULL = sum(item.points for item in ASSIGNMENTS["03_adam"].items)
MARKER = f"adam-teach-attack-{os.getpid()}"
VICTIMS = ["victim_1", "victim_2", "victim_3"]
AFTER = 4  # seconds to wait after the grader has exited, for a surviving process to strike


@pytest.fixture
def open_inbox():
    """A folder every user can enter (pytest's own are closed to other users)."""
    folder = Path(tempfile.mkdtemp(prefix="adam-teach-inbox-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def released():
    return json.loads((COURSE / "exercises" / "03_adam.ipynb").read_text(encoding="utf-8"))


def add_victims(folder, names=VICTIMS):
    for name in names:
        shutil.copy(ROOT / "solutions" / "03_adam.ipynb", Path(folder) / f"{name}.ipynb")


def leftovers():
    """Live processes (not zombies) an attack left: with MARKER in their command line, or
    running as a throwaway uid."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            status = dict(line.split(":", 1) for line in Path(f"/proc/{entry}/status").read_text().splitlines()
                          if ":" in line)
        except OSError:
            continue
        if status["State"].strip()[0] in "ZX":
            continue
        if MARKER.encode() in cmdline or int(status["Uid"].split()[0]) >= isolation.FIRST_THROWAWAY_UID:
            found.append((int(entry), cmdline[:200]))
    return found


def files_left():
    """Files of throwaway uids in the folders every user can write."""
    found = []
    for folder in filter(os.path.isdir, ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue")):
        for entry in os.scandir(folder):
            try:
                if entry.stat(follow_symlinks=False).st_uid >= isolation.FIRST_THROWAWAY_UID:
                    found.append(entry.path)
            except OSError:
                pass
    return found


def package_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "adam_teach").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module", params=MODES)
def batch(request, tmp_path_factory):
    """Every attack and three correct classmates, graded in one --jobs 2 batch; then a
    wait, for anything left behind to strike; then a second, separate batch of one
    correct classmate and one untouched exercise."""
    mode = request.param
    inbox, out = tmp_path_factory.mktemp("inbox"), tmp_path_factory.mktemp("out")
    attacks.build(inbox, released(), MARKER)
    add_victims(inbox)
    before = package_digest()
    done = grade(inbox, "--out", out, "--jobs", "2", "--timeout", "10", isolation=mode)
    left_at_exit, files_at_exit = leftovers(), files_left()
    time.sleep(AFTER)
    later_inbox, later_out = tmp_path_factory.mktemp("later_inbox"), tmp_path_factory.mktemp("later_out")
    add_victims(later_inbox, ["later_victim"])
    shutil.copy(COURSE / "exercises" / "03_adam.ipynb", later_inbox / "untouched.ipynb")
    later = grade(later_inbox, "--out", later_out, "--jobs", "2", isolation=mode)
    return {"mode": mode, "done": done, "out": out, "left_at_exit": left_at_exit, "left_later": leftovers(),
            "files_at_exit": files_at_exit, "files_later": files_left(),
            "digest_before": before, "digest_after": package_digest(), "later": later, "later_out": later_out}


def test_the_batch_ends_well_in_the_mode_asked_for(batch):
    done, out = batch["done"], batch["out"]
    assert done.returncode == 0, done.stderr
    assert f"isolation mode {batch['mode']}" in done.stdout
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == len(attacks.attacks(MARKER)) + len(VICTIMS)
    assert {row["isolation"] for row in rows} == {batch["mode"]}


def test_no_process_is_left_behind(batch):
    assert batch["left_at_exit"] == []
    assert batch["left_later"] == []


def test_no_file_is_left_in_the_shared_temporary_folders(batch):
    """attack_plants_glob writes glob.py, numpy.py and inspect.py wherever it can: in the
    uid mode that includes the machine's /tmp, where they would break anyone's script run
    from there; the grader removes them with the submission."""
    assert batch["files_at_exit"] == []
    assert batch["files_later"] == []


@pytest.mark.parametrize("victim", VICTIMS)
def test_no_classmate_is_harmed(batch, victim):
    """Not while the attacks ran (killing everyone, planting glob.py) nor after the grader
    had exited (the detached rewriter)."""
    out = batch["out"]
    assert results_of(out, victim)["score"] == FULL, feedback_of(out, victim)
    assert "hacked" not in feedback_of(out, victim)
    rows = {row["submission"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows[victim]["total"]) == FULL


def test_a_later_separate_run_is_not_harmed(batch):
    assert batch["later"].returncode == 0, batch["later"].stderr
    assert results_of(batch["later_out"], "later_victim")["score"] == FULL
    assert results_of(batch["later_out"], "untouched")["score"] == 0


@pytest.mark.parametrize("name", sorted(attacks.attacks(MARKER)))
def test_the_attack_gains_nothing(batch, name):
    out = batch["out"]
    assert results_of(out, name)["score"] == 0, feedback_of(out, name)
    rows = {row["submission"]: row for row in csv.DictReader((out / "gradebook.csv").open(encoding="utf-8"))}
    assert float(rows[name]["total"]) == 0


def test_the_answer_key_is_out_of_reach(batch):
    feedback = feedback_of(batch["out"], "attack_imports_answer_key")
    assert "answer key not importable" in feedback and "old answer key not importable" in feedback
    assert "answer key files:" not in feedback.replace("answer key files: []", "")


def test_wrapping_the_course_optimizer_earns_nothing_and_says_why(batch):
    out = batch["out"]
    assert item_scores(out, "attack_wraps_course_optimizer") == {"adam_step": 0, "run_adam": 0}
    results = results_of(out, "attack_wraps_course_optimizer")
    for test in results["tests"]:
        assert "it called a ready-made implementation (adam_teach.optimizers" in test["output"]
        assert "asks you to write" in test["output"]


def test_a_classmates_notebook_and_the_solutions_cannot_be_read(batch):
    """In the uid mode the inbox is out of reach because pytest's folders are private;
    the grader warns when they are not (test_the_uid_mode_warns_about_...)."""
    assert "could read 0 notebooks; stole an answer: False" in feedback_of(batch["out"], "attack_copies_classmate")


def test_the_grader_cannot_be_changed(batch):
    assert batch["digest_after"] == batch["digest_before"]
    assert "changed 0 files of the grader" in feedback_of(batch["out"], "attack_appends_to_grader")


def test_killing_everything_it_can_reaches_no_one_else(batch):
    assert "killed ancestors: []" in feedback_of(batch["out"], "attack_kills_ancestors")


def test_a_forged_message_is_a_failed_check_not_a_crash(batch):
    out = batch["out"]
    assert "grader itself failed" not in feedback_of(out, "attack_forged_scalar")
    assert item_scores(out, "attack_forged_scalar")["adam_step"] < FULL


# -- attacks that need a batch of their own -------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_keep_alive_messages_do_not_extend_the_time_limit(tmp_path, mode):
    notebook = fill(released(), {"adam_step_solution": WRONG_STEP}, [attacks.KEEP_ALIVE])
    attacks.write(tmp_path, "keep_alive", notebook)
    out = tmp_path / "out"
    started = time.monotonic()
    done = grade(tmp_path / "keep_alive.ipynb", "--out", out, "--timeout", "2", isolation=mode)
    assert done.returncode == 0, done.stderr
    # the cell wanted 60 s; killed at its 2 s limit, the whole grading takes a few seconds
    # (a generous bound, so that a loaded machine does not fail it)
    assert time.monotonic() - started < 40
    feedback = feedback_of(out, "keep_alive")
    assert "did not stop when interrupted, so its process was killed" in feedback
    assert "ran 60 s" not in feedback


@pytest.mark.parametrize("mode", MODES)
def test_another_exercise_under_this_ones_name_gets_0_when_the_exercise_is_pinned(tmp_path, mode):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(ROOT / "solutions" / "01_gradient_descent.ipynb", inbox / "alice_03_adam.ipynb")
    add_victims(inbox, ["bob_03_adam"])
    done = grade(inbox, "--out", tmp_path / "out", "--exercise", "03_adam", isolation=mode)
    assert done.returncode == 0, done.stderr
    alice = results_of(tmp_path / "out", "alice_03_adam")
    assert alice["score"] == 0 and len(alice["tests"]) == len(ASSIGNMENTS["03_adam"].items)
    assert "This notebook is exercise 01_gradient_descent" in alice["output"]
    assert results_of(tmp_path / "out", "bob_03_adam")["score"] == FULL


BAD_NAMES = {  # file name -> what its result folder is called
    b"...ipynb": "submission",
    b"gradebook.csv.ipynb": "submission_gradebook.csv",
    b'=HYPERLINK("evil.example","click").ipynb': "HYPERLINK_evil.example_click",
    b"caf\xe9_03_adam.ipynb": "caf_03_adam",
    b"list_id.ipynb": "list_id",
}


def test_hostile_file_names_and_malformed_notebooks(tmp_path):
    """Every file gets a safe result folder inside --out, the gradebook stays whole and
    holds no live formula, and a malformed notebook is a reason, not a crash."""
    inbox, out = tmp_path / "inbox", tmp_path / "deep" / "out"
    inbox.mkdir()
    add_victims(inbox, ["victim"])
    solution = (ROOT / "solutions" / "03_adam.ipynb").read_bytes()
    malformed = json.loads(solution)
    malformed["metadata"]["adam_teach"]["exercise"] = ["03_adam"]
    malformed["cells"][1]["source"] = [1, 2]
    for name in BAD_NAMES:
        with open(os.fsencode(inbox) + b"/" + name, "wb") as file:
            file.write(json.dumps(malformed).encode() if name == b"list_id.ipynb" else solution)
    done = grade(inbox, "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path)) == ["deep", "inbox"] and os.listdir(tmp_path / "deep") == ["out"]
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted([*BAD_NAMES.values(), "victim"])
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert len(rows) == len(BAD_NAMES) + 1
    by_folder = {row["submission"]: row for row in rows}
    assert by_folder["HYPERLINK_evil.example_click"]["file"].startswith("'=HYPERLINK(")
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())
    assert by_folder["caf_03_adam"]["file"] == "caf\ufffd_03_adam.ipynb"
    for folder in BAD_NAMES.values():
        assert results_of(out, folder)["score"] == FULL, feedback_of(out, folder)


@pytest.mark.parametrize("mode", MODES)
def test_handing_exercise_04s_step_to_keras_earns_nothing(tmp_path, mode):
    """adam_step_keras is to be written out; one that drives tf.keras.optimizers.Adam gets
    0 for it, saying why, while keras_adam_path (which must use Keras) keeps its points."""
    solution = json.loads((ROOT / "solutions" / "04_adam_vs_keras.ipynb").read_text(encoding="utf-8"))
    for cell in solution["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "adam_step_keras_solution":
            cell["source"] = attacks.KERAS_STEP
    attacks.write(tmp_path, "keras_step", solution)
    done = grade(tmp_path / "keras_step.ipynb", "--out", tmp_path / "out", "--timeout", "120", isolation=mode)
    assert done.returncode == 0, done.stderr
    scores = item_scores(tmp_path / "out", "keras_step")
    points = {item.grade_id: item.points for item in ASSIGNMENTS["04_adam_vs_keras"].items}
    assert scores == {"adam_step_keras": 0, "keras_adam_path": points["keras_adam_path"]}
    assert "it called a ready-made implementation (keras.src.optimizers" in feedback_of(tmp_path / "out", "keras_step")


@NEEDS_ROOT
def test_the_uid_mode_warns_about_submissions_others_can_read(open_inbox):
    """A throwaway uid can read what the instructor left readable by all: the grader says
    so (the attack above then gains nothing only because pytest's folders are private)."""
    add_victims(open_inbox, ["readable"])
    os.chmod(open_inbox / "readable.ipynb", 0o644)
    done = grade(open_inbox, "--out", open_inbox / "out", isolation="uid")
    assert done.returncode == 0, done.stderr
    assert "learners' code can read 1 of these submissions" in done.stderr


def test_without_isolation_processes_that_escape_are_still_killed(tmp_path):
    """Mode none (no bubblewrap, not root) protects little (see the instructor guide), but
    processes a submission leaves behind are reparented to the template and killed."""
    chosen = {name: attacks.attacks(MARKER)[name] for name in ("attack_forty_sleepers", "attack_detached_rewriter")}
    for name, (answers, added) in chosen.items():
        attacks.write(tmp_path, name, fill(released(), {"run_adam_solution": attacks.UNSOLVED_RUN, **answers}, added))
    done = grade(tmp_path, "--out", tmp_path / "out", "--jobs", "2", isolation="none")
    assert done.returncode == 0, done.stderr
    assert leftovers() == []
    time.sleep(AFTER)
    assert leftovers() == []
    for name in chosen:
        assert results_of(tmp_path / "out", name)["score"] == 0
