#!/bin/sh
# Runs the unit test binary $1 as user nobody, proving the unit tests need no
# root. From a copy in a fresh directory: the build tree may be where nobody
# cannot reach. Skipped (exit 77) unless run as root.
set -eu
if [ "$(id -u)" -ne 0 ]; then
  echo "as_nobody: not root, cannot become nobody; skipped"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$1" "$dir/"
chmod 755 "$dir" "$dir/$(basename "$1")"
cd "$dir"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- env HOME="$dir" "$dir/$(basename "$1")"
