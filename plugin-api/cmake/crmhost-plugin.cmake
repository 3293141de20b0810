# Building a crmhost plugin outside the crmhost tree, against the installed plugin API:
#
#   include(<prefix>/share/crmhost/cmake/crmhost-plugin.cmake)
#   crmhost_plugin(acme SOURCES plugin.cpp)          # -> acme.so
#
# The rules are the ones crmhost's own plugins are built with (docs/PLUGIN_ABI.md): a MODULE
# library without the "lib" prefix, C++20, hidden visibility, -fno-gnu-unique, a version script
# that exports only crmh_plugin_entry, -z defs, and the SDK's Boost.JSON implementation unit.
get_filename_component(CRMHOST_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(CRMHOST_PLUGIN_INCLUDE_DIR "${CRMHOST_PREFIX}/include")
set(CRMHOST_PLUGIN_SDK_DIR "${CMAKE_CURRENT_LIST_DIR}/../sdk")
find_package(Boost 1.81 REQUIRED)  # Boost.JSON headers (the SDK compiles its implementation in)

function(crmhost_plugin target)
  cmake_parse_arguments(P "" "" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${P_SOURCES} "${CRMHOST_PLUGIN_SDK_DIR}/sdk_json_impl.cpp")
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON C_VISIBILITY_PRESET hidden)
  target_include_directories(${target} PRIVATE "${CRMHOST_PLUGIN_INCLUDE_DIR}")
  target_link_libraries(${target} PRIVATE Boost::headers)
  target_compile_options(${target} PRIVATE -fno-gnu-unique -Wall -Wextra)
  target_link_options(${target} PRIVATE
    "-Wl,--version-script=${CRMHOST_PLUGIN_SDK_DIR}/plugin.map" -Wl,-z,defs)
endfunction()
