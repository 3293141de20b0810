# Cross build for Windows x64 with Debian's mingw-w64 (the posix-threads variant: std::thread and
# std::mutex come from winpthreads, which RocksDB and our fiber pool need).
#
#   cmake -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
#         -DCMAKE_PREFIX_PATH=<deps prefix from scripts/windows/build-deps.sh>
#
# scripts/windows/build.sh does both. Everything found must come from the mingw sysroot or the
# dependency prefix, never from the Linux /usr: mixing the two compiles and then crashes.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_triple}-windres)
set(CMAKE_AR ${_triple}-gcc-ar-posix)
set(CMAKE_RANLIB ${_triple}-gcc-ranlib-posix)

# The dependency prefix (CMAKE_PREFIX_PATH) is a root too, or the ONLY modes below would hide it.
set(CMAKE_FIND_ROOT_PATH /usr/${_triple} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Windows 10 1809 / Server 2019 and later: AF_UNIX sockets, SetThreadDescription,
# FILE_DISPOSITION_POSIX_SEMANTICS.
add_compile_definitions(_WIN32_WINNT=0x0A00 WINVER=0x0A00 NOMINMAX WIN32_LEAN_AND_MEAN)

# The C++ and winpthreads runtimes are linked in, so the .exe and every plugin .dll need nothing
# but the system's own DLLs beside them.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static")
