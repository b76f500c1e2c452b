#!/usr/bin/env bash
# Reproducible benchmark of `partnersite` against the FLOOR (pulldown-cmark + rayon into a
# fixed HTML shell, no templates). See bench/README.md for what is measured and why.
#
#   bash bench/run.sh                       # N = 1000 and 10000, 1,000,000 leads
#   SIZES="1000" RUNS=3 bash bench/run.sh   # quicker
#
# Environment:
#   BENCH_DIR   where sites and outputs go (default /dev/shm/partnersite-bench: tmpfs,
#               so the disk does not dominate; else target/bench)
#   SIZES       partner counts to benchmark (default "1000 10000")
#   RUNS        timed runs per command after one warmup (default 5)
#   LEADS_ROWS  rows of the synthetic lead export (default 1000000; 0 skips the leads step)
#   CHECK_N     site used for `check` and the leads step (default: the largest of SIZES)
#   SEED        gen_site seed (default 2026)
#   STRESS_KIB  size of each hostile about.md of step (g) (default 5120; 0 skips the step)
#   ALLOC_ROWS  leads of the `leads allocate` step, all without a partner (default 1000000;
#               0 skips the step)
#   ALLOC_N     partners of the site of that step (default 1000)
#
# Needs: cargo, hyperfine (apt-get install -y hyperfine), GNU time for peak memory
# (apt-get install -y time). Without hyperfine a plain loop times the commands.
# Steps that need the partnersite binary report "failed" or "n/a" when the tool cannot
# do them yet; the script carries on and prints what it could measure.

set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-5}
LEADS_ROWS=${LEADS_ROWS:-1000000}
SEED=${SEED:-2026}
STRESS_KIB=${STRESS_KIB:-5120}
ALLOC_ROWS=${ALLOC_ROWS:-1000000}
ALLOC_N=${ALLOC_N:-1000}
if [ -z "${BENCH_DIR:-}" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        BENCH_DIR=/dev/shm/partnersite-bench
    else
        BENCH_DIR=$ROOT/target/bench
    fi
fi
largest=0
for n in $SIZES; do [ "$n" -gt "$largest" ] && largest=$n; done
CHECK_N=${CHECK_N:-$largest}

BIN=$ROOT/target/release/partnersite
EX=$ROOT/target/release/examples
RES=$BENCH_DIR/results
mkdir -p "$RES" || exit 2

have() { command -v "$1" >/dev/null 2>&1; }
say() { printf '\n== %s\n' "$*"; }

GNU_TIME=""
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
else
    echo "note: GNU time not found (apt-get install -y time): peak memory will be n/a"
fi
if ! have hyperfine; then
    echo "note: hyperfine not found (apt-get install -y hyperfine): using a plain timing loop"
fi

# peak NAME CMD...: run CMD once (under GNU time when available), log to $RES/NAME.log.
# Sets PEAK_MIB (or "n/a") and returns CMD's exit status.
peak() {
    local name=$1
    shift
    local log=$RES/$name.log rc
    if [ -n "$GNU_TIME" ]; then
        "$GNU_TIME" -v -o "$RES/$name.time" "$@" >"$log" 2>&1
        rc=$?
        PEAK_MIB=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$RES/$name.time")
        [ -n "$PEAK_MIB" ] || PEAK_MIB=n/a
    else
        "$@" >"$log" 2>&1
        rc=$?
        PEAK_MIB=n/a
    fi
    if [ "$rc" -ne 0 ]; then
        echo "  $name: exit $rc; last lines of $log:"
        tail -n 8 "$log" | sed 's/^/    /'
    fi
    return "$rc"
}

# timeit NAME CMD...: warmup 1 + $RUNS timed runs. Sets MEAN_S (seconds, or "failed").
# With PREPARE set (a shell command), it runs untimed before every run: the floor and the
# build both start from an empty output folder, so neither pays for removing the last
# run's 10^4-10^5 files (partnersite's atomic swap would, the floor's overwrite would not).
timeit() {
    local name=$1
    shift
    MEAN_S=failed
    local prep=()
    [ -n "${PREPARE:-}" ] && prep=(--prepare "$PREPARE")
    if have hyperfine; then
        local quoted
        quoted=$(printf '%q ' "$@")
        if hyperfine --style basic --warmup 1 --runs "$RUNS" "${prep[@]}" \
            --export-csv "$RES/$name.csv" --export-json "$RES/$name.json" \
            --command-name "$name" "$quoted"; then
            # CSV columns: command,mean,stddev,median,user,system,min,max
            MEAN_S=$(awk -F, 'NR == 2 {printf "%.3f", $(NF-6)}' "$RES/$name.csv")
        fi
    else
        "$@" >/dev/null 2>&1 || return 1
        local total=0 i t0 t1
        for ((i = 0; i < RUNS; i++)); do
            [ -n "${PREPARE:-}" ] && eval "$PREPARE"
            t0=$(date +%s%N)
            "$@" >/dev/null 2>&1 || return 1
            t1=$(date +%s%N)
            total=$((total + t1 - t0))
        done
        MEAN_S=$(awk -v t="$total" -v r="$RUNS" 'BEGIN {printf "%.3f", t / r / 1e9}')
        echo "  $name: mean $MEAN_S s over $RUNS runs"
    fi
}

ratio() {
    case "$1$2" in
    *failed* | *n/a*) echo n/a ;;
    *) awk -v b="$1" -v f="$2" 'BEGIN {printf "%.2f", b / f}' ;;
    esac
}

