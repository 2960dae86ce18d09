#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing; a no-op when present.
#   scripts/lib/ensure-system.sh            redis-server
#   scripts/lib/ensure-system.sh chromium   redis-server and chromium (browser tests, demo)
set -euo pipefail

declare -A binary_of=([redis-server]=/usr/bin/redis-server [chromium]=/usr/bin/chromium)
wanted=(redis-server "$@")
missing=()
for pkg in "${wanted[@]}"; do
  bin="${binary_of[$pkg]:-}"
  if [[ -z "$bin" ]]; then
    echo "ensure-system: unknown package '$pkg' (known: ${!binary_of[*]})" >&2
    exit 2
  fi
  [[ -x "$bin" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "ensure-system: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "ensure-system: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >&2
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
for pkg in "${missing[@]}"; do
  [[ -x "${binary_of[$pkg]}" ]] || { echo "ensure-system: $pkg installed but ${binary_of[$pkg]} is missing" >&2; exit 1; }
done
