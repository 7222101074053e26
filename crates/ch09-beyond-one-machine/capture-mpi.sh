#!/bin/sh
# Captures chapter 09's MPI programs into book/ch09-beyond-one-machine/output/*.txt (and the
# timelines of two of them, *.timeline.tsv and .svg).
#
# `cargo course capture` runs examples with `cargo run` and scripts with `python3`, one process
# each; these programs need `mpirun -n N`, so this script runs them, in the same format (first
# line the command, then stdout). Needs Open MPI, libclang and mpi4py (see the chapter's page).
# Run from the repository's root:  sh crates/ch09-beyond-one-machine/capture-mpi.sh
set -eu
out=book/ch09-beyond-one-machine/output
mkdir -p "$out"
# Open MPI refuses to run as root unless asked (containers, CI).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cargo build --release -q -p ch09-beyond-one-machine --features mpi --examples

# capture NAME COMMAND...: run COMMAND (at most 10 minutes), write $out/NAME.txt if it succeeds
# (then captured=yes).
capture() {
    name=$1; shift
    tmp=$(mktemp)
    captured=no
    if timeout 600 "$@" </dev/null >"$tmp" 2>&1; then
        { echo "\$ $*"; cat "$tmp"; } >"$out/$name.txt"
        echo "wrote $out/$name.txt"
        captured=yes
    else
        echo "FAILED: $*" >&2; cat "$tmp" >&2
    fi
    rm -f "$tmp"
}

# capture_with_timeline NAME TITLE FLAG COMMAND...: capture NAME with COURSE_TIMELINE set (every
# rank is a process on this machine, one CLOCK_MONOTONIC), then, as `cargo course capture` does
# for one-process programs, keep what the ranks recorded as $out/NAME.timeline.tsv and draw
# $out/NAME.timeline.svg from it (`cargo course capture ch09 --report-only` redraws it later); a
# run that recorded nothing removes a stale pair, a failed run leaves it. FLAG is --cpython or "".
capture_with_timeline() {
    tl_name=$1; tl_title=$2; tl_flag=$3; shift 3
    timeline=target/timeline/ch09-beyond-one-machine/$tl_name.tsv
    mkdir -p "${timeline%/*}"
    rm -f "$timeline"
    export COURSE_TIMELINE="$PWD/$timeline"
    capture "$tl_name" "$@"
    unset COURSE_TIMELINE
    if [ "$captured" = no ]; then
        return
    elif [ -s "$timeline" ]; then
        cargo course timeline "$timeline" "$out/$tl_name.timeline.svg" --title "$tl_title" $tl_flag
    else
        rm -f "$out/$tl_name.timeline.svg" "$out/$tl_name.timeline.tsv"
    fi
}

ex=target/release/examples
py=crates/ch09-beyond-one-machine/python
capture ch09-01-spmd mpirun -n 4 --oversubscribe $ex/ch09-01-spmd
for n in 1 2 4; do
    capture ch09-02-tutorial.n$n mpirun -n $n --oversubscribe $ex/ch09-02-tutorial
    if [ $n = 4 ]; then
        capture_with_timeline ch09-04-uneven.n$n ch09-04-uneven.n4 "" \
            mpirun -n $n --oversubscribe $ex/ch09-04-uneven
    else
        capture ch09-04-uneven.n$n mpirun -n $n --oversubscribe $ex/ch09-04-uneven
    fi
done
capture ch09-03-ping-pong mpirun -n 2 $ex/ch09-03-ping-pong
capture ch09-05-busy-wait mpirun -n 2 $ex/ch09-05-busy-wait
# Starts its own mpiruns of the bench's rank program (sequential and master/worker, interleaved).
capture ch09-08-drift $ex/ch09-08-drift
capture spmd mpirun -n 4 --oversubscribe python3 $py/spmd.py
for n in 1 2 4; do
    if [ $n = 4 ]; then
        # mpi4py's ranks record the same uneven list as ch09-04-uneven's (after the timed runs).
        capture_with_timeline tutorial.n$n "tutorial.py -n 4, the uneven list" --cpython \
            mpirun -n $n --oversubscribe python3 $py/tutorial.py
    else
        capture tutorial.n$n mpirun -n $n --oversubscribe python3 $py/tutorial.py
    fi
done
capture ping_pong mpirun -n 2 python3 $py/ping_pong.py
# Several "hosts" on this machine: the hostfile the book shows.
capture hostfile mpirun --hostfile crates/ch09-beyond-one-machine/hostfile.example -n 4 $ex/ch09-01-spmd
