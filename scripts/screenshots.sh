#!/usr/bin/env bash
# Refreshes the README's screenshots in docs/screenshots/ by running the one browser test that
# takes them, pointed there. The tests themselves write to target/tmp/screenshots/ and never
# touch tracked files.
#
#   scripts/screenshots.sh
#
# Needs Chromium and chromedriver (apt-get install chromium chromium-driver). CI=true makes a
# missing browser fail instead of skipping, so the pictures are never silently left stale.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYBOOK_SCREENSHOTS_DIR=docs/screenshots CI=true \
  cargo test --test browser -- --exact screenshots_of_the_main_pages_for_the_readme
git status --short docs/screenshots
