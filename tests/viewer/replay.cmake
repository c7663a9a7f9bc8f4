# Replay tests (label viewer): the step list, seeking and the state at a time
# (viewer/src/core/tv_replay.h) on a hand-written trace with exact steps and
# states (replay/small.json) and on real runtime traces: the lost update
# (lu.json), the philosophers' deadlock (ph.json), a pool map (pm.json); and
# a generated lock-heavy trace (the benchmark's generator) for the index's
# size per step and its agreement with a linear scan.
set(TV_REPLAY_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/replay)
add_executable(test_replay ${TV_REPLAY_TEST_DIR}/test_replay.c
               ${PROJECT_SOURCE_DIR}/tests/bench/tv_bench_gen.c)
target_include_directories(test_replay PRIVATE ${PROJECT_SOURCE_DIR}/tests/bench)
target_link_libraries(test_replay PRIVATE tv_core)

foreach(group small lu ph pm big)
  add_test(NAME viewer_replay_${group}
    COMMAND test_replay ${group} ${TV_REPLAY_TEST_DIR} ${CMAKE_CURRENT_BINARY_DIR}/replay_${group})
  set_tests_properties(viewer_replay_${group} PROPERTIES LABELS viewer TIMEOUT 300)
endforeach()
