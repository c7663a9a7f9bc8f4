# Viewer rendering tests (label viewer), sources in tests/viewer/render/:
#   viewer_render  headless screenshots of a hand-written trace, checked pixel by
#                  pixel against the viewer's own layout; LOD, hit testing,
#                  find, details; `view --screenshot` exit codes. No display.
#   viewer_xvfb    a real window on a private Xvfb display, driven by xdotool;
#                  then the replay keys (n, Right) on views/lu.json.
if(TARGET tv_gui)
  set(TV_RENDER_DIR ${CMAKE_CURRENT_SOURCE_DIR}/render)

  add_executable(tv_render_test ${TV_RENDER_DIR}/render_test.c)
  target_link_libraries(tv_render_test PRIVATE tv_gui)
  add_test(NAME viewer_render
           COMMAND tv_render_test ${TV_RENDER_DIR}/fixture.json ${CMAKE_CURRENT_BINARY_DIR}/render-out)
  # No display at all: the screenshot path must not need one.
  set_tests_properties(viewer_render PROPERTIES LABELS viewer TIMEOUT 120
    ENVIRONMENT_MODIFICATION "DISPLAY=unset:;WAYLAND_DISPLAY=unset:;SDL_VIDEODRIVER=unset:")

  add_executable(tv_view_driver ${TV_RENDER_DIR}/view_driver.c)
  target_link_libraries(tv_view_driver PRIVATE tv_gui)
  add_test(NAME viewer_xvfb
           COMMAND sh ${TV_RENDER_DIR}/xvfb_test.sh $<TARGET_FILE:tv_view_driver>
                   ${TV_RENDER_DIR}/fixture.json ${CMAKE_CURRENT_BINARY_DIR}/xvfb-out
                   ${CMAKE_CURRENT_SOURCE_DIR}/views/lu.json)
  # Under ASan the window's process exits with blocks that system libraries
  # keep (SDL's D-Bus connection, and a library SDL loads and unloads itself,
  # whose stacks end in "<unknown module>" so that no suppression can name
  # them): leak checking is off for this one test.
  # Memory errors are still caught here, and leaks in the same code paths
  # (view, drawing, input) are checked by viewer_render.
  set_tests_properties(viewer_xvfb PROPERTIES LABELS viewer TIMEOUT 120
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0")
endif()
