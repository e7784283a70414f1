# shellcheck shell=bash
# Sourced by lab.sh: a real sending Postfix in the client namespace (mfl-client), to write a real mail log of the
# lab's faults for Resolve-SmtpStatus (docs/log-phrases.md).
#
#   lab.sh sender up       start it (idempotent; part of lab.sh up)
#   lab.sh sender status   is it running
#   lab.sh sender run      send one message per case below (SENDER_POSTFIX_CASES) and wait until each is deferred or bounced;
#                          prints the path of the log it wrote ($STATE/sender/maillog)
#   lab.sh sender down     stop it and remove its state (part of lab.sh down)
#
# A second Postfix instance with its own config_directory/queue_directory under $STATE/sender. It has no SMTP
# listener at all (master.cf has no smtpd; inet_interfaces = 192.0.2.10 is only its own address), binds its client connections to
# 192.0.2.10 (the client address), has no relayhost, and resolves through /etc/netns/mfl-client/resolv.conf
# (198.51.100.56). Short smtp_* timeouts make a run take about 30 s. Nothing is ever delivered: every message
# either fails at a fault (its body never ends, so the receiver never queues it) or names a recipient the
# receiver refuses (unknown@ → 550 5.1.1). The null sender means no bounce is sent back anywhere, and the
# queue is emptied after each run.

SENDER_DIR=$STATE/sender
SENDER_CONF=$SENDER_DIR/etc
SENDER_LOG=$SENDER_DIR/maillog

# recipient  body size (kB, or "Nb": N bytes)  what happens. Both senders send these (lab-sender-exim.sh too).
SENDER_CASES=(
    "user@stall.lab.test 300 stall: the body stops after 64 kB -> timed out while sending message body"
    "user@blackhole.lab.test 300 PMTU black hole: full-size segments lost -> timed out while sending message body"
    "unknown@failover.lab.test 4 silent first MX -> timed out while receiving the initial server greeting, then 550 from mx1"
    "user@refused.lab.test 4 nothing listens -> connect to …: Connection refused"
    "user@unreachable.lab.test 4 never answers -> connect to …: Connection timed out"
    "unknown@healthy.lab.test 4 healthy control: refused recipient -> 550 5.1.1"
    "unknown@masked.lab.test 4 fixup box control: refused recipient through it -> 550 5.1.1"
    "unknown@servfail.lab.test 4 lame delegation (sender_dns_up, lab-sender-exim.sh): the MX lookup gets SERVFAIL -> Host not found, try again"
)
# Only for the Postfix sender. Size-specific loss (.26): the sender's virtual alias map turns this address into
# unknown@sizeloss.lab.test, and Postfix sends the original as ORCPT=rfc822;…, so its pipelined MAIL FROM, RCPT TO
# and DATA go out as one segment of exactly 513 bytes (MAIL FROM 24 + RCPT TO 51 + the 432-byte original + DATA 6; the SIZE= value has 4 digits), which
# the router drops every time -> timed out while sending MAIL FROM. Should the size ever be off, the receiver
# refuses unknown@ with 550. (Exim sends no ORCPT, and with CHUNKING its last segment carries the body, so a lost
# segment there would only show after the recipient is refused: Exim logs the 550.)
SENDER_SIZELOSS_LOCAL=sizeloss-$(printf 'p%.0s' $(seq 1 405))
#
# End of data lost: a second fixup box (fixup.py --lose-end-of-data, on the fixup box's address .31 but port 2526,
# which the sender's transport_maps names for eod.masked.lab.test) closes both connections when the final dot
# arrives and never relays it, so the receiver queues nothing. Postfix sees the masked banner, speaks HELO and ends
# its data with a dot -> lost connection with … while sending end of data. The sending Exim routes it there too
# (conf/exim-sender.conf.in); the box masks CHUNKING and STARTTLS, so Exim ends its data with a dot as well.
SENDER_EOD_PORT=2526
SENDER_EOD_CASE="user@eod.masked.lab.test 4 fixup box losing the end of data -> lost connection with … while sending end of data"
SENDER_POSTFIX_CASES=(
    "${SENDER_CASES[@]}"
    "$SENDER_EOD_CASE"
    "$SENDER_SIZELOSS_LOCAL@sizeloss.lab.test 4 size-specific loss: a 513-byte segment never arrives -> timed out while sending MAIL FROM"
)

