#!/usr/bin/env bash
# Formats cogr's C++ sources with clang-format and the style in .clang-format.
# Usage: scripts/format.sh           rewrites every tracked .cpp/.hpp/.h/.cc file in place
#        scripts/format.sh --check   changes nothing; lists the files that differ and exits 1
#                                    (the `format` test of tests/CMakeLists.txt runs this)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null 2>&1; then
  echo "format.sh: clang-format not found (Debian package clang-format; scripts/install_deps.sh)" >&2
  exit 2
fi

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
else
  mapfile -t files < <(find src include tests bench fuzz python -type f \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.cc' \) -not -path '*/node_modules/*' | sort)
fi

if [[ "${1:-}" == --check ]]; then
  bad=()
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then bad+=("$f"); fi
  done
  if [[ ${#bad[@]} -ne 0 ]]; then
    echo "format.sh: ${#bad[@]} of ${#files[@]} files differ from .clang-format; run scripts/format.sh:" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "format.sh: ${#files[@]} files formatted"
  exit 0
fi

printf '%s\0' "${files[@]}" | xargs -0 clang-format --style=file -i
