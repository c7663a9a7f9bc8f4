# Findings overlays, finding texts and the lock graph (label viewer), sources
# and fixtures in tests/viewer/overlay/:
#   viewer_overlay  the lock graph of real traces (philosophers, ABBA, the lost
#                   update) and of a hand-written one with same-named threads;
#                   tv_finding_text and tv_fx; the lock graph view and the
#                   timeline overlays drawn on a software renderer (no display).
if(TARGET tv_gui)
  set(TV_OVERLAY_DIR ${CMAKE_CURRENT_SOURCE_DIR}/overlay)
  add_executable(tv_overlay_test ${TV_OVERLAY_DIR}/overlay_test.c)
  target_link_libraries(tv_overlay_test PRIVATE tv_gui m)
  add_test(NAME viewer_overlay
           COMMAND tv_overlay_test ${TV_OVERLAY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/overlay-out)
  set_tests_properties(viewer_overlay PROPERTIES LABELS viewer TIMEOUT 120
    ENVIRONMENT_MODIFICATION "DISPLAY=unset:;WAYLAND_DISPLAY=unset:;SDL_VIDEODRIVER=unset:")
endif()