sender_cx() { ip netns exec "$NSC" "$@"; }

sender_ready() { [ -d "$SENDER_CONF" ] && sender_cx postfix -c "$SENDER_CONF" status >/dev/null 2>&1; }

SENDER_TRANSPORT="regexp:$SENDER_CONF/transport"

# The second fixup box, for the end-of-data case; started beside the running lab, nothing else is touched.
sender_fixup_up() {
    listening 198.51.100.31 "$SENDER_EOD_PORT" && return 0
    spawn fixup-eod "$(python_bin)" "$HERE/fixup.py" --port "$SENDER_EOD_PORT" --upstream 198.51.100.25 --lose-end-of-data 198.51.100.31
    wait_for 10 listening 198.51.100.31 "$SENDER_EOD_PORT" || { show_log fixup-eod.log; die "the end-of-data fixup box did not come up"; }
}

sender_maps() {
    printf '%s\n' '/^sizeloss-p+@sizeloss\.lab\.test$/ unknown@sizeloss.lab.test' >"$SENDER_CONF/virtual"
    printf '%s\n' "/@eod\\.masked\\.lab\\.test\$/ smtp:[fixup.lab.test]:$SENDER_EOD_PORT" >"$SENDER_CONF/transport"
}

sender_up() {
    if sender_ready; then
        # a sender from before the size-loss and end-of-data cases: add their maps and reload
        if [ ! -f "$SENDER_CONF/transport" ] || ! grep -qF "transport_maps = $SENDER_TRANSPORT" "$SENDER_CONF/main.cf"; then
            sender_maps
            sender_cx postconf -c "$SENDER_CONF" -e "virtual_alias_maps = regexp:$SENDER_CONF/virtual" "transport_maps = $SENDER_TRANSPORT"
            sender_cx postfix -c "$SENDER_CONF" reload >/dev/null 2>&1
        fi
        sender_fixup_up
        return 0
    fi
    mkdir -p "$SENDER_CONF" "$SENDER_DIR/queue" "$SENDER_DIR/data"
    chown postfix "$SENDER_DIR/data"
    cat >"$SENDER_CONF/main.cf" <<CF
# The lab's sending Postfix (tests/lab/lab-sender.sh): client side only, in mfl-client.
compatibility_level = 3.6
queue_directory = $SENDER_DIR/queue
data_directory = $SENDER_DIR/data
mail_owner = postfix
myhostname = sender.lab.test
mydomain = lab.test
myorigin = \$mydomain
mydestination =
# Only for Postfix's own-address checks: master.cf has no smtpd, so nothing listens (lo is down in mfl-client).
inet_interfaces = 192.0.2.10
inet_protocols = ipv4
relayhost =
default_transport = smtp
local_transport = error:5.7.1 the lab sender delivers nothing locally
alias_maps =
alias_database =
smtp_bind_address = 192.0.2.10
# The size-loss case's padded address is sent to unknown@ (see SENDER_POSTFIX_CASES).
virtual_alias_maps = regexp:$SENDER_CONF/virtual
# The end-of-data case goes to the second fixup box (see SENDER_POSTFIX_CASES).
transport_maps = $SENDER_TRANSPORT
smtp_tls_security_level = none
smtp_connect_timeout = 5s
smtp_helo_timeout = 10s
smtp_mail_timeout = 10s
smtp_rcpt_timeout = 10s
smtp_data_init_timeout = 10s
smtp_data_xfer_timeout = 15s
smtp_data_done_timeout = 15s
# One attempt per run: no retry while the test reads the log.
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
maximal_queue_lifetime = 1h
bounce_queue_lifetime = 1h
notify_classes =
biff = no
enable_long_queue_ids = yes
syslog_name = postfix-sender
maillog_file_prefixes = $SENDER_DIR
maillog_file = $SENDER_LOG
CF
    sender_maps
    cat >"$SENDER_CONF/master.cf" <<'CF'
# No smtpd: the sender listens nowhere.
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
    local cur
    cur=$(postfix_alt_dirs)
    case " ${cur//,/ } " in
        *" $SENDER_CONF "*) ;;
        *) postconf -e "alternate_config_directories = ${cur:+$cur, }$SENDER_CONF" ;;
    esac
    : >"$SENDER_LOG"
    sender_cx postfix -c "$SENDER_CONF" post-install create-missing >"$SENDER_DIR/install.log" 2>&1 || true
    sender_cx postfix -c "$SENDER_CONF" start >>"$SENDER_DIR/install.log" 2>&1 || { cat "$SENDER_DIR/install.log" >&2; die "the sending Postfix did not start"; }
    wait_for 10 sender_ready || die "the sending Postfix did not come up"
    sender_fixup_up
}

