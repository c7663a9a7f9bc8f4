# `threadlens report` (label viewer): the report of hand-written traces with
# known figures (tests/viewer/report/*.json), checked through its JSON (parsed
# with cJSON) and its text (test_report; test_pools for thread pools); then
# the report of a real trace from tl_demo.
set(TV_REPORT_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/report)
add_executable(test_report ${TV_REPORT_TEST_DIR}/test_report.c)
target_link_libraries(test_report PRIVATE tv_report)
add_test(NAME viewer_report COMMAND test_report ${TV_REPORT_TEST_DIR})
set_tests_properties(viewer_report PROPERTIES LABELS viewer TIMEOUT 60)
# The pool section (tests/viewer/report/pools.json).
add_executable(test_report_pools ${TV_REPORT_TEST_DIR}/test_pools.c)
target_link_libraries(test_report_pools PRIVATE tv_report)
add_test(NAME viewer_report_pools COMMAND test_report_pools ${TV_REPORT_TEST_DIR})
set_tests_properties(viewer_report_pools PROPERTIES LABELS viewer TIMEOUT 60)

if(TARGET tl_demo)
  # The `threadlens` command is checked too when it is part of the build.
  set(tv_report_cli "")
  if(TARGET threadlens_cli)
    set(tv_report_cli $<TARGET_FILE:threadlens_cli>)
  endif()
  add_test(NAME viewer_report_demo
    COMMAND sh ${TV_REPORT_TEST_DIR}/run_demo.sh $<TARGET_FILE:tl_demo>
            $<TARGET_FILE:test_report> ${CMAKE_CURRENT_BINARY_DIR}/report_demo ${tv_report_cli})
  set_tests_properties(viewer_report_demo PROPERTIES LABELS viewer TIMEOUT 120)
endif()
