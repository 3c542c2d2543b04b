# Where OBS looks for a plugin's module and its data.
# Linux, per user (default): ~/.config/obs-studio/plugins/obs-sse-audio/{bin/64bit,data}
# Linux, system (SSE_AUDIO_SYSTEM_INSTALL=ON): <libdir>/obs-plugins and <datadir>/obs/obs-plugins/obs-sse-audio
include(GNUInstallDirs)

if(SSE_AUDIO_SYSTEM_INSTALL)
  set(SSE_AUDIO_INSTALL_BINDIR "${CMAKE_INSTALL_LIBDIR}/obs-plugins")
  set(SSE_AUDIO_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/obs/obs-plugins/${PROJECT_NAME}")
elseif(UNIX AND NOT APPLE)
  if(DEFINED ENV{XDG_CONFIG_HOME} AND NOT "$ENV{XDG_CONFIG_HOME}" STREQUAL "")
    set(_sse_config_home "$ENV{XDG_CONFIG_HOME}")
  else()
    set(_sse_config_home "$ENV{HOME}/.config")
  endif()
  set(SSE_AUDIO_USER_PLUGIN_DIR "${_sse_config_home}/obs-studio/plugins/${PROJECT_NAME}" CACHE PATH
      "Per-user OBS plugin folder the plugin is installed into")
  set(SSE_AUDIO_INSTALL_BINDIR "${SSE_AUDIO_USER_PLUGIN_DIR}/bin/64bit")
  set(SSE_AUDIO_INSTALL_DATADIR "${SSE_AUDIO_USER_PLUGIN_DIR}/data")
else()
  set(SSE_AUDIO_INSTALL_BINDIR "obs-plugins/64bit")
  set(SSE_AUDIO_INSTALL_DATADIR "data/obs-plugins/${PROJECT_NAME}")
endif()

# Where OBS's own plugins live, for the headless host (it loads obs-ffmpeg or linux-pulseaudio from there).
get_target_property(_sse_libobs_location OBS::libobs IMPORTED_LOCATION_NONE)
if(NOT _sse_libobs_location)
  get_target_property(_sse_libobs_location OBS::libobs LOCATION)
endif()
get_filename_component(_sse_libobs_dir "${_sse_libobs_location}" DIRECTORY)
set(SSE_AUDIO_OBS_SYSTEM_PLUGINS "${_sse_libobs_dir}/obs-plugins" CACHE PATH "OBS's system plugin folder")
set(SSE_AUDIO_OBS_SYSTEM_DATA "/usr/share/obs/obs-plugins" CACHE PATH "OBS's system plugin data folder")
