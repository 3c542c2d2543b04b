# Sets up OBS for building the plugin on Windows and macOS, from the versions and SHA-256 hashes pinned in
# buildspec.json: OBS's pre-built dependencies and Qt 6 (obs-deps releases), and OBS's sources, of which libobs and
# obs-frontend-api are built and installed into .deps/ (the same steps as OBS's plugin template).
# Usage: cmake -DPLATFORM=windows-x64|macos -P .github/scripts/obs-deps.cmake   (from the repository's root)
# Afterwards CMAKE_PREFIX_PATH needs .deps, .deps/obs-deps-<version>-<arch> and .deps/obs-deps-qt6-<version>-<arch>;
# the presets windows-x64 and macos in CMakePresets.json set it.
cmake_minimum_required(VERSION 3.25)

if(PLATFORM STREQUAL "windows-x64")
  set(arch x64)
  set(prebuilt_file "windows-deps-VERSION-x64.zip")
  set(qt6_file "windows-deps-qt6-VERSION-x64.zip")
  set(obs_file "VERSION.zip")
  set(obs_configure -G "Visual Studio 17 2022" -A x64 -DOBS_CMAKE_VERSION:STRING=3.0.0 -DCMAKE_ENABLE_SCRIPTING=OFF)
  set(obs_install_extra --component obs_libraries)
elseif(PLATFORM STREQUAL "macos")
  set(arch universal)
  set(prebuilt_file "macos-deps-VERSION-universal.tar.xz")
  set(qt6_file "macos-deps-qt6-VERSION-universal.tar.xz")
  set(obs_file "VERSION.tar.gz")
  set(obs_configure -G Xcode "-DCMAKE_OSX_ARCHITECTURES:STRING=arm64;x86_64" -DCMAKE_OSX_DEPLOYMENT_TARGET=11.0
                    -DOBS_CMAKE_VERSION:STRING=3.0.0)
  set(obs_install_extra "")
else()
  message(FATAL_ERROR "PLATFORM must be windows-x64 or macos, not '${PLATFORM}'")
endif()

set(deps "${CMAKE_CURRENT_LIST_DIR}/../../.deps")
cmake_path(NORMAL_PATH deps)
file(MAKE_DIRECTORY "${deps}")
file(READ "${CMAKE_CURRENT_LIST_DIR}/../../buildspec.json" spec)

# Downloads one buildspec dependency into .deps (checked against its pinned hash) and unpacks it into `into`.
function(fetch name file_pattern into)
  string(JSON version GET "${spec}" dependencies ${name} version)
  string(JSON base GET "${spec}" dependencies ${name} baseUrl)
  string(JSON hash GET "${spec}" dependencies ${name} hashes ${PLATFORM})
  string(REPLACE "VERSION" "${version}" file "${file_pattern}")
  if(name STREQUAL "obs-studio")
    set(url "${base}/${file}")
  else()
    set(url "${base}/${version}/${file}")
  endif()
  message(STATUS "${name} ${version}: ${url}")
  file(DOWNLOAD "${url}" "${deps}/${file}" EXPECTED_HASH SHA256=${hash} TLS_VERIFY ON STATUS status)
  list(GET status 0 code)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "download failed: ${status}")
  endif()
  string(REPLACE "VERSION" "${version}" into "${into}")
  file(MAKE_DIRECTORY "${deps}/${into}")
  file(ARCHIVE_EXTRACT INPUT "${deps}/${file}" DESTINATION "${deps}/${into}")
  set(fetched_${name} "${deps}/${into}" PARENT_SCOPE)
  set(version_${name} "${version}" PARENT_SCOPE)
endfunction()

fetch(prebuilt "${prebuilt_file}" "obs-deps-VERSION-${arch}")
fetch(qt6 "${qt6_file}" "obs-deps-qt6-VERSION-${arch}")
# GitHub's source archives hold one folder, obs-studio-<version>.
fetch(obs-studio "${obs_file}" ".")
set(obs_source "${deps}/obs-studio-${version_obs-studio}")

# libobs and obs-frontend-api only: no OBS plugins, no OBS window (ENABLE_UI in older OBS sources, ENABLE_FRONTEND
# in newer ones; the other is ignored).
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${obs_source}" -B "${obs_source}/build_${arch}" ${obs_configure}
          -DENABLE_PLUGINS:BOOL=OFF -DENABLE_UI:BOOL=OFF -DENABLE_FRONTEND:BOOL=OFF
          -DOBS_VERSION_OVERRIDE:STRING=${version_obs-studio}
          "-DCMAKE_PREFIX_PATH=${fetched_prebuilt};${fetched_qt6}" COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${obs_source}/build_${arch}" --target obs-frontend-api --config
                        Release --parallel COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${obs_source}/build_${arch}" --component Development --config
                        Release --prefix "${deps}" ${obs_install_extra} COMMAND_ERROR_IS_FATAL ANY)
message(STATUS "OBS ${version_obs-studio} development files in ${deps}")