# --- (a) build -----------------------------------------------------------------------------
say "building release binary and examples"
BIN_OK=1
cargo build --release --bin partnersite || BIN_OK=0
cargo build --release --examples || echo "warning: examples failed to build; using any previous build"
for ex in gen_site floor gen_leads; do
    [ -x "$EX/$ex" ] || { echo "error: $EX/$ex missing; cannot benchmark"; exit 2; }
done
[ -x "$BIN" ] || BIN_OK=0
[ "$BIN_OK" = 1 ] || echo "warning: no partnersite binary; only the floor will be measured"

{
    echo "# partnersite benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "- machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "- rustc: $(rustc --version 2>/dev/null)"
    echo "- output dir: $BENCH_DIR ($(df -PT "$BENCH_DIR" 2>/dev/null | awk 'NR == 2 {print $2}'))"
    echo "- hyperfine warmup 1, runs $RUNS"
} >"$RES/summary.md"

declare -A GEN_S MD_MB PAGES BUILD_S FLOOR_S BUILD_MIB FLOOR_MIB

# --- (b, c, d) generate, time and measure each size ---------------------------------------
for n in $SIZES; do
    site=$BENCH_DIR/site-$n
    say "N = $n: generating $site"
    t0=$(date +%s%N)
    "$EX/gen_site" --partners "$n" --out "$site" --seed "$SEED" | tee "$RES/gen-$n.log"
    t1=$(date +%s%N)
    GEN_S[$n]=$(awk -v t=$((t1 - t0)) 'BEGIN {printf "%.2f", t / 1e9}')
    MD_MB[$n]=$(sed -n 's/.*files, \([0-9.]*\) MB of Markdown.*/\1/p' "$RES/gen-$n.log")

    say "N = $n: floor"
    rm -rf "$BENCH_DIR/floor-$n"
    FLOOR_MIB[$n]=n/a
    FLOOR_S[$n]=failed
    if peak "floor-$n" "$EX/floor" "$site" "$BENCH_DIR/floor-$n"; then
        FLOOR_MIB[$n]=$PEAK_MIB
        PAGES[$n]=$(sed -n 's/^floor: \([0-9]*\) pages.*/\1/p' "$RES/floor-$n.log")
        PREPARE="rm -rf $BENCH_DIR/floor-$n" timeit "floor-$n" "$EX/floor" "$site" "$BENCH_DIR/floor-$n"
        FLOOR_S[$n]=$MEAN_S
    fi

    say "N = $n: partnersite build"
    BUILD_MIB[$n]=n/a
    BUILD_S[$n]=failed
    if [ "$BIN_OK" = 1 ]; then
        rm -rf "$BENCH_DIR/build-$n"
        if peak "build-$n" "$BIN" build --root "$site" --output "$BENCH_DIR/build-$n"; then
            BUILD_MIB[$n]=$PEAK_MIB
            tail -n 1 "$RES/build-$n.log"
            PREPARE="rm -rf $BENCH_DIR/build-$n" timeit "build-$n" "$BIN" build --root "$site" --output "$BENCH_DIR/build-$n"
            BUILD_S[$n]=$MEAN_S
        fi
    fi
