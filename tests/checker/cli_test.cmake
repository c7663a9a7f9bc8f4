# Runs the tracecheck CLI and checks its exit status and output.
#   cmake -DTRACECHECK=path -DEXPECT_RC=n -DEXPECT_OUT=regex -DARGS="a|b"
#         -P cli_test.cmake
string(REPLACE "|" ";" ARGS "${ARGS}")
execute_process(COMMAND ${TRACECHECK} ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc STREQUAL EXPECT_RC)
  message(FATAL_ERROR "tracecheck exited with ${rc}, expected ${EXPECT_RC}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT_OUT}")
  message(FATAL_ERROR "tracecheck output does not match '${EXPECT_OUT}'")
endif()
