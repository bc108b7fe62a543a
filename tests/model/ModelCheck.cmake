# Model-checked harnesses (tests/model/model_check.h): Relacy runs a harness's threads
# as fibers on one OS thread and chooses every switch, so a harness is built without
# the sanitizers (ThreadSanitizer cannot follow fibers, and Relacy's own race detector
# is the point) and at -O1 whatever the build type (a check explores tens of
# thousands of executions). Relacy is Debian's relacy-dev, header-only
# (scripts/deps.sh installs it); without it no harness is built, and labs/grade.sh
# says so.
# Once per directory, not once per build: SWLAB_HAVE_RELACY is a directory variable, and
# both tests/ (the engine's harnesses) and labs/ (the labs') include this file.
include_guard(DIRECTORY)

# A build may leave them out: the asan preset does, because a harness is built without
# the sanitizers and the tsan build's harnesses are the same programs (there they also
# serve labs/wrong/check.py), so CI builds and runs them once.
option(SWLAB_MODEL_CHECK "Build the model-checked harnesses (ctest -L model) where Relacy is installed" ON)
find_path(SWLAB_RELACY_INCLUDE_DIR relacy/relacy.hpp)
if(NOT SWLAB_MODEL_CHECK)
  set(SWLAB_HAVE_RELACY OFF)
  message(STATUS "SWLAB_MODEL_CHECK=OFF: the model-checked harnesses are not built here")
elseif(SWLAB_RELACY_INCLUDE_DIR)
  set(SWLAB_HAVE_RELACY ON)
else()
  set(SWLAB_HAVE_RELACY OFF)
  message(STATUS "relacy-dev not found: the model-checked harnesses (ctest -L model) are not built")
endif()

# Drops the directory's sanitizer options from a target (add_compile_options copies them
# into every target), and asks for -O1 and no sized deallocation: Relacy replaces the
# global operator new/delete in the harness, but not the sized delete, which would free
# its memory with the C library's free().
function(swlab_model_target_options target)
  foreach(property COMPILE_OPTIONS LINK_OPTIONS)
    get_target_property(options ${target} ${property})
    if(options)
      list(FILTER options EXCLUDE REGEX "sanitize")
      set_target_properties(${target} PROPERTIES ${property} "${options}")
    endif()
  endforeach()
  target_compile_options(${target} PRIVATE -O1 -fno-sized-deallocation -Wno-unused-parameter -Wno-pedantic)
  target_include_directories(${target} SYSTEM PRIVATE ${SWLAB_RELACY_INCLUDE_DIR})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/engines ${PROJECT_SOURCE_DIR}/tests)
endfunction()

if(SWLAB_HAVE_RELACY AND NOT TARGET swlab_model_main)
  add_library(swlab_model_main OBJECT ${CMAKE_CURRENT_LIST_DIR}/model_main.cpp)
  swlab_model_target_options(swlab_model_main)
endif()

# swlab_add_model_harness(TARGET SOURCES... [INCLUDES dirs...]): one harness binary.
function(swlab_add_model_harness target)
  cmake_parse_arguments(PARSE_ARGV 1 M "" "" "SOURCES;INCLUDES")
  add_executable(${target} ${M_SOURCES} $<TARGET_OBJECTS:swlab_model_main>)
  swlab_model_target_options(${target})
  target_include_directories(${target} BEFORE PRIVATE ${M_INCLUDES})
endfunction()

# swlab_add_engine_model_harness(NAME [MUTANTS MODEL VERDICT ...]): the harness of one
# of the engine's own protocols, tests/model/model_NAME.cpp, as swlab_model_NAME
# (ctest model.NAME, labels model;engine: every check must hold), and for each
# MODEL VERDICT pair the same source built against that mutant memory model
# (tests/model/mutant_models.h) as swlab_model_NAME_MODEL, ctest
# model.NAME.mutant.MODEL, which passes only when the checker reports VERDICT
# (Relacy's word: DATA RACE, DEADLOCK, USER ASSERT FAILED) for a check and none of
# its checks holds: a mutant that compiles wrong, crashes or passes fails the test.
function(swlab_add_engine_model_harness name)
  cmake_parse_arguments(PARSE_ARGV 1 M "" "" "MUTANTS")
  set(source ${PROJECT_SOURCE_DIR}/tests/model/model_${name}.cpp)
  swlab_add_model_harness(swlab_model_${name} SOURCES ${source})
  add_test(NAME model.${name} COMMAND swlab_model_${name})
  set_tests_properties(model.${name} PROPERTIES LABELS "model;engine" TIMEOUT 120)
  while(M_MUTANTS)
    list(POP_FRONT M_MUTANTS mutant verdict)
    set(target swlab_model_${name}_${mutant})
    swlab_add_model_harness(${target} SOURCES ${source})
    target_compile_definitions(${target} PRIVATE SWLAB_MODEL_MUTANT=${mutant})
    add_test(NAME model.${name}.mutant.${mutant} COMMAND ${target})
    set_tests_properties(model.${name}.mutant.${mutant} PROPERTIES
      LABELS "model;engine;mutant" TIMEOUT 120
      PASS_REGULAR_EXPRESSION "\\[  FAILED  \\] engine\\.[a-z_]+: ${verdict} after"
      FAIL_REGULAR_EXPRESSION "\\[       OK \\]")
  endwhile()
endfunction()
