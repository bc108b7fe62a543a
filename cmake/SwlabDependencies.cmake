# Every dependency is a Debian 12 package. A missing one stops configure with the
# package to install, instead of a compile error three screens later.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

function(swlab_missing what package)
  message(FATAL_ERROR "swlab: ${what} not found. Install it with:\n  sudo apt-get install ${package}\n(or run scripts/test.sh, which installs everything swlab needs)")
endfunction()

find_path(SWLAB_CONCURRENTQUEUE_INCLUDE concurrentqueue/concurrentqueue.h)
if(NOT SWLAB_CONCURRENTQUEUE_INCLUDE)
  swlab_missing("moodycamel ConcurrentQueue (<concurrentqueue/concurrentqueue.h>)" libconcurrentqueue-dev)
endif()
add_library(swlab::concurrentqueue INTERFACE IMPORTED)
target_include_directories(swlab::concurrentqueue INTERFACE "${SWLAB_CONCURRENTQUEUE_INCLUDE}")

find_path(SWLAB_BOOST_LOCKFREE_INCLUDE boost/lockfree/queue.hpp)
if(NOT SWLAB_BOOST_LOCKFREE_INCLUDE)
  swlab_missing("Boost.Lockfree (<boost/lockfree/queue.hpp>)" libboost-dev)
endif()
add_library(swlab::boost_lockfree INTERFACE IMPORTED)
target_include_directories(swlab::boost_lockfree INTERFACE "${SWLAB_BOOST_LOCKFREE_INCLUDE}")

# Optional: channel=tokio, the Rust crate in engines/tokio/ (Debian's cargo).
include(SwlabTokio)

# A package that an option needs: found where the option is on, else configure stops.
# A macro: find_package's results belong to the caller's scope.
macro(swlab_find_package_for option package what debian_package)
  if(${option})
    find_package(${package} QUIET)
    if(NOT ${package}_FOUND)
      swlab_missing("${what}" ${debian_package})
    endif()
  endif()
endmacro()

swlab_find_package_for(SWLAB_BUILD_TESTS GTest "GoogleTest" libgtest-dev)
swlab_find_package_for(SWLAB_BUILD_BENCHMARKS benchmark "Google Benchmark" libbenchmark-dev)
