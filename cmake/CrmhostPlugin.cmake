# crmhost_add_plugin(<target> SOURCES ... [OUTPUT_DIR dir])
#
# Builds a loadable crmhost plugin: a MODULE library that exports exactly one symbol
# (crmh_plugin_entry) and nothing else, so two plugins never shadow each other and
# dlclose could really unmap it (-fno-gnu-unique, version script; see docs/PLUGIN_ABI.md).
# C++ plugins get the SDK's Boost.JSON implementation unit added automatically.
set(CRMHOST_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/../plugin-api/plugin.map" CACHE INTERNAL "")
set(CRMHOST_SDK_JSON_IMPL "${CMAKE_CURRENT_LIST_DIR}/../plugin-api/src/sdk_json_impl.cpp" CACHE INTERNAL "")

function(crmhost_add_plugin target)
  cmake_parse_arguments(P "C_ONLY" "OUTPUT_DIR;OUTPUT_NAME" "SOURCES" ${ARGN})
  set(sources ${P_SOURCES})
  if(NOT P_C_ONLY)
    list(APPEND sources "${CRMHOST_SDK_JSON_IMPL}")
  endif()
  add_library(${target} MODULE ${sources})
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR "${CRMHOST_PLUGIN_OUTPUT_DIR}")
  endif()
  if(NOT P_OUTPUT_NAME)
    set(P_OUTPUT_NAME ${target})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${P_OUTPUT_NAME}
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIR}"
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF
    C_STANDARD 11)
  target_link_libraries(${target} PRIVATE crmhost::plugin_api crmhost::warnings)
  if(NOT P_C_ONLY)
    target_link_libraries(${target} PRIVATE crmhost::plugin_sdk)
  endif()
  if(WIN32)
    # A PE .dll exports what is marked __declspec(dllexport) (CRMH_EXPORT: the entry alone) once
    # anything is; the C++ runtime is linked in statically by the toolchain file.
    target_link_options(${target} PRIVATE -Wl,--exclude-all-symbols -Wl,--no-undefined)
  else()
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-gnu-unique>)
    target_link_options(${target} PRIVATE
      -Wl,--version-script=${CRMHOST_PLUGIN_MAP}
      $<$<NOT:$<BOOL:${CRMHOST_SANITIZE}>>:-Wl,-z,defs>)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${CRMHOST_PLUGIN_MAP})
  endif()
endfunction()
