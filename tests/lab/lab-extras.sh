# shellcheck shell=bash
# Sourced by lab.sh: the lab's other mail and DNS servers beside Postfix and Knot.
#
#   .36 / ::36  Exim 4 (Debian's exim4-daemon-light), healthy path
#   .37 / ::37  OpenSMTPD (Debian's opensmtpd), healthy path, no STARTTLS
#   .38 / ::38  the same Exim; 513- and 1025-byte segments lost (the .26 rules)
#   .39 / ::39  the same OpenSMTPD; 513- and 1025-byte segments lost
#   .57 / ::57  BIND 9 authoritative for mta.test, healthy path (max-udp-size 1232, BIND's default)
#   .58 / ::58  the same BIND; fragments from it dropped, UDP answers up to 4096 bytes
#   .41 / ::41  the same Exim behind a PMTU black hole (the .27 rules: route MTU 1400 locked, the router's
#               own frag-needed / packet-too-big quoting this address dropped)
#   .42 / ::42  the same Exim behind the stall (the .29 rule: a flow stops after 64 kB client->server)
#
# exim4-daemon-light and opensmtpd conflict with postfix in Debian, so they are not installed: their
# packages are unpacked into $MTA_ROOT and run from there. BIND comes from apt.

EXTRA_OCTETS=(36 37 38 39 41 42 57 58)
MTA_ROOT=${MFL_MTA_ROOT:-/var/cache/mfl-lab/mta}
MTA_DEBS=(exim4-daemon-light opensmtpd)
# What the two unpacked daemons link against, and BIND.
EXTRA_PKGS=(bind9 bind9-utils libidn12 libgnutls-dane0 libgnutls30 libnsl2 libpcre2-8-0 libdb5.3
            libevent-2.1-7 libssl3 libpam0g zlib1g util-linux)
EXIM_BIN=$MTA_ROOT/usr/sbin/exim4
SMTPD_BIN=$MTA_ROOT/usr/sbin/smtpd

