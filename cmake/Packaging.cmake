# Release packages built by CPack from the same build tree (`cpack -G DEB` or `cpack -G TXZ` in the build folder):
#   obs-sse-audio_<version>_<arch>.deb  the plugin in OBS's system folders (Debian 12 / Ubuntu), Depends computed by
#                                        dpkg-shlibdeps from what the module links, plus obs-studio itself
#   obs-sse-audio-<version>-linux-<arch>.tar.xz  the per-user layout: unpack into ~/.config/obs-studio/plugins/
# The plugin is installed a second and third time, in components that plain `cmake --install` leaves out (it keeps
# installing the layout chosen in InstallLayout.cmake); cmake/PackagingPerGenerator.cmake picks the component that
# each generator packs. Both use the project version, which is also the one the plugin logs and reports.
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  return()
endif()

# The .deb's paths are relative to /usr and match where this machine's libobs looks for plugins
# (SSE_AUDIO_OBS_SYSTEM_PLUGINS, read from libobs's location), e.g. lib/x86_64-linux-gnu/obs-plugins on Debian.
set(SSE_AUDIO_PACKAGE_PREFIX "/usr")
cmake_path(RELATIVE_PATH SSE_AUDIO_OBS_SYSTEM_PLUGINS BASE_DIRECTORY "${SSE_AUDIO_PACKAGE_PREFIX}"
           OUTPUT_VARIABLE _sse_deb_bindir)
cmake_path(RELATIVE_PATH SSE_AUDIO_OBS_SYSTEM_DATA BASE_DIRECTORY "${SSE_AUDIO_PACKAGE_PREFIX}"
           OUTPUT_VARIABLE _sse_deb_datadir)
if(_sse_deb_bindir MATCHES "^\\.\\." OR _sse_deb_datadir MATCHES "^\\.\\.")
  message(STATUS "obs-sse-audio: libobs is outside /usr (${SSE_AUDIO_OBS_SYSTEM_PLUGINS}); no .deb package")
  set(_sse_deb_bindir "")
endif()

if(_sse_deb_bindir)
  install(TARGETS obs-sse-audio LIBRARY DESTINATION "${_sse_deb_bindir}" COMPONENT system EXCLUDE_FROM_ALL)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/data/" DESTINATION "${_sse_deb_datadir}/${PROJECT_NAME}"
          COMPONENT system EXCLUDE_FROM_ALL)
endif()
install(TARGETS obs-sse-audio LIBRARY DESTINATION "${PROJECT_NAME}/bin/64bit" COMPONENT user EXCLUDE_FROM_ALL)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/data/" DESTINATION "${PROJECT_NAME}/data" COMPONENT user
        EXCLUDE_FROM_ALL)

set(CPACK_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "obs-sse-audio developers")
set(CPACK_PACKAGE_CONTACT "obs-sse-audio developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "OBS Studio plugin streaming OBS's audio to web browsers over Server-Sent Events")
set(CPACK_PACKAGE_DESCRIPTION
    "Encodes OBS's live audio to MP3 and serves it from an embedded HTTP server as Server-Sent Events, with a \
browser player, a plain MP3 stream for radio players, and a dock in OBS (Tools > SSE Audio Stream).")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/packages")
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(_sse_arch "x86_64")
else()
  set(_sse_arch "${CMAKE_SYSTEM_PROCESSOR}")
endif()

# Archive (TXZ): obs-sse-audio/bin/64bit/obs-sse-audio.so and obs-sse-audio/data/... at the top.
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_FILE_NAME "${PROJECT_NAME}-${PROJECT_VERSION}-linux-${_sse_arch}")
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY OFF)

# Debian package. Its name, version and the Depends dpkg-shlibdeps finds (libobs0, libmp3lame0,
# libcpp-httplib0.11, libqt5widgets5, libqrencode4, ...); obs-studio because the dock needs OBS's frontend.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_PACKAGE_NAME "${PROJECT_NAME}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION "video")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "obs-studio (>= 29)")

set(CPACK_GENERATOR "DEB;TXZ")
if(_sse_deb_bindir)
  set(SSE_AUDIO_PACKAGE_HAS_DEB ON)
else()
  set(SSE_AUDIO_PACKAGE_HAS_DEB OFF)
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/PackagingPerGenerator.cmake.in"
               "${PROJECT_BINARY_DIR}/PackagingPerGenerator.cmake" @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_BINARY_DIR}/PackagingPerGenerator.cmake")
include(CPack)
