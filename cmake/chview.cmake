# chview_library(NAME SOURCES ... DEPS ...): a layer library rooted at src/.
function(chview_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(chview_${name} STATIC ${ARG_SOURCES})
  target_include_directories(chview_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(chview_${name} PUBLIC ${ARG_DEPS})
endfunction()

# chview_unit_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with
# ctest under the "unit" label (run by the sanitizer build too).
function(chview_unit_test name)
  if(NOT CHVIEW_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  set(labels unit ${ARG_LABELS})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${labels}")
  set_property(GLOBAL APPEND PROPERTY CHVIEW_UNIT_TESTS ${name})
endfunction()
