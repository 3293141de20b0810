# Finds Google's libphonenumber (Debian: libphonenumber8 for the library, libphonenumber-dev for
# the headers) and defines the imported target PhoneNumber::PhoneNumber.
#
# Debian 12's libphonenumber-dev cannot be installed beside Boost 1.81 (it depends on the
# default Boost 1.74's thread package, which conflicts), so scripts/setup-deps.sh unpacks that
# package's headers into a versioned cache directory instead; PHONENUMBER_ROOT (a cache or
# environment variable) or that cache is searched before /usr/include.
if(WIN32)
  # The Windows build links the static libphonenumber that scripts/windows/build-deps.sh made
  # (ICU for Unicode and its regex engine, abseil, protobuf-lite); the
  # dependency prefix is on CMAKE_PREFIX_PATH.
  find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
  find_library(PhoneNumber_LIBRARY NAMES libphonenumber.a phonenumber)
  find_library(PhoneNumber_PROTOBUF_LIBRARY NAMES libprotobuf-lite.a protobuf-lite)
  find_library(PhoneNumber_ICUI18N_LIBRARY NAMES libsicuin.a sicuin icuin)
  find_library(PhoneNumber_ICUUC_LIBRARY NAMES libsicuuc.a sicuuc icuuc)
  find_library(PhoneNumber_ICUDATA_LIBRARY NAMES libsicudt.a sicudt icudt)
  find_package(absl CONFIG REQUIRED)
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(PhoneNumber
    REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR PhoneNumber_PROTOBUF_LIBRARY
                  PhoneNumber_ICUI18N_LIBRARY PhoneNumber_ICUUC_LIBRARY PhoneNumber_ICUDATA_LIBRARY
    REASON_FAILURE_MESSAGE "run scripts/windows/build-deps.sh and pass its prefix as CMAKE_PREFIX_PATH")
  if(PhoneNumber_FOUND AND NOT TARGET PhoneNumber::PhoneNumber)
    add_library(PhoneNumber::PhoneNumber STATIC IMPORTED)
    set_target_properties(PhoneNumber::PhoneNumber PROPERTIES
      IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}"
      # The library was built with std::mutex and static ICU: its headers must see the same.
      INTERFACE_COMPILE_DEFINITIONS "I18N_PHONENUMBERS_USE_STDMUTEX;U_STATIC_IMPLEMENTATION"
      INTERFACE_LINK_LIBRARIES
        "${PhoneNumber_PROTOBUF_LIBRARY};${PhoneNumber_ICUI18N_LIBRARY};absl::node_hash_set;absl::flat_hash_set;absl::strings;absl::str_format;absl::synchronization;${PhoneNumber_ICUUC_LIBRARY};${PhoneNumber_ICUDATA_LIBRARY}")
  endif()
  return()
endif()

set(_phonenumber_hints)
foreach(_root "${PHONENUMBER_ROOT}" "$ENV{PHONENUMBER_ROOT}")
  if(_root)
    list(APPEND _phonenumber_hints "${_root}/usr/include" "${_root}/include")
  endif()
endforeach()
set(_cache "$ENV{XDG_CACHE_HOME}")
if(NOT _cache)
  set(_cache "$ENV{HOME}/.cache")
endif()
file(GLOB _phonenumber_cached LIST_DIRECTORIES true "${_cache}/crmhost/libphonenumber-dev-*/usr/include")
list(APPEND _phonenumber_hints ${_phonenumber_cached})

find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h HINTS ${_phonenumber_hints})
# The unversioned libphonenumber.so comes with the -dev package; the runtime package has only
# the SONAME, which is what we link (and what the .deb then depends on).
find_library(PhoneNumber_LIBRARY NAMES phonenumber libphonenumber.so.8)
find_library(PhoneNumber_PROTOBUF_LIBRARY NAMES protobuf)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR PhoneNumber_PROTOBUF_LIBRARY
  REASON_FAILURE_MESSAGE "run scripts/setup-deps.sh (it installs libphonenumber8, libprotobuf-dev and libabsl-dev and unpacks libphonenumber-dev's headers)")

if(PhoneNumber_FOUND AND NOT TARGET PhoneNumber::PhoneNumber)
  add_library(PhoneNumber::PhoneNumber UNKNOWN IMPORTED)
  set_target_properties(PhoneNumber::PhoneNumber PROPERTIES
    IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${PhoneNumber_PROTOBUF_LIBRARY}")
endif()
mark_as_advanced(PhoneNumber_INCLUDE_DIR PhoneNumber_LIBRARY PhoneNumber_PROTOBUF_LIBRARY)
