# channel=tokio: the Rust crate in engines/tokio/, built with Debian's cargo and
# rustc, offline, from Debian's crate directory (engines/tokio/.cargo/config.toml),
# into a static library with a C ABI (engines/tokio/swlab_tokio.h).
#
# Only Debian's toolchain is used (/usr/bin/cargo, /usr/bin/rustc), never a rustup
# one that may come first on PATH: the crate directory matches Debian's rustc.
# Without it everything else builds; the channel is then listed as not built, with
# the reason below, and a spec naming it is refused with that reason.
#
# Result: SWLAB_HAVE_TOKIO (0/1), SWLAB_TOKIO_MISSING (why not) and, when built,
# the target swlab::tokio.
set(SWLAB_TOKIO "AUTO" CACHE STRING "Build channel=tokio: AUTO (when Debian's cargo is installed), ON (required), OFF")
set_property(CACHE SWLAB_TOKIO PROPERTY STRINGS AUTO ON OFF)

set(SWLAB_HAVE_TOKIO 0)
set(SWLAB_TOKIO_MISSING "")
set(_swlab_tokio_install "apt-get install cargo rustc librust-tokio-dev, then reconfigure")
if(SWLAB_TOKIO STREQUAL "OFF")
  set(SWLAB_TOKIO_MISSING "configured with -DSWLAB_TOKIO=OFF")
elseif(SWLAB_SANITIZE STREQUAL "thread")
  # Rust is not instrumented: ThreadSanitizer would see tokio's allocations freed on
  # another thread without the atomics that order them, and report races it cannot
  # check. Left out rather than suppressed (tokio_channel.h).
  set(SWLAB_TOKIO_MISSING "left out of the ThreadSanitizer build (tokio's Rust synchronisation is invisible to it)")
else()
  find_program(SWLAB_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH)
  find_program(SWLAB_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH)
  file(GLOB _swlab_tokio_crate /usr/share/cargo/registry/tokio-1.*)
  if(NOT SWLAB_CARGO OR NOT SWLAB_RUSTC)
    set(SWLAB_TOKIO_MISSING "Debian's cargo and rustc were not found in /usr/bin (${_swlab_tokio_install})")
  elseif(NOT _swlab_tokio_crate)
    set(SWLAB_TOKIO_MISSING "Debian's tokio crate was not found in /usr/share/cargo/registry (${_swlab_tokio_install})")
  else()
    set(SWLAB_HAVE_TOKIO 1)
  endif()
endif()

if(NOT SWLAB_HAVE_TOKIO)
  if(SWLAB_TOKIO STREQUAL "ON")
    message(FATAL_ERROR "swlab: channel=tokio was required (-DSWLAB_TOKIO=ON) but cannot be built: ${SWLAB_TOKIO_MISSING}")
  endif()
  message(WARNING "swlab: channel=tokio is not built: ${SWLAB_TOKIO_MISSING}. Everything else builds; "
                  "'swlab engines' lists the channel as not built.")
  return()
endif()

set(_swlab_tokio_dir "${CMAKE_CURRENT_SOURCE_DIR}/engines/tokio")
set(_swlab_tokio_target_dir "${CMAKE_CURRENT_BINARY_DIR}/cargo")
set(SWLAB_TOKIO_LIBRARY "${_swlab_tokio_target_dir}/release/libswlab_tokio.a")
file(GLOB_RECURSE _swlab_tokio_sources CONFIGURE_DEPENDS "${_swlab_tokio_dir}/src/*.rs")
# Always the release profile (panic = "abort"): the crate is the channel under test,
# not code being debugged, and a debug tokio would measure the wrong thing. Rust is
# not instrumented by the sanitizers: the tsan build leaves the channel out (above).
# CARGO_HOME in the build tree: no user configuration leaks in.
add_custom_command(
  OUTPUT "${SWLAB_TOKIO_LIBRARY}"
  COMMAND ${CMAKE_COMMAND} -E env
          "CARGO_HOME=${_swlab_tokio_target_dir}/home" "CARGO_TARGET_DIR=${_swlab_tokio_target_dir}"
          "RUSTC=${SWLAB_RUSTC}" "RUSTFLAGS=" "CARGO_BUILD_RUSTFLAGS="
          ${SWLAB_CARGO} build --release --offline --quiet
  WORKING_DIRECTORY "${_swlab_tokio_dir}"  # cargo reads .cargo/config.toml from here
  DEPENDS ${_swlab_tokio_sources} "${_swlab_tokio_dir}/Cargo.toml" "${_swlab_tokio_dir}/Cargo.lock"
          "${_swlab_tokio_dir}/.cargo/config.toml"
  COMMENT "cargo: building the tokio channel (engines/tokio, Debian's crates, offline)"
  VERBATIM)
add_custom_target(swlab_tokio_crate DEPENDS "${SWLAB_TOKIO_LIBRARY}")

add_library(swlab_tokio INTERFACE)
add_dependencies(swlab_tokio swlab_tokio_crate)
# The native libraries rustc's staticlib needs (rustc --print native-static-libs).
target_link_libraries(swlab_tokio INTERFACE "${SWLAB_TOKIO_LIBRARY}" Threads::Threads dl m rt util)
target_include_directories(swlab_tokio INTERFACE "${CMAKE_CURRENT_SOURCE_DIR}/engines")
add_library(swlab::tokio ALIAS swlab_tokio)
message(STATUS "swlab: channel=tokio is built with ${SWLAB_CARGO} (Debian's crates, offline)")