sender_status() { # say-function
    if sender_ready; then "$1" "process  sender (Postfix in $NSC): running"; else "$1" "process  sender (Postfix in $NSC): not running"; return 1; fi
}

sender_down() {
    if [ -d "$SENDER_CONF" ]; then
        sender_cx postfix -c "$SENDER_CONF" stop >/dev/null 2>&1 || true
        local cur new
        cur=$(postfix_alt_dirs)
        new=$(tr -s ', ' '\n' <<<"$cur" | grep -v -x -F "$SENDER_CONF" | grep . | paste -sd, - | sed 's/,/, /g' || true)
        if [ "$new" != "$cur" ]; then
            if [ -z "$new" ]; then postconf -X alternate_config_directories; else postconf -e "alternate_config_directories = $new"; fi
        fi
    fi
    rm -rf "$SENDER_DIR"
}

# A message to RCPT on standard output, with a body of about SIZE kilobytes, or of exactly N bytes on the wire
# (CRLF line ends) when SIZE is "Nb" (shared with lab-sender-exim.sh).
sender_body() { # PYTHON RCPT SIZE
    "$1" - "$2" "$3" <<'PY'
import sys
rcpt, size = sys.argv[1], sys.argv[2]
wire = int(size[:-1]) if size.endswith("b") else int(size) * 1024 // 78 * 78
print(f"From: MailFlowTools lab sender <>\nTo: <{rcpt}>\nSubject: lab-sender fault probe\n")
line = "x" * 76
for i in range(wire // 78):
    print(line)
if wire % 78 >= 2:
    print("x" * (wire % 78 - 2))
PY
}

# Sends one message per case, waits until every recipient has a status= line (at most 90 s), empties the queue.
sender_run() {
    sender_up
    sender_dns_up
    local py c rcpt kb expected t=0
    py=$(python_bin)
    sender_cx postsuper -c "$SENDER_CONF" -d ALL >/dev/null 2>&1 || true
    : >"$SENDER_LOG"
    for c in "${SENDER_POSTFIX_CASES[@]}"; do
        read -r rcpt kb _ <<<"$c"
        sender_body "$py" "$rcpt" "$kb" | sender_cx sendmail -C "$SENDER_CONF" -f '' -- "$rcpt"
    done
    expected=${#SENDER_POSTFIX_CASES[@]}
    # Each recipient once: the queue manager picks the messages up itself (a flush would retry the quick failures).
    while [ "$(sed -n 's/.* to=<\([^>]*\)>.* status=\(deferred\|bounced\|sent\).*/\1/p' "$SENDER_LOG" 2>/dev/null | sort -u | wc -l)" -lt "$expected" ] && [ $t -lt 90 ]; do
        sleep 1; t=$((t + 1))
    done
    sender_cx postsuper -c "$SENDER_CONF" -d ALL >/dev/null 2>&1 || true
    if grep -q ' status=sent' "$SENDER_LOG"; then die "the lab sender delivered a message (see $SENDER_LOG)"; fi
    echo "$SENDER_LOG"
}

cmd_sender() {
    need_root
    case ${1:-status} in
        up) lock; sender_up; echo "sender up: Postfix in $NSC, config $SENDER_CONF, log $SENDER_LOG" ;;
        down) lock; sender_down; echo "sender down" ;;
        status) sender_status echo ;;
        run) sender_run ;;
        *) die "sender: up|down|status|run" ;;
    esac
}
