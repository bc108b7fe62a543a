"""The lab autograder (labs/grade.sh N runs labs/grade.py, which runs grader.main).

One module per concept:
  options      the command line
  console      what the student sees, and the log
  spec         what a lab grades: its labN/given/grading.sh, read through the verbs
  discovery    what there is to run: the graded files, the submission's tree, the
               tests a binary lists, the model checks a harness lists
  build        the builds a grading needs, and the rules checked while building
  rules        the lab's link-time rules (run by the build: labs/CMakeLists.txt)
  runner       running a child with a time limit, in a process group that is killed,
               its output read with a timeout; a test's verdict from GoogleTest's XML
  diagnose     what a failure says: the first assertion, a race in the student's
               frames, where each thread of a hung test was waiting
  interleaving a model checker's counterexample in the student's own lines
  scoring      a part's score from its tests' verdicts; a performance ratio's points
  correctness  the correctness parts, test by test
  performance  the performance cases and the write-up's tables
  report       a part's lines, the summary, the next step, the JSON
  main         a grading from start to end
"""
