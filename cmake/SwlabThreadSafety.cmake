# The `thread-safety` preset (SWLAB_THREAD_SAFETY=ON, clang++): the lock engines and
# the sharded router compiled with clang's thread-safety analysis, every warning an
# error. Only the files the annotations cover are compiled (swlab_thread_safety, an
# object library nothing links), so scripts/test.sh can afford it on every run.
#
# At configure time the preset proves the check can fail, twice:
#   - a canary (tests/thread_safety/guarded_counter.cpp) that writes a guarded member
#     compiles with its lock taken and is refused without it;
#   - the mutex engine, with the lock acquisition removed from LockedEngine's command
#     path (a copy of locks/locked_engine.h, found first on the include path), is
#     refused.
# Either canary compiling stops the configure: the analysis is not running.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SWLAB_THREAD_SAFETY needs clang (the thread-safety preset uses clang++-14), "
                      "not ${CMAKE_CXX_COMPILER_ID}: g++ ignores the annotations")
endif()

# -Wno-nested-anon-types: Reply's anonymous struct in its union (core/types.h) is the
# one extension the project uses on purpose; g++ takes its __extension__, clang's
# -Wpedantic still names it.
set(_swlab_ts_flags -Wthread-safety -Werror -Wno-nested-anon-types)
set(_swlab_ts_view ${CMAKE_BINARY_DIR}/layers/swlab_sharded)  # the router's layer sees every layer it checks
set(_swlab_ts_sources
  engines/locks/mutex_engine.cpp
  engines/locks/rwlock_engine.cpp
  engines/locks/spinlock_engine.cpp
  engines/locks/flat_combining_engine.cpp
  engines/sharded/sharded_engine.cpp)
# The students' copy (labs/make_handout.sh) leaves out the rwlock engine and the router.
foreach(f ${_swlab_ts_sources})
  if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
    list(REMOVE_ITEM _swlab_ts_sources ${f})
  endif()
endforeach()

# Compiles SOURCE (with -D DEFINES) into RESULT, include path INCLUDES then the view.
function(swlab_ts_try result source includes defines)
  try_compile(${result} ${CMAKE_BINARY_DIR}/thread-safety-canary/${result}
    SOURCES ${source}
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${includes};${_swlab_ts_view}"
    COMPILE_DEFINITIONS ${_swlab_ts_flags} ${defines}
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON
    OUTPUT_VARIABLE out)
  set(${result} ${${result}} PARENT_SCOPE)
  set(${result}_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(_canary ${CMAKE_CURRENT_SOURCE_DIR}/tests/thread_safety/guarded_counter.cpp)
swlab_ts_try(SWLAB_TS_WITH_LOCK ${_canary} "" -DSWLAB_TAKE_THE_LOCK=1)
if(NOT SWLAB_TS_WITH_LOCK)
  message(FATAL_ERROR "thread-safety canary: the guarded write WITH its lock did not compile:\n${SWLAB_TS_WITH_LOCK_OUTPUT}")
endif()
swlab_ts_try(SWLAB_TS_WITHOUT_LOCK ${_canary} "" -DSWLAB_TAKE_THE_LOCK=0)
if(SWLAB_TS_WITHOUT_LOCK OR NOT SWLAB_TS_WITHOUT_LOCK_OUTPUT MATCHES "Wthread-safety")
  message(FATAL_ERROR "thread-safety canary: a guarded write WITHOUT its lock was not refused by the analysis:\n"
                      "${SWLAB_TS_WITHOUT_LOCK_OUTPUT}")
endif()

# LockedEngine with its command path's lock acquisition taken out.
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/engines/locks/locked_engine.h _locked)
set(_taken "    {\n      ExclusiveLock guard(lock_);\n      if (!is_sequenced(cmd.type))")
string(FIND "${_locked}" "${_taken}" _at)
if(_at EQUAL -1)
  message(FATAL_ERROR "thread-safety canary: the lock acquisition on LockedEngine's command path was not found "
                      "in engines/locks/locked_engine.h; update cmake/SwlabThreadSafety.cmake to name it")
endif()
string(REPLACE "${_taken}" "    {\n      if (!is_sequenced(cmd.type))" _unlocked "${_locked}")
file(WRITE ${CMAKE_BINARY_DIR}/thread-safety-canary/unlocked/locks/locked_engine.h "${_unlocked}")
swlab_ts_try(SWLAB_TS_UNLOCKED_ENGINE ${CMAKE_CURRENT_SOURCE_DIR}/engines/locks/mutex_engine.cpp
             ${CMAKE_BINARY_DIR}/thread-safety-canary/unlocked "")
if(SWLAB_TS_UNLOCKED_ENGINE OR NOT SWLAB_TS_UNLOCKED_ENGINE_OUTPUT MATCHES "requires holding mutex 'lock_'")
  message(FATAL_ERROR "thread-safety canary: the mutex engine with its lock acquisition removed was not refused "
                      "by the analysis:\n${SWLAB_TS_UNLOCKED_ENGINE_OUTPUT}")
endif()
message(STATUS "swlab: thread-safety check armed (a guarded access without its lock fails the build)")

add_library(swlab_thread_safety OBJECT ${_swlab_ts_sources})
target_include_directories(swlab_thread_safety PRIVATE ${_swlab_ts_view})
target_compile_definitions(swlab_thread_safety PRIVATE SWLAB_SW_MAX_COMBINATIONS=${SWLAB_SW_MAX_COMBINATIONS}
                           SWLAB_HAVE_TOKIO=${SWLAB_HAVE_TOKIO} "SWLAB_TOKIO_MISSING=\"${SWLAB_TOKIO_MISSING}\"")
target_compile_options(swlab_thread_safety PRIVATE ${_swlab_ts_flags})
