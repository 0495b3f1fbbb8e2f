#!/usr/bin/env bash
# Audio needs Debian tools: ffmpeg (convert uploads), sox, espeak-ng (TTS), pocketsphinx with its
# English model (the speech check). When we are root on Debian, install what is missing; otherwise
# say so in one line and go on: the app starts anyway with those features switched off.
set -uo pipefail
missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v sox >/dev/null 2>&1 || missing+=(sox)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v pocketsphinx_continuous >/dev/null 2>&1 || missing+=(pocketsphinx)
[ -d /usr/share/pocketsphinx/model/en-us ] || missing+=(pocketsphinx-en-us)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing audio tools: ${missing[*]} (apt-get)…" >&2
  if apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    exit 0
  fi
  echo "could not install ${missing[*]}; audio features stay off until they are installed" >&2
  exit 0
fi
echo "audio tools missing (${missing[*]}): install them with 'sudo apt-get install ${missing[*]}'; recording, TTS and the speech check stay off until then" >&2
exit 0
