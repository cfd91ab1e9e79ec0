"""The autograder behind `adam-teach grade`.

One job per module:
- `course`: find the course (released exercises) and the registry of graded items;
- `identify`: which exercise a submitted notebook is;
- `restore`: put the instructor's locked and test cells back, by grade_id;
- `sandbox`: run the notebook and the hidden calls in a fresh, limited process (`execute`
  watches it, `limits` sets its rlimits, `child` runs inside it, `forkserver` makes it fast);
- `wire`: the JSON the learner's process sends back (no pickle);
- `judge`: score each item in the grader's own process with the item's judge;
- `results`, `gradebook`: Gradescope results.json, feedback.md and gradebook.csv, written
  atomically by `files`;
- `batch`: a folder of submissions, in parallel, with a progress bar;
- `command`: the command line.
"""
