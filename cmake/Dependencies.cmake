# Finds what the plugin needs. On Linux everything comes from the distribution (Debian: libobs-dev,
# libmp3lame-dev, libcpp-httplib-dev, nlohmann-json3-dev). On Windows and macOS, buildspec.json's dependencies are
# unpacked into CMAKE_PREFIX_PATH; cpp-httplib and nlohmann/json are then found through their CMake packages.
find_package(Threads REQUIRED)
if(NOT SSE_AUDIO_CORE_ONLY)
  find_package(libobs REQUIRED)
  # The dock and the Tools-menu entry: OBS's frontend API and Qt Widgets. The dock lives in OBS's own main window,
  # so it must use the Qt major version OBS runs on: two Qt versions in one process cannot share widgets (the
  # plugin's QApplication::instance() would even be null). OBS's own builds use Qt 6 since OBS 28, but Debian 12's
  # OBS 29 is built with Qt 5. The installed obs binary tells which; -DSSE_AUDIO_QT_VERSION=5 or 6 overrides.
  find_package(obs-frontend-api REQUIRED)
  if(NOT SSE_AUDIO_QT_VERSION)
    set(_sse_qt_version 6)
    find_program(SSE_AUDIO_OBS_EXECUTABLE obs)
    if(SSE_AUDIO_OBS_EXECUTABLE AND UNIX AND NOT APPLE)
      execute_process(COMMAND ldd "${SSE_AUDIO_OBS_EXECUTABLE}" OUTPUT_VARIABLE _sse_obs_libraries ERROR_QUIET)
      if(_sse_obs_libraries MATCHES "libQt5Widgets")
        set(_sse_qt_version 5)
      endif()
    endif()
    set(SSE_AUDIO_QT_VERSION ${_sse_qt_version} CACHE STRING "Qt major version of the OBS the plugin is for (5 or 6)")
  endif()
  find_package(Qt${SSE_AUDIO_QT_VERSION} REQUIRED COMPONENTS Widgets)
  add_library(sse_audio_qt_widgets INTERFACE)
  target_link_libraries(sse_audio_qt_widgets INTERFACE Qt${SSE_AUDIO_QT_VERSION}::Widgets)
  message(STATUS "obs-sse-audio: dock built with Qt ${SSE_AUDIO_QT_VERSION} (the Qt of ${SSE_AUDIO_OBS_EXECUTABLE})")
endif()

# LAME has no CMake package or pkg-config file upstream: look for the header and the library.
find_path(LAME_INCLUDE_DIR lame/lame.h REQUIRED)
find_library(LAME_LIBRARY NAMES mp3lame libmp3lame libmp3lame-static REQUIRED)
add_library(sse_audio_lame INTERFACE)
target_include_directories(sse_audio_lame SYSTEM INTERFACE "${LAME_INCLUDE_DIR}")
target_link_libraries(sse_audio_lame INTERFACE "${LAME_LIBRARY}")

# cpp-httplib: Debian ships a compiled library with a pkg-config file whose Cflags must be used (they switch on
# OpenSSL, zlib and Brotli in the header to match the library). Elsewhere, its CMake package or the header alone.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND AND NOT CMAKE_CROSSCOMPILING)
  pkg_check_modules(CPPHTTPLIB IMPORTED_TARGET cpp-httplib)
endif()
add_library(sse_audio_httplib INTERFACE)
if(CPPHTTPLIB_FOUND)
  target_link_libraries(sse_audio_httplib INTERFACE PkgConfig::CPPHTTPLIB)
elseif(WIN32 AND SSE_AUDIO_CORE_ONLY)
  # The MinGW build takes Debian's header alone (scripts/test-windows.sh puts it in the prefix), without TLS or
  # compression; sse_audio_core brings Winsock.
  find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)
  target_include_directories(sse_audio_httplib SYSTEM INTERFACE "${HTTPLIB_INCLUDE_DIR}")
else()
  find_package(httplib CONFIG REQUIRED)
  target_link_libraries(sse_audio_httplib INTERFACE httplib::httplib)
  get_target_property(_sse_httplib_hints httplib::httplib INTERFACE_INCLUDE_DIRECTORIES)
endif()
# src/core/net/takeover_server.cpp reshapes cpp-httplib's Server through internals that change between its releases
# (it is the one file that touches them). Only versions it has been built and tested with are accepted: their
# version comes from the header the build will use, and reaches that file as SSE_AUDIO_HTTPLIB_VERSION.
set(SSE_AUDIO_HTTPLIB_TESTED "0.11.4 (Debian 12), 0.18.7 (Debian 13) and 0.41.0 (Debian sid)")
find_file(SSE_AUDIO_HTTPLIB_HEADER httplib.h HINTS ${CPPHTTPLIB_INCLUDE_DIRS} ${_sse_httplib_hints} NO_CACHE REQUIRED)
file(STRINGS "${SSE_AUDIO_HTTPLIB_HEADER}" _sse_httplib_define REGEX "^#define CPPHTTPLIB_VERSION \"[0-9.]+\"")
if(NOT _sse_httplib_define MATCHES "\"([0-9]+)\\.([0-9]+)\\.([0-9]+)\"")
  message(FATAL_ERROR "obs-sse-audio: no CPPHTTPLIB_VERSION in ${SSE_AUDIO_HTTPLIB_HEADER}")
endif()
set(SSE_AUDIO_HTTPLIB_VERSION_STRING "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${CMAKE_MATCH_3}")
math(EXPR SSE_AUDIO_HTTPLIB_VERSION "${CMAKE_MATCH_1} * 1000000 + ${CMAKE_MATCH_2} * 1000 + ${CMAKE_MATCH_3}")
# From 0.11.4 to 0.41.x: the three tested releases, and the ones between, whose changes to the internals used
# (0.15, 0.18, 0.19, 0.20) takeover_server.cpp follows.
if(SSE_AUDIO_HTTPLIB_VERSION LESS 11004 OR SSE_AUDIO_HTTPLIB_VERSION GREATER_EQUAL 42000)
  message(FATAL_ERROR "obs-sse-audio: cpp-httplib ${SSE_AUDIO_HTTPLIB_VERSION_STRING} (${SSE_AUDIO_HTTPLIB_HEADER}) "
                      "is outside the tested range 0.11.4 to 0.41.x (tested: ${SSE_AUDIO_HTTPLIB_TESTED}). "
                      "src/core/net/takeover_server.cpp uses cpp-httplib internals that change between releases: "
                      "build it and run the tests with the new version before widening the range here.")
endif()
message(STATUS "obs-sse-audio: cpp-httplib ${SSE_AUDIO_HTTPLIB_VERSION_STRING} (${SSE_AUDIO_HTTPLIB_HEADER})")

find_package(nlohmann_json 3.9 REQUIRED)

# libqrencode draws the listener URL's QR code in the dock (Debian: libqrencode-dev).
if(NOT SSE_AUDIO_CORE_ONLY)
  pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
endif()
