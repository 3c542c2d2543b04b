# Cross-compiles for Windows x64 with Debian's MinGW-w64 (g++-mingw-w64-x86-64-posix). The posix flavour is the
# one whose libstdc++ has std::thread and std::mutex; the win32 flavour lacks them in GCC 12.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_sse_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_sse_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_sse_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${_sse_mingw}-windres)

# Libraries and headers come from the MinGW sysroot and from the prefixes the caller names (CMAKE_PREFIX_PATH):
# never from the build machine's /usr, whose glibc headers would compile and then fail at link time.
set(CMAKE_FIND_ROOT_PATH /usr/${_sse_mingw} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Test executables run under Wine: ctest and gtest_discover_tests prefix them with this.
find_program(SSE_AUDIO_WINE NAMES wine wine64)
if(SSE_AUDIO_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${SSE_AUDIO_WINE})
endif()

# The executables carry the C++ runtime and winpthread inside them: no MinGW DLLs to copy next to each under Wine.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
