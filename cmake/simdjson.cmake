# Defines the static library `simdjson`, compiled from the amalgamated source that
# ships in the pysimdjson wheel. Needs Python_EXECUTABLE (find_package(Python)).
# simdjson's amalgamated source ships in the `pysimdjson` wheel, a build
# requirement: compile it from there instead of keeping a parser in the repository.
if(NOT SIMDJSON_SOURCE_DIR)
  execute_process(
    COMMAND "${Python_EXECUTABLE}" -c
            "import importlib.util; print(importlib.util.find_spec('simdjson').submodule_search_locations[0])"
    OUTPUT_VARIABLE SIMDJSON_SOURCE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE simdjson_found)
  if(NOT simdjson_found EQUAL 0 OR NOT EXISTS "${SIMDJSON_SOURCE_DIR}/simdjson.cpp")
    message(FATAL_ERROR "simdjson.cpp not found: install the build requirement `pysimdjson` "
                        "or pass -DSIMDJSON_SOURCE_DIR=<folder with simdjson.cpp and simdjson.h>")
  endif()
endif()
message(STATUS "simdjson from ${SIMDJSON_SOURCE_DIR}")
add_library(simdjson STATIC "${SIMDJSON_SOURCE_DIR}/simdjson.cpp")
target_include_directories(simdjson SYSTEM PUBLIC "${SIMDJSON_SOURCE_DIR}")
# Runtime dispatch picks the widest SIMD kernels the CPU has; threads are ours.
target_compile_definitions(simdjson PUBLIC SIMDJSON_THREADS_ENABLED=0)
