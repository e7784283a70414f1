#!/usr/bin/env bash
# The peer tools' halves of the benchmarks, each as one command so that it can be timed like mailflow.
# Run inside the lab's client namespace. Every command is bounded in time.
#
#   peers.sh ping-bisect ADDR                 path MTU by bisecting `ping -M do -s SIZE -c 1 -W 1`
#   peers.sh dig-matrix NAME SERVER           the EDNS size matrix with dig, one query after the other
#   peers.sh dig-batch-file SERVER FILE       write a `dig -f` batch file: the same matrix for every name in FILE
#   peers.sh mx-swaks DOMAIN                  dig MX, then swaks --quit-after RCPT to the best MX
set -uo pipefail

# The sizes and flags of the matrix, the same as Test-EdnsReachability's default matrix.
DIG_COMMON=(+time=2 +tries=1)
matrix_flags() { # one line of flags per matrix entry: label then dig flags
    echo "noedns +noedns +ignore"
    local b
    for b in 512 1232 1410 1472 4096; do echo "$b +bufsize=$b +dnssec +ignore"; done
    echo "tcp +tcp +dnssec"
}

# The textbook bisection: the largest -s that gets an echo reply, plus the IP and ICMP headers.
# Like the scripts admins keep, it looks only at ping's exit status, so it finds the number but
# does not tell a black hole (silence) from a path that answers with "fragmentation needed".
ping_bisect() {
    local addr=$1 fam=-4 hdr=28 lo=0 hi mid probes=0
    if [[ $addr == *:* ]]; then fam=-6; hdr=48; fi
    hi=$(( 1500 - hdr ))
    probe() { probes=$((probes + 1)); ping "$fam" -M do -c 1 -W 1 -s "$1" "$addr" >/dev/null 2>&1; }
    if probe "$hi"; then
        lo=$hi
    else
        probe "$lo" || { echo "no reply to ping"; echo "probes $probes"; return 1; }
        while [ $((hi - lo)) -gt 1 ]; do
            mid=$(( (lo + hi) / 2 ))
            if probe "$mid"; then lo=$mid; else hi=$mid; fi
        done
    fi
    echo "pmtu $((lo + hdr))"
    echo "probes $probes"
}

# One dig per matrix entry; prints "LABEL rc=RC size=N tc=0|1 ms=N" per query.
dig_matrix() {
    local name=$1 server=$2 label flags out rc size tc t0 t1
    while read -r label flags; do
        t0=$EPOCHREALTIME
        # shellcheck disable=SC2086  # flags are words on purpose
        out=$(dig "${DIG_COMMON[@]}" $flags "@$server" "$name" MX 2>&1); rc=$?
        t1=$EPOCHREALTIME
        size=$(sed -n 's/^;; MSG SIZE  rcvd: \([0-9]*\).*/\1/p' <<<"$out")
        tc=0; grep -q '^;; flags:[^;]* tc[ ;]' <<<"$out" && tc=1
        printf '%s rc=%s size=%s tc=%s ms=%s\n' "$label" "$rc" "${size:-0}" "$tc" \
            "$(( (${t1/./} - ${t0/./}) / 1000 ))"
    done < <(matrix_flags)
}

dig_batch_file() {
    local server=$1 file=$2 name label flags
    while read -r name; do
        [ -n "$name" ] || continue
        while read -r label flags; do
            echo "${DIG_COMMON[*]} $flags @$server $name MX"
        done < <(matrix_flags)
    done <"$file"
}

mx_swaks() {
    local domain=$1 mx
    mx=$(dig +time=2 +tries=1 +short MX "$domain" | sort -n | awk 'NR==1 {print $2}')
    [ -n "$mx" ] || { echo "$domain: no MX"; return 1; }
    # --quit-after RCPT: the recipient is probed, nothing is delivered.
    swaks --server "${mx%.}" --to "postmaster@$domain" --from probe@lab.test --helo client.lab.test \
        --quit-after RCPT --timeout 10 >/dev/null 2>&1 || { echo "$domain: swaks failed"; return 1; }
    echo "$domain: ok via ${mx%.}"
}

cmd=${1:-}; shift || true
case $cmd in
    ping-bisect) ping_bisect "$@" ;;
    dig-matrix) dig_matrix "$@" ;;
    dig-batch-file) dig_batch_file "$@" ;;
    mx-swaks) mx_swaks "$@" ;;
    *) echo "usage: peers.sh ping-bisect|dig-matrix|dig-batch-file|mx-swaks ARGS…" >&2; exit 2 ;;
esac
