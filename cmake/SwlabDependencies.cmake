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

# The portable runtime (scripts/bundle.sh): what the static libstdc++ and libgcc need of a
# glibc newer than 2.34, provided in the swlab executable (cmake/glibc_compat.cpp), so the
# bundle's swlab runs on glibc 2.34 and later.
if(SWLAB_STATIC_RUNTIME)
  add_library(swlab_glibc_compat OBJECT "${CMAKE_CURRENT_LIST_DIR}/glibc_compat.cpp")
endif()

# hwloc: the machine's topology (packages, NUMA nodes, L3 domains, cores, SMT siblings;
# bench/measure/topology.h). With SWLAB_STATIC_RUNTIME (the portable bundle,
# scripts/bundle.sh) its static archive is linked, so the binary needs no libhwloc on
# the machine it is carried to.
find_path(SWLAB_HWLOC_INCLUDE hwloc.h)
if(SWLAB_STATIC_RUNTIME)
  find_library(SWLAB_HWLOC_LIBRARY NAMES libhwloc.a hwloc)
else()
  find_library(SWLAB_HWLOC_LIBRARY NAMES hwloc)
endif()
if(NOT SWLAB_HWLOC_INCLUDE OR NOT SWLAB_HWLOC_LIBRARY)
  swlab_missing("hwloc (<hwloc.h>, libhwloc)" libhwloc-dev)
endif()
add_library(swlab::hwloc INTERFACE IMPORTED)
target_include_directories(swlab::hwloc INTERFACE "${SWLAB_HWLOC_INCLUDE}")
target_link_libraries(swlab::hwloc INTERFACE "${SWLAB_HWLOC_LIBRARY}")
if(SWLAB_HWLOC_LIBRARY MATCHES "[.]a$")
  # Debian's archive asks libudev for the names of block devices (I/O discovery, which
  # swlab never requests). cmake/hwloc_without_udev.cpp answers "no udev" instead, so
  # the bundle needs no libudev.so.1 either; dlopen is libc's (glibc 2.34 and later).
  # After the archive on the link line, so its references resolve here.
  add_library(swlab_hwloc_without_udev STATIC "${CMAKE_CURRENT_LIST_DIR}/hwloc_without_udev.cpp")
  target_link_libraries(swlab::hwloc INTERFACE swlab_hwloc_without_udev m)
endif()
