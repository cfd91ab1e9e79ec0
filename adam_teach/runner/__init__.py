"""What runs inside a learner's sandbox while a submission is graded: the template that
forks each learner's process (`template`), its confinement (`confine`), the notebook runner
(`notebook`), calling one hidden case (`calls`), the JSON wire (`wire`) and the tripwires on
the course's own implementations (`tripwires`).

Nothing here knows an answer: the answer key (adam_teach.answer_key) and the grader
(adam_teach.grading) are not even visible inside the sandbox.
"""
