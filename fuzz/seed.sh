#!/bin/sh
# Copy seed inputs from the repository's fixtures and example site into fuzz/corpus/
# (git-ignored; libFuzzer adds what it finds there). Run from the repository root or
# from fuzz/.
set -eu
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p "$c/front_matter" "$c/partner_toml" "$c/markdown" "$c/lead_csv"
n=0
for f in $(find content tests/fixtures -name '*.md' -type f | sort); do
    n=$((n + 1))
    cp "$f" "$c/front_matter/seed-$n.md"
    cp "$f" "$c/markdown/seed-$n.md"
done
n=0
for f in $(find content tests/fixtures -name 'partner.toml' -type f | sort); do
    n=$((n + 1))
    cp "$f" "$c/partner_toml/seed-$n.toml"
done
n=0
for f in $(find tests/fixtures -name '*.csv' -type f -not -path '*/fuzz-regressions/*' | sort); do
    n=$((n + 1))
    cp "$f" "$c/lead_csv/seed-$n.csv"
done
# Inputs that once crashed a target stay in its corpus.
if [ -d tests/fixtures/fuzz-regressions ]; then
    for t in front_matter partner_toml markdown lead_csv; do
        if [ -d "tests/fixtures/fuzz-regressions/$t" ]; then
            cp tests/fixtures/fuzz-regressions/$t/* "$c/$t/" 2>/dev/null || true
        fi
    done
fi
for t in front_matter partner_toml markdown lead_csv; do
    echo "$t: $(ls "$c/$t" | wc -l) seeds"
done
