// Clang's thread-safety annotations (clang.llvm.org/docs/ThreadSafetyAnalysis.html),
// as macros that are empty for other compilers. With clang and -Wthread-safety the
// compiler checks that a member GUARDED_BY a lock is touched only with it held, that a
// function that REQUIRES it is called only with it held, and that what is acquired is
// released: the `thread-safety` CMake preset builds the lock engines that way, with
// -Werror (docs/architecture.md, "Locks the compiler checks").
#pragma once

#if defined(__clang__)
#define SWLAB_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SWLAB_THREAD_ANNOTATION(x)
#endif

// A type whose objects are locks (capabilities), and a scoped guard of one.
#define CAPABILITY(name) SWLAB_THREAD_ANNOTATION(capability(name))
#define SCOPED_CAPABILITY SWLAB_THREAD_ANNOTATION(scoped_lockable)
// A member that may be read only with the lock held (shared or exclusive) and written
// only with it held exclusively.
#define GUARDED_BY(x) SWLAB_THREAD_ANNOTATION(guarded_by(x))
// A function callable only with the lock held (exclusively, or at least shared).
#define REQUIRES(...) SWLAB_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) SWLAB_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
// A function that takes, tries to take, or lets go of the lock.
#define ACQUIRE(...) SWLAB_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) SWLAB_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) SWLAB_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define RELEASE(...) SWLAB_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) SWLAB_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
// A function that must not be called with the lock held (it takes it itself).
#define EXCLUDES(...) SWLAB_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The analysis skips this function: for the few accesses that are safe without the
// lock by a rule the analysis cannot see (each use says which rule).
#define NO_THREAD_SAFETY_ANALYSIS SWLAB_THREAD_ANNOTATION(no_thread_safety_analysis)