done

# --- (e) check at the largest size -------------------------------------------------------
CHECK_S=n/a
CHECK_MIB=n/a
check_site=$BENCH_DIR/site-$CHECK_N
if [ "$BIN_OK" = 1 ] && [ -d "$check_site" ]; then
    say "N = $CHECK_N: partnersite check"
    CHECK_S=failed
    peak "check-$CHECK_N" "$BIN" check --root "$check_site"
    rc=$?
    CHECK_MIB=$PEAK_MIB
    tail -n 2 "$RES/check-$CHECK_N.log"
    # `check` exits 1 when content is missing; it is timed either way (-i), but the exit
    # code is reported. Exit 2 (usage or I/O error) means it did not run.
    if [ "$rc" -ne 2 ]; then
        if have hyperfine; then
            if hyperfine --style basic -i --warmup 1 --runs "$RUNS" \
                --export-csv "$RES/check-$CHECK_N.csv" --command-name "check-$CHECK_N" \
                "$(printf '%q ' "$BIN" check --root "$check_site")"; then
                CHECK_S=$(awk -F, 'NR == 2 {printf "%.3f", $(NF-6)}' "$RES/check-$CHECK_N.csv")
            fi
        else
            timeit "check-$CHECK_N" "$BIN" check --root "$check_site" && CHECK_S=$MEAN_S
        fi
        [ "$rc" -eq 0 ] || CHECK_S="$CHECK_S (exit $rc)"
    fi
fi

# --- (f) leads: 1,000,000 rows, digest --------------------------------------------------
LEADS_GEN_S=n/a
LEADS_MB=n/a
DIGEST_S=n/a
DIGEST_MIB=n/a
if [ "$LEADS_ROWS" -gt 0 ] && [ -d "$check_site" ]; then
    say "leads: $LEADS_ROWS rows for site-$CHECK_N"
    csv=$check_site/leads.csv
    t0=$(date +%s%N)
    if "$EX/gen_leads" --rows "$LEADS_ROWS" --partners-from "$check_site" --out "$csv"; then
        t1=$(date +%s%N)
        LEADS_GEN_S=$(awk -v t=$((t1 - t0)) 'BEGIN {printf "%.2f", t / 1e9}')
        LEADS_MB=$(awk -v b="$(stat -c %s "$csv")" 'BEGIN {printf "%.0f", b / 1e6}')
        # gen_site rewrites site.toml on every run, so appending here is idempotent per run.
        if ! grep -q '^\[leads\]' "$check_site/site.toml"; then
            cat >>"$check_site/site.toml" <<'EOF'

[leads]
source = "leads.csv"
min_cell = 5

[leads.columns]
id = "lead_id"
received = "received_date"
country = "country"
partner = "assigned_provider"
status = "status"

[leads.categories]
service = "service_requested"
market_segment = "market_segment"
budget = "budget_band"
EOF
        fi
        if [ "$BIN_OK" = 1 ]; then
            # Written to a file in BENCH_DIR, not /dev/null: an atomic writer renames a temp
            # sibling over its target, and as root that would replace /dev/null itself.
            digest_out=$BENCH_DIR/leads-digest-$CHECK_N.json
            DIGEST_S=failed
            if peak "digest-$CHECK_N" "$BIN" leads digest --root "$check_site" --output "$digest_out"; then
                DIGEST_MIB=$PEAK_MIB
                timeit "digest-$CHECK_N" "$BIN" leads digest --root "$check_site" --output "$digest_out"
                DIGEST_S=$MEAN_S
            fi
        fi
    fi
fi

# --- (f2) leads allocate: 1,000,000 leads without a partner, 1,000 partners ------------
ALLOC_S=n/a
ALLOC_MIB=n/a
if [ "$ALLOC_ROWS" -gt 0 ] && [ "$BIN_OK" = 1 ]; then
    say "leads allocate: $ALLOC_ROWS leads, $ALLOC_N partners"
    alloc_site=$BENCH_DIR/alloc-site-$ALLOC_N
    if "$EX/gen_site" --partners "$ALLOC_N" --out "$alloc_site" --seed "$SEED" >"$RES/gen-alloc.log" &&
        "$EX/gen_leads" --rows "$ALLOC_ROWS" --partners-from "$alloc_site" --unassigned 1000 \
            --out "$alloc_site/leads.csv" >>"$RES/gen-alloc.log"; then
        # Region first, then the service asked for; gen_site writes site.toml afresh, so
        # this is appended once.
        cat >>"$alloc_site/site.toml" <<'EOF'

