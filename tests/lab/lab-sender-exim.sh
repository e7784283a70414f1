# shellcheck shell=bash
# Sourced by lab.sh: a real sending Exim in the client namespace (mfl-client), beside the sending Postfix
# (lab-sender.sh), so Resolve-SmtpStatus is checked against a real Exim main log of the lab's faults too.
#
#   lab.sh sender-exim up       write its configuration, spool and log directories (idempotent; part of lab.sh up)
#   lab.sh sender-exim status   is it set up (its configuration passes exim -bV)
#   lab.sh sender-exim run      send one message per sender case (SENDER_CASES, lab-sender.sh), each delivered by its
#                               own process, wait until each recipient is deferred, failed or delivered, empty the
#                               queue; prints the path of the main log ($STATE/sender-exim/log/mainlog)
#   lab.sh sender-exim down     remove its state (part of lab.sh down)
#
# Exim 4 is unpacked by lab-extras.sh (EXIM_BIN; it conflicts with postfix in Debian). This instance has its own
# configuration (conf/exim-sender.conf.in), spool and log under $STATE/sender-exim. It never runs as a daemon, so it
# listens nowhere: each message is submitted with -odb (delivered at once by a process of its own). It binds to
# 192.0.2.10, resolves through the client's resolver (198.51.100.56), uses IPv4 only and short timeouts. Nothing is
# delivered, by the Postfix sender's technique: bodies that never end at a fault, unknown@ recipients refused with
# 550 elsewhere, the null sender, and the queue and hints databases emptied after each run.

SENDER_EXIM_DIR=$STATE/sender-exim
SENDER_EXIM_CONF=$SENDER_EXIM_DIR/exim.conf
SENDER_EXIM_LOG=$SENDER_EXIM_DIR/log/mainlog

# servfail.lab.test, the senders' DNS temporary failure: delegated to ns-bogus.lab.test (.66, lab-tls.sh), which is
# not authoritative for it and answers REFUSED (or, without lab-tls.sh, has no address), so the resolver answers
# SERVFAIL at once. Added to the running lab.test by a knotc transaction (Knot signs it), like lab-tls.sh's records,
# when either sender is set up or run.
SENDER_DNS_OWNER=servfail
sender_knotc() { knotc -c "$STATE/knot/knot.conf" "$@"; }

sender_dns_up() {
    local have
    have=$(in_ns "$NSS" dig @198.51.100.53 "$SENDER_DNS_OWNER.lab.test" NS +norec +time=1 +tries=1 2>/dev/null || true)
    grep -q 'IN[[:space:]]*NS[[:space:]]*ns-bogus' <<<"$have" && return 0
    sender_knotc zone-begin lab.test >/dev/null
    sender_knotc zone-set lab.test "$SENDER_DNS_OWNER" 300 NS ns-bogus.lab.test. >/dev/null &&
        sender_knotc zone-commit lab.test >/dev/null ||
        { sender_knotc zone-abort lab.test >/dev/null 2>&1 || true; die "knotc could not add $SENDER_DNS_OWNER.lab.test"; }
}

sender_exim_conf() { sed -e "s|@STATE@|$STATE|g" -e "s|@ROOT@|$MTA_ROOT|g" "$HERE/conf/exim-sender.conf.in"; }

sender_exim_ready() { [ -f "$SENDER_EXIM_CONF" ] && "$EXIM_BIN" -C "$SENDER_EXIM_CONF" -bV >/dev/null 2>&1; }

sender_exim_up() {
    [ -x "$EXIM_BIN" ] || die "Exim is not unpacked (run: lab.sh extras up)"
    extras_users
    mkdir -p "$SENDER_EXIM_DIR/spool" "$SENDER_EXIM_DIR/log"
    sender_exim_conf >"$SENDER_EXIM_CONF"
    chown -R Debian-exim:Debian-exim "$SENDER_EXIM_DIR/spool" "$SENDER_EXIM_DIR/log"
    chmod 755 "$SENDER_EXIM_DIR"
    sender_dns_up
    sender_exim_ready || { "$EXIM_BIN" -C "$SENDER_EXIM_CONF" -bV >&2 || true; die "the sending Exim's configuration is not valid"; }
}

sender_exim_status() { # say-function
    if sender_exim_ready; then "$1" "process  sender-exim (Exim in $NSC, no daemon): set up"; else "$1" "process  sender-exim (Exim in $NSC): not set up"; return 1; fi
}

# servfail.lab.test stays until the lab goes down (Knot starts from the zone file again): removing it would leave the
# resolver's cached NXDOMAIN for the next up to find.
sender_exim_down() { rm -rf "$SENDER_EXIM_DIR"; }

# Removes every message and the retry hints, so each run tries every host once. A delivery still running after the
# wait (none has so far) is ended first: it is one of this instance's processes in the client namespace.
sender_exim_empty() {
    local ids pid cmd
    for pid in $(ip netns pids "$NSC" 2>/dev/null); do
        cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || continue
        case $cmd in *"-C $SENDER_EXIM_CONF "*) kill -TERM "$pid" 2>/dev/null || true ;; esac
    done
    ids=$("$EXIM_BIN" -C "$SENDER_EXIM_CONF" -bpru 2>/dev/null | awk 'NF >= 3 && $3 ~ /-/ { print $3 }' || true)
    [ -z "$ids" ] || "$EXIM_BIN" -C "$SENDER_EXIM_CONF" -Mrm $ids >/dev/null 2>&1 || true
    rm -rf "$SENDER_EXIM_DIR/spool/input" "$SENDER_EXIM_DIR/spool/msglog" "$SENDER_EXIM_DIR/spool/db"
}

# Sends one message per case, waits until every recipient has a ==, ** or => line (at most 90 s), empties the queue.
sender_exim_run() {
    sender_exim_up
    local py c rcpt kb expected t=0
    py=$(python_bin)
    sender_exim_empty
    : >"$SENDER_EXIM_LOG"
    chown Debian-exim:Debian-exim "$SENDER_EXIM_LOG"
    sender_fixup_up
    for c in "${SENDER_CASES[@]}" "$SENDER_EOD_CASE"; do
        read -r rcpt kb _ <<<"$c"
        sender_body "$py" "$rcpt" "$kb" | cx "$EXIM_BIN" -C "$SENDER_EXIM_CONF" -odb -f '<>' -- "$rcpt"
    done
    expected=$((${#SENDER_CASES[@]} + 1))
    while [ "$(sed -n 's/.* \(==\|\*\*\|=>\) \([^ ]*\) .*/\2/p' "$SENDER_EXIM_LOG" 2>/dev/null | sort -u | wc -l)" -lt "$expected" ] && [ $t -lt 90 ]; do
        sleep 1; t=$((t + 1))
    done
    sender_exim_empty
    if grep -q ' => ' "$SENDER_EXIM_LOG"; then die "the lab's sending Exim delivered a message (see $SENDER_EXIM_LOG)"; fi
    echo "$SENDER_EXIM_LOG"
}

cmd_sender_exim() {
    need_root
    case ${1:-status} in
        up) lock; sender_exim_up; echo "sender-exim up: Exim in $NSC (no daemon), config $SENDER_EXIM_CONF, log $SENDER_EXIM_LOG" ;;
        down) lock; sender_exim_down; echo "sender-exim down" ;;
        status) sender_exim_status echo ;;
        run) sender_exim_run ;;
        *) die "sender-exim: up|down|status|run" ;;
    esac
}