extras_install() {
    ensure_packages "${EXTRA_PKGS[@]}"
    [ -x "$EXIM_BIN" ] && [ -x "$SMTPD_BIN" ] && return 0
    local dl=$MTA_ROOT.debs p
    mkdir -p "$dl" "$MTA_ROOT"
    chmod 755 "$dl"
    log "unpacking ${MTA_DEBS[*]} into $MTA_ROOT (not installed: they conflict with postfix)"
    (cd "$dl" && apt-get download -q "${MTA_DEBS[@]}" >/dev/null 2>&1) ||
        { apt-get update -qq || true; (cd "$dl" && apt-get download -q "${MTA_DEBS[@]}" >/dev/null); } ||
        die "apt-get download ${MTA_DEBS[*]} failed"
    for p in "$dl"/*.deb; do dpkg -x "$p" "$MTA_ROOT"; done
    [ -x "$EXIM_BIN" ] && [ -x "$SMTPD_BIN" ] || die "unpacked packages lack exim4 or smtpd"
}

# Exim's compiled-in user and OpenSMTPD's privilege-separated processes' users, created as Debian's
# packages create them.
extras_users() {
    local u
    for u in Debian-exim opensmtpd opensmtpq; do
        getent passwd "$u" >/dev/null ||
            useradd --system --no-create-home --home-dir /var/lib/opensmtpd/empty --shell /usr/sbin/nologin "$u"
    done
}

extras_addresses() {
    local o have batch=""
    have=$(ip -n "$NSS" addr show dev s0)
    for o in "${EXTRA_OCTETS[@]}"; do
        grep -q "inet 198.51.100.$o/" <<<"$have" || batch+="addr add 198.51.100.$o/24 dev s0"$'\n'
        grep -q "inet6 2001:db8:5::$o/" <<<"$have" || batch+="addr add 2001:db8:5::$o/64 dev s0 nodad"$'\n'
    done
    [ -z "$batch" ] || ip -n "$NSS" -batch - <<<"$batch"
    # the Exim black hole's path MTU, as for .27 (replace: idempotent)
    ip -n "$NSR" route replace 198.51.100.41/32 dev r1 mtu lock 1400
    ip -n "$NSR" -6 route replace 2001:db8:5::41/128 dev r1 mtu lock 1400
}

# The new addresses' faults, added to the router's table next to the existing rules (nothing is flushed).
extras_nft() {
    local chain rules
    # the listing is read whole first: grep -q closing the pipe early would fail it under pipefail
    nft_has() { local listing; listing=$(in_ns "$NSR" nft list chain inet mfl "$1" 2>/dev/null) && grep -qF "$2" <<<"$listing"; }
    for chain in lab_forward; do
        for rules in "ip daddr 198.51.100.38 jump size_loss" "ip6 daddr 2001:db8:5::38 jump size_loss" \
                     "ip daddr 198.51.100.39 jump size_loss" "ip6 daddr 2001:db8:5::39 jump size_loss"; do
            nft_has "$chain" "${rules% jump*}" || in_ns "$NSR" nft add rule inet mfl "$chain" "$rules"
        done
    done
    nft_has frag_drop "198.51.100.58" || {
        in_ns "$NSR" nft add rule inet mfl frag_drop ip saddr 198.51.100.58 ip frag-off '&' 0x1fff != 0 counter drop
        in_ns "$NSR" nft add rule inet mfl frag_drop ip saddr 198.51.100.58 ip frag-off '&' 0x2000 != 0 counter drop
    }
    nft_has frag_drop "2001:db8:5::58" ||
        in_ns "$NSR" nft add rule inet mfl frag_drop ip6 saddr 2001:db8:5::58 exthdr frag exists counter drop
    # stall in front of Exim (.42): the .29 rule
    nft_has lab_forward "198.51.100.42" ||
        in_ns "$NSR" nft add rule inet mfl lab_forward ip daddr 198.51.100.42 meta l4proto tcp ct original bytes '>' 65536 counter drop
    nft_has lab_forward "2001:db8:5::42" ||
        in_ns "$NSR" nft add rule inet mfl lab_forward ip6 daddr 2001:db8:5::42 meta l4proto tcp ct original bytes '>' 65536 counter drop
    # PMTU black hole in front of Exim (.41): the router's own ICMP errors quoting it are dropped, as for .27
    # (198.51.100.41 = 0xc6336429; nft lists the two 64-bit IPv6 halves as one 128-bit value)
    nft_has icmp_filter "0xc6336429" ||
        in_ns "$NSR" nft add rule inet mfl icmp_filter icmp type destination-unreachable icmp code frag-needed \
            @th,192,32 0xc6336429 counter drop
    nft_has icmp_filter "0x20010db8000500000000000000000041" ||
        in_ns "$NSR" nft add rule inet mfl icmp_filter icmpv6 type packet-too-big \
            @th,256,64 0x20010db800050000 @th,320,64 0x41 counter drop
}

extras_cert() { # DIR CN
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$2" -addext "subjectAltName=DNS:$2" \
        -keyout "$1/key.pem" -out "$1/cert.pem" >/dev/null 2>&1
    chmod 640 "$1/key.pem"
}

exim_conf() { sed -e "s|@STATE@|$STATE|g" -e "s|@ROOT@|$MTA_ROOT|g" "$HERE/conf/exim.conf.in"; }

exim_start() {
    local d=$STATE/exim
    mkdir -p "$d/spool" "$d/log"
    exim_conf >"$d/exim.conf"
    extras_cert "$d" mx-exim.mta.test
    extras_users
    chgrp Debian-exim "$d/key.pem"
    chown -R Debian-exim:Debian-exim "$d/spool" "$d/log"
    chmod 755 "$d"
    # -bdf: daemon in the foreground; nothing is queued for later (deliveries are immediate discards)
    spawn exim "$EXIM_BIN" -C "$d/exim.conf" -bdf
}

# OpenSMTPD has compiled-in paths (spool /var/spool/smtpd, control socket /var/run/smtpd.sock): in a
# mount namespace of its own, its state dir is bound to /mnt, the spool onto the compiled path and a
# private tmpfs over /run, so nothing outside the lab is touched and two labs do not share a socket.
smtpd_start() {
    local d=$STATE/opensmtpd
    mkdir -p "$d/spool"
    chmod 711 "$d/spool"
    sed "s|@STATE@|$STATE|g" "$HERE/conf/opensmtpd.conf.in" >"$d/smtpd.conf"
    mkdir -p /var/lib/opensmtpd/empty /var/spool/smtpd
    extras_users
    # shellcheck disable=SC2016
    spawn opensmtpd unshare --mount --propagation private sh -c '
        mount --bind "$1" /mnt && mount --bind /mnt/spool /var/spool/smtpd && mount -t tmpfs lab /run &&
        exec "$2" -d -f /mnt/smtpd.conf' smtpd "$d" "$SMTPD_BIN"
}

bind_start() {
    local d=$STATE/bind
    mkdir -p "$d/keys"
    sed "s|@STATE@|$STATE|g" "$HERE/conf/named.conf.in" >"$d/named.conf"
    cp "$HERE/conf/mta.test.zone" "$d/mta.test.zone"
    spawn named named -g -c "$d/named.conf"
}

bind_ready() {
    local out
    out=$(in_ns "$NSS" dig @198.51.100.57 mta.test DNSKEY +dnssec +time=1 +tries=1 +norec 2>/dev/null) || return 1
    grep -q 'RRSIG.*DNSKEY' <<<"$out" || return 1
    out=$(in_ns "$NSS" dig @198.51.100.58 big.mta.test MX +dnssec +time=1 +tries=1 +norec 2>/dev/null) || return 1
    grep -q 'RRSIG.*MX' <<<"$out" || return 1
    out=$(in_ns "$NSS" dig @198.51.100.57 exim-stall.mta.test MX +dnssec +time=1 +tries=1 +norec 2>/dev/null) || return 1
    grep -q 'RRSIG.*MX' <<<"$out"
}

exim_ready() {
    local a
    for a in 198.51.100.36 198.51.100.38 198.51.100.41 198.51.100.42 2001:db8:5::36 2001:db8:5::38 \
             2001:db8:5::41 2001:db8:5::42; do
        listening "$a" 25 || return 1
    done
}

smtpd_ready() {
    local a
    for a in 198.51.100.37 198.51.100.39 2001:db8:5::37 2001:db8:5::39; do listening "$a" 25 || return 1; done
}

extras_ready() { exim_ready && smtpd_ready && bind_ready; }

EXTRA_PROCS=(exim opensmtpd named)

# A running Exim or BIND from an older lab-extras.sh (fewer addresses, fewer names) is brought up to date:
# Exim is restarted on its new configuration, BIND reloads the zone (SIGHUP). Nothing else is touched.
extras_refresh() {
    local pid
    pid=$(cat "$STATE/pids/exim.pid" 2>/dev/null || true)
    if pid_alive "$pid" && ! exim_conf | cmp -s - "$STATE/exim/exim.conf"; then
        log "restarting Exim on its new configuration"
        kill -TERM "$pid" 2>/dev/null || true
        wait_for 5 eval '! pid_alive '"$pid" || kill -KILL "$pid" 2>/dev/null || true
    fi
    pid=$(cat "$STATE/pids/named.pid" 2>/dev/null || true)
    if pid_alive "$pid" && ! cmp -s "$HERE/conf/mta.test.zone" "$STATE/bind/mta.test.zone"; then
        log "reloading mta.test in BIND"
        cp "$HERE/conf/mta.test.zone" "$STATE/bind/mta.test.zone"
        kill -HUP "$pid"
    fi
}

# Starts whatever of the extras is not running; the rest of the lab is left alone.
extras_up() {
    local name pid
    extras_install
    extras_addresses
    extras_nft
    extras_refresh
    for name in "${EXTRA_PROCS[@]}"; do
        pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null || true)
        pid_alive "$pid" && continue
        case $name in
            exim) exim_start ;;
            opensmtpd) smtpd_start ;;
            named) bind_start ;;
        esac
    done
    wait_for 20 exim_ready || { show_log exim.log; show_log exim/log/mainlog; show_log exim/log/paniclog; die "Exim did not come up"; }
    wait_for 20 smtpd_ready || { show_log opensmtpd.log; die "OpenSMTPD did not come up"; }
    wait_for 30 bind_ready || { show_log named.log; show_log bind/named.log; die "BIND did not come up"; }
}

extras_status() { # say-function
    local name pid ok=0
    for name in "${EXTRA_PROCS[@]}"; do
        pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then "$1" "process  $name: running (pid $pid)"; else "$1" "process  $name: not running"; ok=1; fi
    done
    [ "$ok" = 0 ] && ! extras_ready >/dev/null 2>&1 && { "$1" "servers  Exim/OpenSMTPD/BIND not all listening"; ok=1; }
    return "$ok"
}

cmd_extras() {
    need_root
    case ${1:-up} in
        up) lock; cmd_status -q >/dev/null 2>&1 || base_ready || die "the lab is not up (run: $0 up)"; extras_up
            echo "extras up: Exim .36/.38/.41/.42, OpenSMTPD .37/.39, BIND .57/.58 (and IPv6 twins)" ;;
        status) extras_status echo ;;
        *) die "extras: up|status" ;;
    esac
}

# --- selftest lane ---

# SMTP conversation by hand (swaks would pipeline or STARTTLS on its own): prints every reply.
smtp_talk() { # ADDR LINES…
    local a=$1; shift
    cx "$(python_bin)" - "$a" "$@" <<'PY'
import socket, sys
addr, lines = sys.argv[1], sys.argv[2:]
s = socket.create_connection((addr, 25), timeout=5)
f = s.makefile("rb")
def reply():
    out = []
    while True:
        l = f.readline().decode("latin-1").rstrip("\r\n")
        if not l:
            return out + ["(closed)"]
        out.append(l)
        if len(l) < 4 or l[3] != "-":
            return out
print("\n".join(reply()))
for line in lines:
    s.sendall(line.encode() + b"\r\n")
    print(">> " + line)
    r = reply()
    print("\n".join(r))
    if r[-1] == "(closed)":
        break
PY
}

t_mta_envelope() { # ADDR BANNER-REGEX
    local out
    out=$(smtp_talk "$1" "EHLO client.lab.test" "MAIL FROM:<probe@lab.test>" "RCPT TO:<user@lab.test>" \
        "RCPT TO:<someone@example.com>" "QUIT" 2>&1) || { echo "$out"; return 1; }
    { grep -qE "^220 .*$2" <<<"$out" && grep -qE '^250 .*' <<<"$out" &&
        [ "$(grep -cE '^250[ -]' <<<"$out")" -ge 3 ] && grep -qE '^5[0-9][0-9] ' <<<"$out"; } || { echo "$out"; return 1; }
    echo "$1: $(head -n1 <<<"$out" | cut -c1-60); user@lab.test accepted, example.com refused"
}

t_exim_nonmail_limit() {
    local out args=("EHLO client.lab.test") i
    for i in $(seq 1 12); do args+=("NOOP"); done
    out=$(smtp_talk 198.51.100.36 "${args[@]}" 2>&1) || true
    grep -q '^554 .*[Tt]oo many nonmail' <<<"$out" || { echo "$out"; return 1; }
    echo "Exim: $(grep -m1 '^554' <<<"$out")"
}

t_smtpd_no_pipelining() {
    local out
    out=$(smtp_talk 198.51.100.37 "EHLO client.lab.test" "RCPT TO:<postmaster>" "QUIT" 2>&1) || true
    { ! grep -q PIPELINING <<<"$out" && grep -q '^250' <<<"$out"; } || { echo "$out"; return 1; }
    echo "OpenSMTPD: no PIPELINING in EHLO; $(grep -m1 -E '^5[0-9][0-9] ' <<<"$out")"
}

# One NOOP of exactly SIZE bytes after EHLO (OpenSMTPD offers no PIPELINING): any reply means it arrived.
t_single_command() { # ADDR SIZES_OK SIZES_LOST
    local a=$1 s res=() line
    for s in $2 $3; do
        line="NOOP $(head -c $((s - 7)) /dev/zero | tr '\0' n)"
        if smtp_talk "$a" "EHLO client.lab.test" "$line" >/dev/null 2>&1; then res+=("$s:ok"); else res+=("$s:lost"); fi
    done
    [ "${res[*]}" = "$(for s in $2; do printf '%s:ok ' "$s"; done; for s in $3; do printf '%s:lost ' "$s"; done | sed 's/ $//')" ] ||
        { echo "single NOOP to $a: ${res[*]}"; return 1; }
    echo "single NOOP to $a: ${res[*]}"
}

lane_extras() {
    check mta.exim.v4                 t_mta_envelope 198.51.100.36 Exim
    check mta.exim.v6                 t_mta_envelope 2001:db8:5::36 Exim
    check mta.exim.nonmail-limit      t_exim_nonmail_limit
    check mta.opensmtpd.v4            t_mta_envelope 198.51.100.37 OpenSMTPD
    check mta.opensmtpd.v6            t_mta_envelope 2001:db8:5::37 OpenSMTPD
    check mta.opensmtpd.no-pipelining t_smtpd_no_pipelining
    check sizeloss.exim.v4            t_sizeloss 198.51.100.38 "512 1024" "513 1025"
    check sizeloss.opensmtpd.v4       t_single_command 198.51.100.39 "512 1024" "513 1025"
    check pmtu.blackhole.exim.v4      t_pmtu_blackhole 198.51.100.41 "${PING_V4[@]}"
    check pmtu.blackhole.exim.v6      t_pmtu_blackhole 2001:db8:5::41 "${PING_V6[@]}"
    check stall.exim.v4               t_stall 198.51.100.42
    check dns.bind.big.healthy.v4     t_dns_big_answered 198.51.100.57 big.mta.test
    check dns.bind.big.healthy.v6     t_dns_big_answered 2001:db8:5::57 big.mta.test
    check dns.bind.big.fragdrop.v4    t_dns_big_lost 198.51.100.58 big.mta.test
    check dns.bind.big.fragdrop.tcp   t_dns_big_tcp_ok 198.51.100.58 big.mta.test
}

t_dns_big_answered() {
    local out size
    out=$(cx "${DIG[@]}" "@$1" "$2" MX +dnssec +bufsize=4096 +norec) || { echo "$out"; return 1; }
    size=$(msg_size "$out")
    # BIND answers UDP up to 1232 bytes here (its default max-udp-size): TC=1, then TCP
    { grep -q 'status: NOERROR' <<<"$out" && [ "${size:-0}" -gt 1000 ]; } || { echo "$out"; return 1; }
    echo "$2 MX via $1: $size bytes, $(grep -o '(UDP)\|(TCP)' <<<"$out" | head -n1)"
}
