# The window's replay, side panels, lock graph and pool views (issue 8),
# offscreen: SDL's software renderer, no display. Sources and the traces
# (lu: a lost update, ph: five philosophers deadlocked, pe/pm: pools) in
# tests/viewer/views/. The Xvfb part (press n, then Right, in a real
# window) is in render.cmake's viewer_xvfb.
if(TARGET tv_gui)
  set(TV_VIEWS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/views)
  add_executable(tv_views_test ${TV_VIEWS_DIR}/views_test.c)
  target_link_libraries(tv_views_test PRIVATE tv_gui)
  add_test(NAME viewer_views
           COMMAND tv_views_test ${TV_VIEWS_DIR} ${CMAKE_CURRENT_BINARY_DIR}/views-out)
  set_tests_properties(viewer_views PROPERTIES LABELS viewer TIMEOUT 120
    ENVIRONMENT_MODIFICATION "DISPLAY=unset:;WAYLAND_DISPLAY=unset:;SDL_VIDEODRIVER=unset:")
endif()
