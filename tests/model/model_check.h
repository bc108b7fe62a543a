// A model-checked harness: a few threads running a protocol a few steps, its
// invariants as assertions, explored by Relacy over every interleaving up to a
// context bound (tests/model/relacy_memory_model.h says what Relacy finds). Each
// harness file registers its checks; model_main.cpp runs them and prints each
// verdict, and for a failure the execution that broke it, for the grader
// (labs/grader/interleaving.py) to show in the student's own lines.
//
//   struct ReplySlotCheck : rl::test_suite<ReplySlotCheck, 2> {   // 2 threads
//     void thread(unsigned index) { ... MODEL_ASSERT(cond, "what must hold"); }
//   };
//   const swlab::model::Registrar r{{"lab3.reply_slot", "the reply is handed over",
//                                    {"engine", "caller"}, run<ReplySlotCheck>, 3}};
//   (3: the context bound; or {..., run<C>, 0, 20000}: 20000 seeded random executions)
#pragma once

#include "model/relacy_memory_model.h"

#include <string>
#include <vector>

namespace swlab::model {

struct Check {
  const char* name;                  // lab.concept, what --check selects
  const char* what;                  // the property, one line
  std::vector<const char*> threads;  // a name for each thread index, as the report shows them
  bool (*run)(rl::test_params&);
  // The search: every execution with up to `context_bound` preemptions, or, where
  // that is too many (three threads with spin loops: every yield is a free switch),
  // `random` executions, each scheduled by Relacy's generator seeded with its index,
  // so that a run explores the same executions every time.
  unsigned context_bound = 3;
  unsigned random = 0;
};

inline std::vector<Check>& checks() {
  static std::vector<Check> all;
  return all;
}

struct Registrar {
  explicit Registrar(Check c) { checks().push_back(std::move(c)); }
};

template <class Suite>
bool run(rl::test_params& p) {
  return rl::simulate<Suite>(p);
}

}  // namespace swlab::model

// An invariant of the protocol: when it does not hold, the execution so far is the
// counterexample, and `message` is what the report says is wrong (a string literal).
#define MODEL_ASSERT(cond, message)                                                               \
  do {                                                                                            \
    if (!(cond)) ::rl::ctx().fail_test("invariant: " message, ::rl::test_result_user_assert_failed, \
                                       RL_INFO);                                                  \
  } while (0)

// A line in the execution history: what the harness is doing (a request submitted,
// a reply read), so the report can be read as a story (a string literal).
#define MODEL_NOTE(message) ::rl::ctx().exec_log_msg(RL_INFO, message)
