# Installs cogr into PREFIX for the consumer tests (tests/package/CMakeLists.txt), then checks
# the installed library. Run with cmake -P and:
#   LINKAGE      static | shared: what the installed libcogr must be
#   PREFIX       install prefix (emptied first)
#   BUILD_DIR    with FROM_BUILD=ON: a configured, built tree of cogr to install from;
#                else a directory where cogr is configured from SOURCE_DIR with only the
#                library (no tests, no CLI) and built, reused between runs
#   SOURCE_DIR, GENERATOR, CXX, C, BUILD_TYPE, CXX_FLAGS, WERROR, SANITIZE, LAUNCHER, LAZY_LOAD:
#                the options of the main build, repeated for that library-only build
#   READELF, NM, CXXFILT: binutils used for the checks
cmake_minimum_required(VERSION 3.21)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    string(JOIN " " cmd ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

if(NOT FROM_BUILD)
  if(LINKAGE STREQUAL "shared")
    set(shared ON)
  else()
    set(shared OFF)
  endif()
  set(args -S ${SOURCE_DIR} -B ${BUILD_DIR} -G ${GENERATOR}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_C_COMPILER=${C}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DBUILD_SHARED_LIBS=${shared}
    -DCOGR_BUILD_TESTS=OFF -DCOGR_BUILD_CLI=OFF -DCOGR_BUILD_BENCH=OFF -DCOGR_BUILD_FUZZERS=OFF
    -DCOGR_INSTALL=ON -DCOGR_WARNINGS_AS_ERRORS=${WERROR} -DCOGR_SANITIZE=${SANITIZE}
    -DCOGR_LAZY_LOAD=${LAZY_LOAD})
  if(LAUNCHER)
    list(APPEND args -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER} -DCMAKE_C_COMPILER_LAUNCHER=${LAUNCHER})
  endif()
  run(${CMAKE_COMMAND} ${args})
  run(${CMAKE_COMMAND} --build ${BUILD_DIR} --target cogr)
endif()

file(REMOVE_RECURSE ${PREFIX})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} --component lib)

# The installed tree: package files, headers, and a library of the expected kind.
file(GLOB libdirs LIST_DIRECTORIES true ${PREFIX}/lib*)
list(LENGTH libdirs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one lib directory under ${PREFIX}, found: ${libdirs}")
endif()
foreach(file cmake/cogr/cogrConfig.cmake cmake/cogr/cogrConfigVersion.cmake cmake/cogr/cogrTargets.cmake
             pkgconfig/cogr.pc)
  if(NOT EXISTS ${libdirs}/${file})
    message(FATAL_ERROR "not installed: ${libdirs}/${file}")
  endif()
endforeach()
foreach(header cogr.hpp version.hpp export.hpp build_info.hpp dataset.hpp status.hpp)
  if(NOT EXISTS ${PREFIX}/include/cogr/${header})
    message(FATAL_ERROR "not installed: ${PREFIX}/include/cogr/${header}")
  endif()
endforeach()
file(GLOB internal_headers ${PREFIX}/include/cogr/*/*.hpp ${PREFIX}/include/util/*)
if(internal_headers)
  message(FATAL_ERROR "internal headers installed: ${internal_headers}")
endif()
file(READ ${libdirs}/cmake/cogr/cogrTargets.cmake targets)
if(targets MATCHES "nlohmann" OR targets MATCHES "${SOURCE_DIR}")
  message(FATAL_ERROR "cogrTargets.cmake names a build-only dependency or the source tree")
endif()

file(GLOB shared_libs ${libdirs}/libcogr.so*)
file(GLOB static_libs ${libdirs}/libcogr.a)
if(LINKAGE STREQUAL "static")
  if(shared_libs OR NOT static_libs)
    message(FATAL_ERROR "static install: expected only libcogr.a, found ${shared_libs} ${static_libs}")
  endif()
  message(STATUS "installed static libcogr.a into ${PREFIX}")
  return()
endif()

if(static_libs OR NOT EXISTS ${libdirs}/libcogr.so)
  message(FATAL_ERROR "shared install: expected libcogr.so, found ${shared_libs} ${static_libs}")
endif()
file(GLOB real_libs ${libdirs}/libcogr.so.*.*.*)
list(LENGTH real_libs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one libcogr.so.<version>, found: ${real_libs}")
endif()
run(${READELF} -d ${real_libs})
if(NOT run_output MATCHES "Library soname: \\[libcogr\\.so\\.[0-9]+\\]")
  message(FATAL_ERROR "libcogr has no SONAME libcogr.so.<major>:\n${run_output}")
endif()
string(REGEX MATCH "libcogr\\.so\\.[0-9]+" soname "${run_output}")

# The exported symbols are the public API: no cogr::internal, no fuzz entry points.
run(${NM} -D --defined-only ${real_libs})
set(mangled "${run_output}")
file(WRITE ${PREFIX}/exported.txt "${mangled}")
execute_process(COMMAND ${CXXFILT} INPUT_FILE ${PREFIX}/exported.txt OUTPUT_VARIABLE demangled RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CXXFILT} failed")
endif()
string(REGEX MATCHALL "[^\n]+" lines "${demangled}")
set(total 0)
set(api 0)
set(bad "")
foreach(line IN LISTS lines)
  math(EXPR total "${total} + 1")
  if(line MATCHES "cogr::internal" OR line MATCHES "Fuzz")
    string(APPEND bad "${line}\n")
  elseif(line MATCHES " (typeinfo name for |typeinfo for |vtable for |construction vtable for )?cogr::")
    math(EXPR api "${api} + 1")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "${soname} exports internals:\n${bad}")
endif()
message(STATUS "installed shared ${soname} into ${PREFIX}: ${total} exported symbols, ${api} of them cogr::")