[leads]
source = "leads.csv"

[leads.columns]
id = "lead_id"
received = "received_date"
country = "country"
region = "region"
partner = "assigned_provider"
status = "status"

[leads.categories]
service = { column = "service_requested", values = "services" }

[allocation]
seed = "bench"
match = ["region", "service"]

[allocation.categories]
service = "services"
EOF
        alloc_out=$BENCH_DIR/allocated-$ALLOC_N.csv
        ALLOC_S=failed
        if peak "allocate-$ALLOC_N" "$BIN" leads allocate --root "$alloc_site" \
            --input "$alloc_site/leads.csv" --output "$alloc_out"; then
            ALLOC_MIB=$PEAK_MIB
            PREPARE="rm -f $alloc_out" timeit "allocate-$ALLOC_N" "$BIN" leads allocate \
                --root "$alloc_site" --input "$alloc_site/leads.csv" --output "$alloc_out"
            ALLOC_S=$MEAN_S
        fi
    fi
fi

# --- (g) hostile Markdown: a 5 MiB about.md that once made the build quadratic -----------
declare -A STRESS_S STRESS_MIB
STRESS_KINDS="stray-end-tags repeated-headings"
for kind in $STRESS_KINDS; do
    STRESS_S[$kind]=n/a
    STRESS_MIB[$kind]=n/a
    [ "$STRESS_KIB" -gt 0 ] || continue
    site=$BENCH_DIR/stress-$kind
    say "stress: $kind ($STRESS_KIB KiB about.md)"
    "$EX/gen_site" --partners 3 --out "$site" --seed "$SEED" --stress "$kind" \
        --stress-kib "$STRESS_KIB" >"$RES/gen-stress-$kind.log" || continue
    [ "$BIN_OK" = 1 ] || continue
    STRESS_S[$kind]=failed
    rm -rf "$BENCH_DIR/build-stress-$kind"
    if peak "build-stress-$kind" "$BIN" build --root "$site" --output "$BENCH_DIR/build-stress-$kind"; then
        STRESS_MIB[$kind]=$PEAK_MIB
        PREPARE="rm -rf $BENCH_DIR/build-stress-$kind" timeit "build-stress-$kind" \
            "$BIN" build --root "$site" --output "$BENCH_DIR/build-stress-$kind"
        STRESS_S[$kind]=$MEAN_S
    fi
done

# --- (h) report ----------------------------------------------------------------------------
{
    echo
    echo "| N | pages (floor) | Markdown MB | gen s | build s | floor s | ratio | peak MiB build | peak MiB floor |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        echo "| $n | ${PAGES[$n]:-n/a} | ${MD_MB[$n]:-n/a} | ${GEN_S[$n]} | ${BUILD_S[$n]} | ${FLOOR_S[$n]} | $(ratio "${BUILD_S[$n]}" "${FLOOR_S[$n]}") | ${BUILD_MIB[$n]} | ${FLOOR_MIB[$n]} |"
    done
    echo
    echo "| command | N | s | peak MiB |"
    echo "|---|---:|---:|---:|"
    echo "| partnersite check | $CHECK_N | $CHECK_S | $CHECK_MIB |"
    echo "| gen_leads ($LEADS_ROWS rows, $LEADS_MB MB) | $CHECK_N | $LEADS_GEN_S | |"
    echo "| partnersite leads digest ($LEADS_ROWS rows) | $CHECK_N | $DIGEST_S | $DIGEST_MIB |"
    echo "| partnersite leads allocate ($ALLOC_ROWS leads, none assigned) | $ALLOC_N | $ALLOC_S | $ALLOC_MIB |"
    for kind in $STRESS_KINDS; do
        echo "| partnersite build, $kind about.md ($STRESS_KIB KiB) | 3 | ${STRESS_S[$kind]} | ${STRESS_MIB[$kind]} |"
    done
} >>"$RES/summary.md"

say "results ($RES/summary.md)"
cat "$RES/summary.md"
