# Finds what the plugin needs. On Linux everything comes from the distribution (Debian: libobs-dev,
# libmp3lame-dev, libcpp-httplib-dev, nlohmann-json3-dev). On Windows and macOS, buildspec.json's dependencies are
# unpacked into CMAKE_PREFIX_PATH; cpp-httplib and nlohmann/json are then found through their CMake packages.
find_package(Threads REQUIRED)
find_package(libobs REQUIRED)
find_package(obs-frontend-api QUIET)

# LAME has no CMake package or pkg-config file upstream: look for the header and the library.
find_path(LAME_INCLUDE_DIR lame/lame.h REQUIRED)
find_library(LAME_LIBRARY NAMES mp3lame libmp3lame libmp3lame-static REQUIRED)
add_library(sse_audio_lame INTERFACE)
target_include_directories(sse_audio_lame SYSTEM INTERFACE "${LAME_INCLUDE_DIR}")
target_link_libraries(sse_audio_lame INTERFACE "${LAME_LIBRARY}")

# cpp-httplib: Debian ships a compiled library with a pkg-config file whose Cflags must be used (they switch on
# OpenSSL, zlib and Brotli in the header to match the library). Elsewhere, its CMake package or the header alone.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(CPPHTTPLIB IMPORTED_TARGET cpp-httplib)
endif()
add_library(sse_audio_httplib INTERFACE)
if(CPPHTTPLIB_FOUND)
  target_link_libraries(sse_audio_httplib INTERFACE PkgConfig::CPPHTTPLIB)
else()
  find_package(httplib CONFIG REQUIRED)
  target_link_libraries(sse_audio_httplib INTERFACE httplib::httplib)
endif()

find_package(nlohmann_json 3.9 REQUIRED)
