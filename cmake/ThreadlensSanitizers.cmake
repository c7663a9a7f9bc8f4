# Sanitizer builds.
#
#   cmake -B build-asan -DTHREADLENS_SANITIZE=address   # ASan + UBSan
#   cmake -B build-tsan -DTHREADLENS_SANITIZE=thread    # ThreadSanitizer
#
# THREADLENS_SANITIZE (cache string):
#   ""        (default) no sanitizer.
#   "address" AddressSanitizer + UndefinedBehaviorSanitizer,
#             -fno-omit-frame-pointer, -fno-sanitize-recover=all (any UB report
#             aborts the program, so a test fails on it).
#   "thread"  ThreadSanitizer (a report makes the program exit with status 66
#             at exit; TSAN_OPTIONS=halt_on_error=1 stops at the first one).
# The flags go to the compile and link lines of everything built in the tree
# (the runtime, its shared and static libraries, the CLI, tests, demos), so a
# sanitized libthreadlens is only ever linked into sanitized programs.
# Works with gcc and clang (clang needs Debian's libclang-rt-14-dev).
#
# In a sanitizer build THREADLENS_SANITIZER_FLAGS holds the flags (for tests
# that compile programs themselves, e.g. tests/install), and the macros
# THREADLENS_SANITIZE_ADDRESS / THREADLENS_SANITIZE_THREAD are defined (1) so a
# test can skip what a sanitizer cannot run (gcc also defines
# __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__ itself; clang does not).

set(THREADLENS_SANITIZE "" CACHE STRING
  "Sanitizer for the whole build: empty (none), address (ASan+UBSan) or thread (TSan)")
set_property(CACHE THREADLENS_SANITIZE PROPERTY STRINGS "" address thread)

set(THREADLENS_SANITIZER_FLAGS "")
if(THREADLENS_SANITIZE STREQUAL "")
  # nothing
elseif(THREADLENS_SANITIZE STREQUAL "address")
  set(THREADLENS_SANITIZER_FLAGS
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_compile_definitions(THREADLENS_SANITIZE_ADDRESS=1)
elseif(THREADLENS_SANITIZE STREQUAL "thread")
  set(THREADLENS_SANITIZER_FLAGS -fsanitize=thread -fno-omit-frame-pointer)
  add_compile_definitions(THREADLENS_SANITIZE_THREAD=1)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND CMAKE_C_COMPILER_VERSION VERSION_GREATER_EQUAL 11)
    # gcc warns (-Wtsan) that TSan cannot model atomic_thread_fence; keep the
    # warning visible but do not let -Werror turn the TSan build off.
    add_compile_options(-Wno-error=tsan)
  endif()
else()
  message(FATAL_ERROR
    "THREADLENS_SANITIZE='${THREADLENS_SANITIZE}': use \"\" (none), \"address\" or \"thread\"")
endif()

if(THREADLENS_SANITIZER_FLAGS)
  add_compile_options(${THREADLENS_SANITIZER_FLAGS})
  add_link_options(${THREADLENS_SANITIZER_FLAGS})
  message(STATUS "threadlens: sanitizer build (${THREADLENS_SANITIZE}): ${THREADLENS_SANITIZER_FLAGS}")
endif()
