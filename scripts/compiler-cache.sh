# Sourced by scripts/test.sh and scripts/test-sanitizers.sh: sets `compiler_cache` to the CMake flags that build
# through ccache when it is installed (empty otherwise). Paths are made relative to the checkout, so that a fresh
# clone in another folder reuses what an earlier build compiled.
compiler_cache=()
if command -v ccache >/dev/null; then
	export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
	compiler_cache=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
