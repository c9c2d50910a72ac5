#!/usr/bin/env bash
# The message catalogues, with Babel (docs/translating.md): extract the English messages into a template per domain,
# bring the Chinese catalogue up to date with it, and compile it (installing the package compiles too: setup.py).
#   bash claims/locale/catalogues.sh            # extract + update (then translate the new entries in the .po files)
#   bash claims/locale/catalogues.sh compile    # compile the .mo files in place, for a source checkout
set -euo pipefail
cd "$(dirname "$0")/../.."
PYBABEL="${PYBABEL:-pybabel}"
LOCALE=claims/locale
KEYWORDS=(-k "NP_:1c,2" -k cli_ -k "cli_ngettext:1,2")
extract() {  # domain, folders…
    local domain=$1; shift
    "$PYBABEL" extract --no-location --sort-by-file --project=claims --copyright-holder="the claims authors" \
        "${KEYWORDS[@]}" -o "$LOCALE/$domain.pot" "$@"
}
if [[ "${1:-}" == compile ]]; then
    for domain in claims cli; do "$PYBABEL" compile -d "$LOCALE" -D "$domain"; done
    exit 0
fi
extract claims claims workflows
extract cli cli
for domain in claims cli; do
    if [[ -f "$LOCALE/zh/LC_MESSAGES/$domain.po" ]]; then
        "$PYBABEL" update --no-fuzzy-matching --ignore-obsolete -D "$domain" -i "$LOCALE/$domain.pot" -d "$LOCALE" -l zh
    else
        "$PYBABEL" init -D "$domain" -i "$LOCALE/$domain.pot" -d "$LOCALE" -l zh
    fi
done
