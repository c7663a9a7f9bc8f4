# tv_bench: the viewer's benchmark (issue 3, section 7) — load time, resident
# memory per event and frame time for generated 1M and 10M event traces.
# Built into build/bin, never registered with ctest. Run it from a Release or
# RelWithDebInfo build: build/bin/tv_bench [--events N] [--keep]
if(TARGET tv_gui)
  add_executable(tv_bench tv_bench.c tv_bench_gen.c tv_bench_base.c)
  target_link_libraries(tv_bench PRIVATE tv_gui)
  target_compile_definitions(tv_bench PRIVATE TV_BENCH_BUILD_TYPE="${CMAKE_BUILD_TYPE}")
endif()
