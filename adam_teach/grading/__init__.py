"""The autograder behind `adam-teach grade`. Only the grader reads this folder: while a
submission runs, the learner's process does not see it (nor adam_teach/answer_key).

One job per module, in the order a submission goes through them:
- `course`: find the course (released exercises) and the registry of graded items;
- `identify`: which exercise a submitted notebook is;
- `restore`: put the instructor's locked cells back, by grade_id; drop the self-checks;
- `sandbox`: run the notebook and the hidden calls in a fresh, confined process
  (`isolation` picks bubblewrap, a throwaway uid or none; `forkserver` starts the template
  that forks each learner's process; `execute` talks to it; `limits` are its rlimits);
  what runs inside the sandbox is adam_teach.runner;
- `judge`: score each item in the grader's own process with the item's judge;
- `names`: safe result folder names; `results`, `gradebook`: Gradescope results.json,
  feedback.md and gradebook.csv, written atomically by `files`;
- `batch`: a folder of submissions, in parallel, with a progress bar;
- `command`: the command line.
"""
