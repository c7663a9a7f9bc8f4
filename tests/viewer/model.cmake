# Loader and model tests (labels viewer and loader): hand-written traces in
# tests/viewer/model/traces (threadlens, foreign Chrome, truncated), malformed
# inputs with their exact error lines, the two-thread split, and a real trace
# from tl_demo. Each model loaded is checked against tv_model.h's invariants.
# Label "loader" on the hand-written groups: they run the loader (the
# parallel group its two threads) and the ThreadSanitizer build runs them
# (scripts/test.sh).
set(TV_MODEL_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/model)
add_executable(test_model ${TV_MODEL_TEST_DIR}/test_model.c ${TV_MODEL_TEST_DIR}/tv_check.c)
target_include_directories(test_model PRIVATE ${TV_MODEL_TEST_DIR})
target_link_libraries(test_model PRIVATE tv_core)

foreach(group threadlens foreign truncated malformed parallel)
  add_test(NAME viewer_model_${group}
    COMMAND test_model ${group} ${TV_MODEL_TEST_DIR}/traces ${CMAKE_CURRENT_BINARY_DIR}/model_${group})
  set_tests_properties(viewer_model_${group} PROPERTIES LABELS "viewer;loader" TIMEOUT 120)
endforeach()

if(TARGET tl_demo)
  set(tv_demo_trace ${CMAKE_CURRENT_BINARY_DIR}/model_demo/demo.json)
  add_test(NAME viewer_model_demo
    COMMAND sh -c "mkdir -p \"$1\" && THREADLENS_OUT=\"$2\" \"$3\" >/dev/null 2>&1 && \"$4\" demo \"$5\" \"$1\" \"$2\""
            sh ${CMAKE_CURRENT_BINARY_DIR}/model_demo ${tv_demo_trace} $<TARGET_FILE:tl_demo>
            $<TARGET_FILE:test_model> ${TV_MODEL_TEST_DIR}/traces)
  # not "loader": a TSan build would test tl_demo (the runtime's) rather than
  # the loader, which the groups above cover
  set_tests_properties(viewer_model_demo PROPERTIES LABELS viewer TIMEOUT 120)
endif()
