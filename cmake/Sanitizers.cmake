# Sanitizer builds for the test suite (scripts/test-sanitizers.sh): -DSSE_AUDIO_SANITIZE=address,undefined or
# -DSSE_AUDIO_SANITIZE=thread instruments every target of the project (core, plugin, host, tests). Libraries from
# the system (libobs, Qt, LAME, cpp-httplib) are not instrumented; tests/sanitizers/*.supp names what they leave.
set(SSE_AUDIO_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined or thread (empty: none)")

if(SSE_AUDIO_SANITIZE)
  if(MSVC)
    message(FATAL_ERROR "SSE_AUDIO_SANITIZE is for GCC and Clang")
  endif()
  if(SSE_AUDIO_SANITIZE MATCHES "thread" AND SSE_AUDIO_SANITIZE MATCHES "address")
    message(FATAL_ERROR "ThreadSanitizer cannot be combined with AddressSanitizer: use two build folders")
  endif()
  # Frame pointers give whole stacks in reports at little cost.
  set(_sse_sanitize_flags -fsanitize=${SSE_AUDIO_SANITIZE} -fno-omit-frame-pointer)
  if(SSE_AUDIO_SANITIZE MATCHES "undefined")
    # Undefined behaviour stops the program like a memory error does, so no finding can scroll by unnoticed.
    list(APPEND _sse_sanitize_flags -fno-sanitize-recover=undefined)
  endif()
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GCC" OR CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis misreads the sanitizers' added checks and warns about the standard library's own code
    # (std::regex, std::function: "may be used uninitialized"). The plain build keeps these warnings as errors.
    list(APPEND _sse_sanitize_flags -Wno-maybe-uninitialized)
  endif()
  add_compile_options(${_sse_sanitize_flags})
  add_link_options(${_sse_sanitize_flags})
  message(STATUS "obs-sse-audio: built with -fsanitize=${SSE_AUDIO_SANITIZE}")
endif()

# libFuzzer targets (tests/fuzz): Clang only. Coverage instrumentation goes into every object so that the fuzzer is
# guided by the core's branches too; only the fuzz targets link libFuzzer's main. Combine with
# -DSSE_AUDIO_SANITIZE=address,undefined so that every input runs under both sanitizers.
option(SSE_AUDIO_FUZZ "Build the libFuzzer targets in tests/fuzz (Clang only)" OFF)
if(SSE_AUDIO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SSE_AUDIO_FUZZ needs Clang (CXX=clang++): libFuzzer is part of Clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
