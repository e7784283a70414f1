#!/usr/bin/env bash
# MailFlowTools network fault lab: namespaces, real servers and network faults.
#
#   lab.sh up         bring the lab up (idempotent; installs missing packages)
#   lab.sh down       remove everything (safe when nothing is up)
#   lab.sh status     show what is running; exit 0 only if the lab is complete
#   lab.sh selftest   prove every fault with standard tools; "N passed, N failed"
#   lab.sh delivered [--recipients|--queued]  messages (recipients, or messages queued at all) since lab-up
#   lab.sh deliveries [--queued|--pending|--message-ids]  "QUEUEID<tab>recipient" per delivery (or queue IDs)
#   lab.sh wan-delay [MS]  show or set the distant MX's one-way delay (.35; default 20 ms)
#   lab.sh exec CMD…  run CMD inside the client namespace (mfl-client)
#   lab.sh extras [up|status]  add Exim, OpenSMTPD and BIND to a running lab (lab-extras.sh; part of up)
#   lab.sh sender [up|down|status|run]  the sending Postfix in the client namespace (lab-sender.sh; part of up)
#   lab.sh sender-exim [up|down|status|run]  the sending Exim beside it (lab-sender-exim.sh; part of up)
#
# Runtime state lives in $MFL_STATE (default /run/mfl). See addresses.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# ip, nft, sysctl, knotd, unbound and postfix live in sbin, which a caller's PATH may lack.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
STATE=${MFL_STATE:-/run/mfl}
# MFL_NS_PREFIX (default mfl) names the namespaces, so a second lab can be built beside a running one.
NSP=${MFL_NS_PREFIX:-mfl}
NSC=$NSP-client
NSR=$NSP-router
NSS=$NSP-srv
NAMESPACES=("$NSC" "$NSR" "$NSS")
PFCONF=$STATE/postfix/conf
MARKER=.mfl-lab
PKGS=(nftables knot knot-dnsutils unbound postfix swaks tcpdump tshark dnsutils
      iputils-ping iputils-tracepath scamper socat jq iproute2 openssl python3
      libio-socket-inet6-perl libio-socket-ssl-perl libnet-ssleay-perl libnet-dns-perl
      openssh-server util-linux nginx-light gcc libc6-dev)  # sshd: the transport servers of tests/lab/transport.sh; setpriv: privilege-drop tests; gcc: wan.c

# v4 last octets in the server namespace; each has the v6 twin 2001:db8:5::<octet>
WAN_DEFAULT_MS=20
SRV_OCTETS=(25 26 27 28 29 30 31 32 33 35 53 54 55 56)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "must run as root"; }
ns_exists() { [ -e "/run/netns/$1" ]; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
cx() { ip netns exec "$NSC" "$@"; }

# The distant MX's relay is C (tests/lab/wan.c): it shares the cores with the tool being measured.
wan_bin() {
    local dir=$STATE bin
    # /run is often mounted noexec; then the binary lives beside the system's other build caches.
    if findmnt -n -o OPTIONS --target "$STATE" 2>/dev/null | grep -qw noexec; then dir=/var/cache/mfl; fi
    # Named after the source's hash, so a binary built from another checkout's wan.c is never reused.
    bin=$dir/wan-$(sha1sum "$HERE/wan.c" | cut -c1-12)
    if [ ! -x "$bin" ]; then
        mkdir -p "$dir"
        gcc -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$HERE/wan.c" || die "cannot compile $HERE/wan.c"
        mv "$bin.tmp" "$bin"
    fi
    echo "$bin"
}

python_bin() {
    if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else command -v python3; fi
}

now_ms() { date +%s%3N; }
T0=$(now_ms)
tick() { if [ -n "${MFL_DEBUG:-}" ]; then log "$(( $(now_ms) - T0 )) ms: $*"; fi; }

# Wait until "$@" succeeds; at most $1 seconds (polls every 0.2 s).
wait_for() {
    local secs=$1; shift
    local end=$(( $(now_ms) + secs * 1000 ))
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}

# ---------------------------------------------------------------- packages --

ensure_packages() { # [PACKAGE…] (default: PKGS)
    local missing=() p installed want=("$@")
    [ ${#want[@]} -gt 0 ] || want=("${PKGS[@]}")
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${want[@]}" 2>/dev/null || true)
    for p in "${want[@]}"; do
        grep -q "^$p install ok installed" <<<"$installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing missing packages: ${missing[*]}"
    # Keep the packages' own services (a root-namespace Postfix, Unbound, Knot) from starting.
    local prc=/usr/sbin/policy-rc.d made=0 rc=0
    if [ ! -e "$prc" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"; made=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq -o DPkg::Lock::Timeout=180 --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
    [ "$made" = 1 ] && rm -f "$prc"
    [ "$rc" = 0 ] || die "apt-get install failed ($rc)"
}

# ----------------------------------------------------------------- network --

net_up() {
    local ns o
    for ns in "${NAMESPACES[@]}"; do ip netns add "$ns"; done
    ip link add c0 netns "$NSC" type veth peer name r0 netns "$NSR"
    ip link add s0 netns "$NSS" type veth peer name r1 netns "$NSR"
    # c0 and s0 send wire-sized packets (gso_max_segs 1), as a real NIC does: the router
    # then sees and counts each segment, not 64 kB GSO bundles.

    ip -n "$NSC" -batch - <<EOF
link set lo up
link set c0 up gso_max_segs 1
addr add 192.0.2.10/24 dev c0
addr add 2001:db8:c::10/64 dev c0 nodad
route add default via 192.0.2.1
route add ::/0 via 2001:db8:c::1
EOF
    ip -n "$NSR" -batch - <<EOF
link set lo up
link set r0 up
link set r1 up
addr add 192.0.2.1/24 dev r0
addr add 2001:db8:c::1/64 dev r0 nodad
addr add 198.51.100.1/24 dev r1
addr add 2001:db8:5::1/64 dev r1 nodad
route add 198.51.100.27/32 dev r1 mtu lock 1400
route add 198.51.100.28/32 dev r1 mtu lock 1400
route add 2001:db8:5::27/128 dev r1 mtu lock 1400
route add 2001:db8:5::28/128 dev r1 mtu lock 1400
EOF
    {
        echo "link set lo up"
        echo "link set s0 up gso_max_segs 1"
        for o in "${SRV_OCTETS[@]}"; do
            echo "addr add 198.51.100.$o/24 dev s0"
            echo "addr add 2001:db8:5::$o/64 dev s0 nodad"
        done
        echo "addr add 2001:db8:5::40/64 dev s0 nodad"
        echo "route add 192.0.2.0/24 via 198.51.100.1"
        echo "route add 2001:db8:c::/64 via 2001:db8:5::1"
    } | ip -n "$NSS" -batch -

    in_ns "$NSC" sysctl -qw net.ipv4.tcp_mtu_probing=0 net.ipv6.conf.all.accept_ra=0 >/dev/null
    in_ns "$NSR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
        net.ipv4.conf.all.send_redirects=0 >/dev/null
    gen_nft >"$STATE/router.nft"
    in_ns "$NSR" nft -f "$STATE/router.nft"
    in_ns "$NSR" sysctl -qw net.netfilter.nf_conntrack_acct=1 >/dev/null

    # Name resolution inside the namespaces goes to the lab's Unbound only.
    if [ ! -d /etc/netns ]; then mkdir -p /etc/netns; touch "$STATE/created-etc-netns"; fi
    for ns in "$NSC" "$NSS"; do
        mkdir -p "/etc/netns/$ns"
        echo "nameserver 198.51.100.56" >"/etc/netns/$ns/resolv.conf"
        echo "$ns" >>"$STATE/etc-netns"
    done
}

# Router ruleset: every fault sits on its own server address.
gen_nft() {
    local d size
    cat <<'EOF'
table inet mfl {
    # 1. UDP fragments from ns2 (.54) never reach the client; runs before
    #    conntrack's defragmentation (-400).
    chain frag_drop {
        type filter hook prerouting priority -450; policy accept;
        ip saddr 198.51.100.54 ip frag-off & 0x1fff != 0 counter drop
        ip saddr 198.51.100.54 ip frag-off & 0x2000 != 0 counter drop
        ip6 saddr 2001:db8:5::54 exthdr frag exists counter drop
    }

    chain lab_forward {
        type filter hook forward priority 0; policy accept;
        # never answers
        ip daddr 198.51.100.33 counter drop
        ip6 daddr 2001:db8:5::33 counter drop
        # TCP/53 blocked to ns3 (.55); UDP passes
        ip daddr 198.51.100.55 tcp dport 53 counter drop
        ip6 daddr 2001:db8:5::55 tcp dport 53 counter drop
        # stall: a flow to .29 stops after its original direction carried 64 kB
        ip daddr 198.51.100.29 meta l4proto tcp ct original bytes > 65536 counter drop
        ip6 daddr 2001:db8:5::29 meta l4proto tcp ct original bytes > 65536 counter drop
        ip daddr 198.51.100.26 jump size_loss
        ip6 daddr 2001:db8:5::26 jump size_loss
    }

    # 2. segments to .26 with exactly 513 or 1025 bytes of TCP payload are lost
    chain size_loss {
EOF
    for size in 513 1025; do
        for d in 5 6 7 8 9 10 11 12 13 14 15; do
            printf '        ip hdrlength 5 tcp doff %d ip length %d counter drop\n' "$d" $((20 + 4 * d + size))
            printf '        ip6 nexthdr tcp tcp doff %d ip6 length %d counter drop\n' "$d" $((4 * d + size))
        done
    done
    cat <<'EOF'
    }

    # 3. PMTU black hole: the router's own frag-needed / packet-too-big about
    #    .27 is dropped (match on the quoted inner destination address).
    chain icmp_filter {
        type filter hook output priority 0; policy accept;
        icmp type destination-unreachable icmp code frag-needed @th,192,32 0xc633641b counter drop
        icmpv6 type packet-too-big @th,256,64 0x20010db800050000 @th,320,64 0x27 counter drop
    }
}
EOF
}

# ----------------------------------------------------------------- servers --

# Start "$@" inside the server namespace, detached, its output in $STATE/<name>.log.
spawn() {
    local name=$1; shift
    setsid ip netns exec "$NSS" "$@" </dev/null >"$STATE/$name.log" 2>&1 9<&- &
    echo $! >"$STATE/pids/$name.pid"
}

knot_start() {
    mkdir -p "$STATE/knot/zones" "$STATE/knot/db"
    sed "s|@STATE@|$STATE|g" "$HERE/conf/knot.conf.in" >"$STATE/knot/knot.conf"
    cp "$HERE/conf/lab.test.zone" "$STATE/knot/zones/lab.test.zone"
    {
        # shellcheck disable=SC2016
        printf '$ORIGIN bulk.test.\n$TTL 300\n'
        printf '@ SOA ns1.lab.test. hostmaster.lab.test. 1 3600 600 86400 300\n'
        printf '@ NS ns1.lab.test.\n@ NS ns2.lab.test.\n@ NS ns3.lab.test.\n'
        seq -f 'd%04g MX 10 mx1.lab.test.' 1 5000
        # the same 500 healthy domains, but their MX is a WAN round trip away (mx-far, .35)
        seq -f 'w%04g MX 10 mx-far.lab.test.' 1 500
    } >"$STATE/knot/zones/bulk.test.zone"
    spawn knotd knotd -c "$STATE/knot/knot.conf"
}

knot_ready() {
    local out
    out=$(in_ns "$NSS" dig @198.51.100.53 lab.test DNSKEY +dnssec +time=1 +tries=1 +norec 2>/dev/null) || return 1
    grep -q 'RRSIG.*DNSKEY' <<<"$out" || return 1
    out=$(in_ns "$NSS" dig @198.51.100.53 d5000.bulk.test MX +time=1 +tries=1 +norec +short 2>/dev/null) || return 1
    [ -n "$out" ]
}

unbound_start() {
    mkdir -p "$STATE/unbound"
    sed "s|@STATE@|$STATE|g" "$HERE/conf/unbound.conf.in" >"$STATE/unbound/unbound.conf"
    in_ns "$NSS" dig @198.51.100.53 lab.test DNSKEY +noall +answer +time=2 +tries=2 \
        | awk '$4 == "DNSKEY" && $5 == 257' >"$STATE/unbound/lab.test.key"
    [ -s "$STATE/unbound/lab.test.key" ] || die "no KSK for lab.test from Knot"
    spawn unbound unbound -d -c "$STATE/unbound/unbound.conf"
}

unbound_ready() {
    in_ns "$NSS" dig @198.51.100.56 mx1.lab.test A +time=1 +tries=1 +short | grep -q 198.51.100.25
}

postfix_alt_dirs() { postconf -h alternate_config_directories 2>/dev/null || true; }

postfix_start() {
    mkdir -p "$PFCONF" "$STATE/postfix/queue" "$STATE/postfix/data"
    chown postfix "$STATE/postfix/data"
    sed "s|@STATE@|$STATE|g" "$HERE/conf/postfix-main.cf.in" >"$PFCONF/main.cf"
    cp "$HERE/conf/postfix-master.cf" "$PFCONF/master.cf"
    cp "$HERE/conf/postfix-recipients" "$PFCONF/recipients"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mx.lab.test \
        -addext "subjectAltName=DNS:mx.lab.test,DNS:mx1.lab.test" \
        -keyout "$PFCONF/key.pem" -out "$PFCONF/cert.pem" >/dev/null 2>&1
    chmod 600 "$PFCONF/key.pem"
    # "postfix -c DIR" refuses a directory that the default main.cf does not list.
    local cur
    cur=$(postfix_alt_dirs)
    case " ${cur//,/ } " in
        *" $PFCONF "*) ;;
        *) postconf -e "alternate_config_directories = ${cur:+$cur, }$PFCONF" ;;
    esac
    : >"$STATE/postfix.log"
    # Create the queue directories now and skip postfix-script's slow integrity
    # scan of a brand-new instance (seconds on a small machine).
    if in_ns "$NSS" postfix -c "$PFCONF" post-install create-missing >"$STATE/postfix-install.log" 2>&1; then
        touch "$STATE/postfix/queue/quick-start"
    fi
    setsid ip netns exec "$NSS" postfix -c "$PFCONF" start-fg </dev/null >"$STATE/postfix.log" 2>&1 9<&- &
    echo $! >"$STATE/pids/postfix.pid"
}

postfix_unlist() {
    command -v postconf >/dev/null || return 0
    local cur new
    cur=$(postfix_alt_dirs)
    case " ${cur//,/ } " in *" $PFCONF "*) ;; *) return 0 ;; esac
    new=$(tr -s ', ' '\n' <<<"$cur" | grep -v -x -F "$PFCONF" | grep . | paste -sd, - | sed 's/,/, /g' || true)
    if [ -z "$new" ]; then
        postconf -X alternate_config_directories
    else
        postconf -e "alternate_config_directories = $new"
    fi
}

listening() { # $1 = addr  $2 = port
    local a=$1
    [[ $a == *:* ]] && a="[$a]"
    in_ns "$NSS" ss -Hltn "src $a:$2" | grep -q LISTEN
}

postfix_ready() {
    local a
    for a in 198.51.100.25 198.51.100.29 2001:db8:5::25 2001:db8:5::40; do
        listening "$a" 25 || return 1
    done
}

helpers_start() {
    local py
    py=$(python_bin)
    spawn silent "$py" "$HERE/silent.py" 198.51.100.30 2001:db8:5::30
    spawn fixup "$py" "$HERE/fixup.py" --upstream 198.51.100.25 198.51.100.31 2001:db8:5::31
    # the distant MX: Postfix behind an Internet round trip (one-way delay from $STATE/wan-delay-ms)
    spawn wan "$(wan_bin)" --upstream 198.51.100.25 --delay-ms "$WAN_DEFAULT_MS" \
        --delay-file "$STATE/wan-delay-ms" 198.51.100.35 2001:db8:5::35
}

helpers_ready() {
    listening 198.51.100.30 25 && listening 2001:db8:5::30 25 &&
        listening 198.51.100.31 25 && listening 2001:db8:5::31 25 &&
        listening 198.51.100.35 25 && listening 2001:db8:5::35 25
}

show_log() { if [ -f "$STATE/$1" ]; then tail -n 20 "$STATE/$1" >&2; fi; }

# ------------------------------------------------------------------ up/down --

summary() {
    cat <<EOF
MailFlowTools lab is up (state: $STATE)
  client   $NSC   192.0.2.10  2001:db8:c::10   resolver 198.51.100.56
  router   $NSR   192.0.2.1 / 198.51.100.1   (faults in nft table inet mfl)
  servers  $NSS   198.51.100.x and 2001:db8:5::x
    .25 mx1 (Postfix)   .26 size loss 513/1025   .27 PMTU black hole   .28 PMTU control
    .29 stall > 64 kB   .30 silent (no banner)   .31 fixup box        .32 refused
    .33 never answers   .35 distant MX (Postfix, $(cmd_wan_delay) ms each way)   ::40 AAAA-only MX        .53 Knot  .54 Knot, fragments dropped
    .55 Knot, TCP/53 blocked   .56 Unbound
    .36 Exim  .37 OpenSMTPD  .38 Exim, size loss  .39 OpenSMTPD, size loss  .41 Exim, PMTU black hole  .42 Exim, stall
    .57 BIND  .58 BIND, fragments dropped
  run inside the client:  $0 exec CMD...
EOF
}

cmd_up() {
    need_root
    local t0
    t0=$(now_ms)
    if cmd_status -q; then
        sender_up; sender_exim_up
        summary
        echo "already up ($(( ($(now_ms) - t0) / 1000 )) s)"
        return 0
    fi
    if base_ready; then
        # a lab from before the extras: add them, leave the rest alone
        extras_up
        MFL_STATE=$STATE MFL_NS_PREFIX=$NSP "$HERE/lab-tls.sh" up  # TLS policy part (lab-tls.sh), additive
        extras_up; sender_up; sender_exim_up
        summary
        echo "extras added ($(( ($(now_ms) - t0) / 1000 )) s)"
        return 0
    fi
    ensure_packages
    extras_install
    cmd_down -q
    trap 'log "up failed at line $LINENO: $BASH_COMMAND (run: $0 down)"' ERR
    mkdir -p "$STATE/pids"
    touch "$STATE/$MARKER"
    chmod 755 "$STATE"

    tick start; net_up; tick net_up
    knot_start; tick knot_start
    postfix_start; tick postfix_start
    helpers_start; tick helpers_start
    wait_for 30 knot_ready || { show_log knot/knot.log; show_log knotd.log; die "Knot did not come up"; }
    tick knot_ready; unbound_start
    wait_for 15 unbound_ready || { show_log unbound/unbound.log; show_log unbound.log; die "Unbound did not come up"; }
    tick unbound_ready
    wait_for 20 postfix_ready || { show_log postfix.log; die "Postfix did not come up"; }
    tick postfix_ready
    wait_for 10 helpers_ready || { show_log silent.log; show_log fixup.log; die "helper servers did not come up"; }
    tick helpers_ready; extras_up; tick extras_up
    MFL_STATE=$STATE MFL_NS_PREFIX=$NSP "$HERE/lab-tls.sh" up; tick tls_up
    sender_up; tick sender_up; sender_exim_up
    summary
    echo "up in $(( ($(now_ms) - t0) / 1000 )).$(( ($(now_ms) - t0) % 1000 / 100 )) s"
}

# alive and not a zombie
pid_alive() {
    local st
    [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
    st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ "$st" != Z ]
}

cmd_down() {
    need_root
    local quiet=${1:-} t0 ns pid f pids=() end
    t0=$(now_ms)
    MFL_STATE=$STATE MFL_NS_PREFIX=$NSP "$HERE/lab-tls.sh" down || true
    # every process in a lab namespace, plus whatever the pid files still name
    for ns in "${NAMESPACES[@]}"; do
        ns_exists "$ns" || continue
        while read -r pid; do [ -n "$pid" ] && pids+=("$pid"); done < <(ip netns pids "$ns" 2>/dev/null || true)
    done
    if [ -d "$STATE/pids" ]; then
        for f in "$STATE"/pids/*.pid; do
            [ -e "$f" ] || continue
            pid=$(cat "$f")
            # only if it still is one of ours (pids get reused)
            if pid_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null \
                | grep -qE "knotd|unbound|postfix|master|silent\.py|fixup\.py|wan\.py|netns exec"; then
                pids+=("$pid")
            fi
        done
    fi
    if [ ${#pids[@]} -gt 0 ]; then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        end=$(( $(now_ms) + 5000 ))
        while [ "$(now_ms)" -lt "$end" ]; do
            local alive=0
            for pid in "${pids[@]}"; do pid_alive "$pid" && alive=1 && break; done
            [ "$alive" = 0 ] && break
            sleep 0.1
        done
        for pid in "${pids[@]}"; do pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
        # late children (e.g. Postfix daemons forked during shutdown)
        for ns in "${NAMESPACES[@]}"; do
            ns_exists "$ns" || continue
            while read -r pid; do [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; done < <(ip netns pids "$ns" 2>/dev/null || true)
        done
    fi
    local removed=0
    for ns in "${NAMESPACES[@]}"; do
        if ns_exists "$ns"; then ip netns del "$ns"; fi
        if [ -d "/etc/netns/$ns" ]; then
            rm -f "/etc/netns/$ns/resolv.conf"
            rmdir "/etc/netns/$ns" 2>/dev/null || true
            removed=1
        fi
    done
    # /etc/netns itself goes if the lab made it, or (state lost) if it is left empty by us
    if [ -e "$STATE/created-etc-netns" ] || { [ "$removed" = 1 ] && [ ! -e "$STATE/etc-netns" ]; }; then
        rmdir /etc/netns 2>/dev/null || true
    fi
    postfix_unlist; sender_down; sender_exim_down
    if [ -e "$STATE/$MARKER" ]; then rm -rf "$STATE"; fi
    [ "$quiet" = -q ] || echo "down in $(( ($(now_ms) - t0) / 1000 )).$(( ($(now_ms) - t0) % 1000 / 100 )) s"
}

# The lab without the extras (lab-extras.sh) is complete and serving.
base_ready() { base_status -q >/dev/null 2>&1; }

cmd_status() {
    local quiet=${1:-} ok=0
    base_status "$quiet" || ok=1
    extras_status say_status || ok=1
    MFL_STATE=$STATE MFL_NS_PREFIX=$NSP "$HERE/lab-tls.sh" status "$quiet" || ok=1
    sender_status say_status || true
    sender_exim_status say_status || true
    if [ "$ok" = 0 ]; then say_status "lab is up"; else say_status "lab is not (completely) up"; fi
    return "$ok"
}

base_status() {
    local quiet=${1:-} ok=0 ns name pid
    STATUS_QUIET=$quiet
    say() { say_status "$@"; }
    for ns in "${NAMESPACES[@]}"; do
        if ns_exists "$ns"; then say "ns       $ns: present"; else say "ns       $ns: missing"; ok=1; fi
    done
    for name in knotd unbound postfix silent fixup wan; do
        pid=$(cat "$STATE/pids/$name.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then say "process  $name: running (pid $pid)"; else say "process  $name: not running"; ok=1; fi
    done
    if ns_exists "$NSR" && in_ns "$NSR" nft list table inet mfl >/dev/null 2>&1; then
        say "faults   nft table inet mfl in $NSR: loaded"
    else
        say "faults   nft table inet mfl in $NSR: missing"; ok=1
    fi
    if [ "$ok" = 0 ] && ! { knot_ready && unbound_ready && postfix_ready && helpers_ready; } >/dev/null 2>&1; then
        say "servers  not all listening"; ok=1
    fi
    return "$ok"
}

STATUS_QUIET=
say_status() { [ "$STATUS_QUIET" = -q ] || echo "$*"; }

# The distant MX (.35) holds every chunk for this many milliseconds each way; new connections see a change.
cmd_wan_delay() {
    if [ $# -ge 1 ]; then
        [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -le 5000 ] || die "wan-delay: milliseconds 0-5000, not '$1'"
        mkdir -p "$STATE"
        echo "$1" >"$STATE/wan-delay-ms"
    fi
    cat "$STATE/wan-delay-ms" 2>/dev/null || echo "$WAN_DEFAULT_MS"
}

# Messages (distinct queue ids) with at least one status=sent; --recipients counts recipients.
cmd_delivered() {
    [ -f "$STATE/postfix.log" ] || { echo 0; return 0; }
    if [ "${1:-}" = --recipients ]; then
        grep -c 'status=sent' "$STATE/postfix.log" || true
        return 0
    fi
    if [ "${1:-}" = --queued ]; then
        # Messages that entered the queue at all (completed DATA), whatever became of them.
        sed -n 's/.*postfix\/qmgr.*: \([0-9A-Za-z]\{6,\}\): from=<.*/\1/p' "$STATE/postfix.log" | sort -u | wc -l
        return 0
    fi
    sed -n 's/.*: \([0-9A-Za-z]\{6,\}\): to=<.*status=sent.*/\1/p' "$STATE/postfix.log" | sort -u | wc -l
}

# Read-only listing of Postfix's log by message identity, for the no-delivery checks:
#   (default)  one "QUEUEID<tab>recipient" line per recipient delivered (status=sent)
#   --queued   one queue ID per message that entered the queue at all (completed DATA)
#   --message-ids  "QUEUEID<tab><message-id>" per message that entered the queue
#   --pending  queue IDs still in flight: queued and not yet removed, or past cleanup in the last 5 s with their
#              SMTP session still open (the final "." may just have been accepted); empty once the log has settled
cmd_deliveries() {
    [ -f "$STATE/postfix.log" ] || return 0
    local mode=${1:-sent}
    case $mode in sent|--queued|--pending|--message-ids) ;; *) usage ;; esac
    awk -v mode="$mode" -v now="$(date +%H:%M:%S)" '
        function sod(t, p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
        { id = $6; sub(/:$/, "", id); prog = $5; sub(/\[.*/, "", prog); pid = $5; gsub(/^[^[]*\[|\]:$/, "", pid) }
        prog == "postfix/smtpd" && $7 ~ /^client=/ { session[pid] = session[pid] " " id; next }
        prog == "postfix/smtpd" && $6 == "disconnect" {
            n = split(session[pid], ids, " "); for (i = 1; i <= n; i++) closed[ids[i]] = 1; session[pid] = ""; next }
        prog == "postfix/cleanup" && $7 ~ /^message-id=/ { cleaned[id] = sod($3); mid[id] = substr($7, 12); next }
        prog == "postfix/qmgr" && $7 ~ /^from=/ { queued[id] = 1; if (mode == "--queued") print id; next }
        prog == "postfix/qmgr" && $7 == "removed" { removed[id] = 1; next }
        mode == "sent" && $7 ~ /^to=</ && / status=sent / { rcpt = $7; gsub(/^to=<|>,$/, "", rcpt); print id "\t" rcpt }
        END {
            if (mode == "--message-ids") for (id in queued) print id "\t" mid[id]
            if (mode != "--pending") exit
            for (id in queued) if (!(id in removed)) print id
            for (id in cleaned) {
                age = (sod(now) - cleaned[id] + 86400) % 86400
                if (!(id in queued) && !(id in closed) && age <= 5) print id
            }
        }' "$STATE/postfix.log" | sort -u
}

# ----------------------------------------------------------------- selftest --

# check NAME FUNC [ARGS…]: FUNC prints evidence; its exit status decides.
check() {
    local name=$1 out rc=0; shift
    out=$("$@" 2>&1) || rc=$?
    if [ "$rc" = 0 ]; then
        printf 'PASS %-28s %s\n' "$name" "$(tail -n 1 <<<"$out")"
    else
        printf 'FAIL %-28s\n' "$name"
        tail -n 12 <<<"$out" | sed 's/^/     | /'
    fi
}

DIG=(dig +time=2 +tries=1)
msg_size() { sed -n 's/^;; MSG SIZE  rcvd: \([0-9]*\).*/\1/p' <<<"$1"; }

# big signed MX answer over UDP, not truncated, > 2000 bytes
t_dns_big_ok() {
    local out size
    out=$(cx "${DIG[@]}" "@$1" big.lab.test MX +dnssec +bufsize=4096 +norec) || { echo "$out"; return 1; }
    size=$(msg_size "$out")
    { grep -q 'status: NOERROR' <<<"$out" && grep -q '(UDP)' <<<"$out" && ! grep -q 'flags:[^;]* tc' <<<"$out" && [ "${size:-0}" -gt 2000 ]; } \
        || { echo "$out"; return 1; }
    echo "big.lab.test MX via $1 over UDP: $size bytes"
}

t_dns_big_lost() { # ADDR [NAME]
    local out rc=0 name=${2:-big.lab.test}
    out=$(cx "${DIG[@]}" "@$1" "$name" MX +dnssec +bufsize=4096 +norec +ignore) || rc=$?
    { [ "$rc" != 0 ] && ! grep -q 'status:' <<<"$out"; } || { echo "$out"; return 1; }
    echo "$name MX via $1: no answer (dig exit $rc: $(grep -m1 -o 'timed out\|no servers could be reached' <<<"$out"))"
}

t_dns_small_ok() {
    local out
    out=$(cx "${DIG[@]}" "@$1" healthy.lab.test MX +dnssec +bufsize=4096 +norec) || { echo "$out"; return 1; }
    { grep -q 'status: NOERROR' <<<"$out" && grep -q 'mx1.lab.test' <<<"$out"; } || { echo "$out"; return 1; }
    echo "healthy.lab.test MX via $1: $(msg_size "$out") bytes, answered"
}

t_dns_big_tcp_ok() { # ADDR [NAME]
    local out name=${2:-big.lab.test}
    out=$(cx "${DIG[@]}" "@$1" "$name" MX +dnssec +tcp +norec) || { echo "$out"; return 1; }
    { grep -q 'status: NOERROR' <<<"$out" && grep -q '(TCP)' <<<"$out"; } || { echo "$out"; return 1; }
    echo "$name MX via $1 over TCP: $(msg_size "$out") bytes"
}

t_dns_small_buf_retries_tcp() {
    local out
    out=$(cx "${DIG[@]}" "@$1" big.lab.test MX +dnssec +bufsize=1232 +norec) || { echo "$out"; return 1; }
    { grep -q 'Truncated, retrying in TCP' <<<"$out" && grep -q 'status: NOERROR' <<<"$out"; } || { echo "$out"; return 1; }
    echo "bufsize 1232 via $1: TC=1, TCP retry answered ($(msg_size "$out") bytes)"
}

t_dns_tcp_blocked() {
    local out rc=0
    out=$(cx "${DIG[@]}" "@$1" healthy.lab.test MX +tcp +norec) || rc=$?
    { [ "$rc" != 0 ] && ! grep -q 'status:' <<<"$out"; } || { echo "$out"; return 1; }
    out=$(cx "${DIG[@]}" "@$1" healthy.lab.test MX +norec) || { echo "$out"; return 1; }
    grep -q 'status: NOERROR' <<<"$out" || { echo "$out"; return 1; }
    echo "$1: TCP/53 no answer (dig exit $rc), UDP answers"
}

t_resolver_validates() {
    local out
    out=$(cx "${DIG[@]}" big.lab.test MX +dnssec +bufsize=4096) || { echo "$out"; return 1; }
    { grep -q 'SERVER: 198.51.100.56#53' <<<"$out" && grep -q 'flags:[^;]* ad' <<<"$out" && [ "$(msg_size "$out")" -gt 2000 ]; } \
        || { echo "$out"; return 1; }
    echo "system resolver 198.51.100.56: big.lab.test MX $(msg_size "$out") bytes, AD set"
}

expect() { # NAME TYPE EXPECTED(ERE on the joined +short answer)
    local got
    got=$(cx "${DIG[@]}" +short "$1" "$2" | sort | paste -sd' ' -)
    grep -qE "$3" <<<"$got" || { echo "$1 $2: got '$got', want /$3/"; return 1; }
}

t_names() {
    local out
    expect healthy.lab.test MX '^10 mx1\.lab\.test\.$' &&
    expect failover.lab.test MX '^100 silent\.lab\.test\. 300 mx1\.lab\.test\.$' &&
    expect masked.lab.test MX '^10 fixup\.lab\.test\.$' &&
    expect fixup.lab.test A '^198\.51\.100\.31$' &&
    expect nullmx.lab.test MX '^0 \.$' &&
    expect implicit.lab.test MX '^$' &&
    expect implicit.lab.test A '^198\.51\.100\.25$' &&
    expect implicit.lab.test AAAA '^2001:db8:5::25$' &&
    expect cname.lab.test MX '^10 alias\.lab\.test\.$' &&
    expect alias.lab.test A '^198\.51\.100\.25 mx1\.lab\.test\.$' &&
    expect v6only.lab.test MX '^10 v6host\.lab\.test\.$' &&
    expect v6host.lab.test A '^$' &&
    expect v6host.lab.test AAAA '^2001:db8:5::40$' &&
    expect equal.lab.test MX '^10 mx-control\.lab\.test\. 10 mx-stall\.lab\.test\. 10 mx1\.lab\.test\.$' &&
    expect mx-dead.lab.test AAAA '^2001:db8:5::33$' &&
    expect d5000.bulk.test MX '^10 mx1\.lab\.test\.$' || return 1
    out=$(cx "${DIG[@]}" nosuch.lab.test MX)
    grep -q 'status: NXDOMAIN' <<<"$out" || { echo "$out"; return 1; }
    echo "MX, null MX, implicit MX, MX->CNAME, AAAA-only, equal prefs, NXDOMAIN, bulk.test all as planned"
}

t_reach() {
    local a
    for a in 198.51.100.25 2001:db8:5::25 198.51.100.27 2001:db8:5::27; do
        cx ping -c 1 -W 1 -q "$a" >/dev/null || { echo "no ping reply from $a"; return 1; }
    done
    echo "client reaches .25 and .27 over IPv4 and IPv6 with small packets"
}

PING_V4=(ping -M "do" -s 1472 -c 2 -W 1)
PING_V6=(ping -6 -M "do" -s 1452 -c 2 -W 1)
ICMP_ERR='Frag needed|[Mm]essage too long|Packet too big|mtu ?[=:] ?1400'

t_pmtu_blackhole() { # ADDR PING…
    local a=$1 out; shift
    out=$(cx "$@" "$a" 2>&1) && { echo "$out"; return 1; }
    { grep -q '100% packet loss' <<<"$out" && ! grep -qE "$ICMP_ERR" <<<"$out"; } || { echo "$out"; return 1; }
    echo "$* $a: silently lost (100% loss, no ICMP error)"
}

t_pmtu_control() {
    local a=$1 out; shift
    out=$(cx "$@" "$a" 2>&1) || true
    grep -qE "$ICMP_ERR" <<<"$out" || { echo "$out"; return 1; }
    echo "$* $a: $(grep -m1 -E "$ICMP_ERR" <<<"$out")"
}

SWAKS=(swaks --timeout 5 --from probe@lab.test --helo client.lab.test)

# Incident 3 at the SMTP level: a one-line mail gets through the black hole, a 30 kB one does not.
t_pmtu_smtp() {
    local body=$STATE/selftest/body.txt out
    head -c 30000 /dev/zero | tr '\0' 'a' | fold -w 76 >"$body"
    echo >>"$body"
    out=$(cx "${SWAKS[@]}" --server 198.51.100.27 --to user@lab.test 2>&1) || { echo "small: $out"; return 1; }
    out=$(cx "${SWAKS[@]}" --server 198.51.100.28 --to user@lab.test --body "$body" 2>&1) || { echo "control: $out"; return 1; }
    out=$(cx "${SWAKS[@]}" --server 198.51.100.27 --to user@lab.test --body "$body" 2>&1) && { echo "$out"; return 1; }
    { grep -q 'Timeout' <<<"$out" && grep -q '354 ' <<<"$out"; } || { echo "$out"; return 1; }
    echo "30 kB mail: .28 accepted, .27 $(grep -m1 'Timeout' <<<"$out" | sed 's/^[<* ]*//') after DATA; 1-line mail to .27 accepted"
}

t_smtp_deliver() { # ADDR
    local before out n end
    before=$(cmd_delivered)
    out=$(cx "${SWAKS[@]}" --server "$1" --to user@lab.test 2>&1) || { echo "$out"; return 1; }
    grep -q '250 2.0.0 Ok: queued' <<<"$out" || { echo "$out"; return 1; }
    end=$(( $(now_ms) + 5000 ))
    while n=$(cmd_delivered); [ "$n" -le "$before" ]; do
        [ "$(now_ms)" -lt "$end" ] || { echo "queued but not delivered (count $n)"; return 1; }
        sleep 0.2
    done
    echo "swaks via $1: queued; delivered count $before -> $n"
}

t_smtp_starttls() {
    local out
    out=$(cx "${SWAKS[@]}" --server 198.51.100.25 --to postmaster@lab.test -tls 2>&1) || { echo "$out"; return 1; }
    { grep -q 'TLS started' <<<"$out" && grep -qE 'PIPELINING' <<<"$out" && grep -q 'ENHANCEDSTATUSCODES' <<<"$out" && grep -q '8BITMIME' <<<"$out" && grep -q 'SIZE' <<<"$out"; } \
        || { echo "$out"; return 1; }
    echo "EHLO offers PIPELINING SIZE 8BITMIME ENHANCEDSTATUSCODES STARTTLS; TLS started"
}

# The distant MX answers like mx1, a round trip later per exchange: banner (one way) + EHLO (a round trip).
t_wan() {
    local out d t0 ms
    d=$(cmd_wan_delay)
    t0=$(now_ms)
    out=$(cx "${SWAKS[@]}" --server "$1" --quit-after EHLO 2>&1) || { echo "$out"; return 1; }
    ms=$(( $(now_ms) - t0 ))
    grep -q '<-  250' <<<"$out" || { echo "$out"; return 1; }
    [ "$ms" -ge $(( 3 * d )) ] || { echo "EHLO via $1 after $ms ms, expected at least $(( 3 * d )) ms"; return 1; }
    echo "banner + EHLO via $1 in $ms ms (one-way delay $d ms)"
}

t_smtp_no_relay() {
    local out
    out=$(cx "${SWAKS[@]}" --server 198.51.100.25 --to someone@example.com 2>&1) && { echo "$out"; return 1; }
    grep -q 'Relay access denied' <<<"$out" || { echo "$out"; return 1; }
    grep -m1 'Relay access denied' <<<"$out" | sed 's/^ *//'
}

t_masked_banner() {
    local out line
    out=$(cx "${SWAKS[@]}" --server 198.51.100.31 --quit-after banner 2>&1) || { echo "$out"; return 1; }
    line=$(grep -m1 '^<-  220' <<<"$out") || { echo "$out"; return 1; }
    grep -qE '^<-  220 [20 *]*\*[20 *]*$' <<<"$line" || { echo "$out"; return 1; }
    echo "swaks banner: ${line#<-  }"
}

t_missing_banner() {
    local out
    out=$(cx "${SWAKS[@]}" --server "$1" --quit-after banner 2>&1) && { echo "$out"; return 1; }
    { grep -q '=== Connected to' <<<"$out" && grep -qi 'timeout' <<<"$out"; } || { echo "$out"; return 1; }
    echo "swaks $1: connected, $(grep -m1 -i 'timeout' <<<"$out" | sed 's/^[*= ]*//')"
}

probe() { cx "$(python_bin)" "$HERE/probe.py" "$@"; }

t_connect() { # ADDR EXPECTED
    local out
    out=$(probe connect "$1" --timeout 3) || true
    [ "$out" = "$2" ] || { echo "connect $1:25: got '$out', want '$2'"; return 1; }
    echo "connect $1:25: $out"
}

t_sizeloss() { # ADDR SIZES_OK SIZES_LOST
    local a=$1 s out res=()
    for s in $2; do
        out=$(probe envelope "$a" "$s" --timeout 3) || { echo "$out (expected ok)"; return 1; }
        res+=("$s:ok")
    done
    for s in $3; do
        out=$(probe envelope "$a" "$s" --timeout 3) && { echo "$out (expected lost)"; return 1; }
        grep -q 'replies=0 result=lost' <<<"$out" || { echo "$out"; return 1; }
        res+=("$s:lost")
    done
    echo "pipelined envelope to $a: ${res[*]}"
}

t_stall() {
    local out acked
    out=$(probe stall "$1") && { echo "$out (expected a stall)"; return 1; }
    acked=$(sed -n 's/.* acked=\([0-9]*\) .*/\1/p' <<<"$out")
    { grep -q 'result=stalled' <<<"$out" && [ "${acked:-0}" -gt 50000 ] && [ "${acked:-0}" -lt 70000 ]; } || { echo "$out"; return 1; }
    echo "$1: $out"
}

t_stall_control() {
    local out
    out=$(probe stall "$1") || { echo "$out"; return 1; }
    echo "$1: $out"
}

t_splitdot() {
    local out
    out=$(probe splitdot 198.51.100.31 --timeout 4) && { echo "$out (expected no reply)"; return 1; }
    grep -q 'reply=none' <<<"$out" || { echo "$out"; return 1; }
    out=$(probe splitdot 198.51.100.25 --timeout 4) || { echo "direct: $out"; return 1; }
    echo "'.' and CRLF in separate packets: via fixup no reply; direct $(cut -c1-30 <<<"$out")"
}

# The checks run in four lanes at once (each lane in order); most of the time
# is spent waiting for things that never come.
lane_dns() {
    check dns.big.healthy.v4          t_dns_big_ok 198.51.100.53
    check dns.big.healthy.v6          t_dns_big_ok 2001:db8:5::53
    check dns.big.fragdrop.v4         t_dns_big_lost 198.51.100.54
    check dns.big.fragdrop.v6         t_dns_big_lost 2001:db8:5::54
    check dns.small.fragdrop.v4       t_dns_small_ok 198.51.100.54
    check dns.big.fragdrop.tcp        t_dns_big_tcp_ok 198.51.100.54
    check dns.bufsize1232.fragdrop    t_dns_small_buf_retries_tcp 198.51.100.54
    check dns.tcp53blocked.v4         t_dns_tcp_blocked 198.51.100.55
    check dns.tcp53blocked.v6         t_dns_tcp_blocked 2001:db8:5::55
    check dns.resolver                t_resolver_validates
    check dns.names                   t_names
}

lane_path() {
    check topology.reach              t_reach
    check pmtu.blackhole.v4           t_pmtu_blackhole 198.51.100.27 "${PING_V4[@]}"
    check pmtu.control.v4             t_pmtu_control 198.51.100.28 "${PING_V4[@]}"
    check pmtu.blackhole.v6           t_pmtu_blackhole 2001:db8:5::27 "${PING_V6[@]}"
    check pmtu.control.v6             t_pmtu_control 2001:db8:5::28 "${PING_V6[@]}"
    check smtp.refused.v4             t_connect 198.51.100.32 refused
    check smtp.never-answers.v4       t_connect 198.51.100.33 timeout
    check smtp.never-answers.v6       t_connect 2001:db8:5::33 timeout
    check stall.v4                    t_stall 198.51.100.29
    check stall.v6                    t_stall 2001:db8:5::29
    check stall.control               t_stall_control 198.51.100.25
}

lane_smtp() {
    check smtp.deliver.v4             t_smtp_deliver 198.51.100.25
    check smtp.deliver.v6only         t_smtp_deliver 2001:db8:5::40
    check smtp.starttls               t_smtp_starttls
    check smtp.distant-mx.v4          t_wan 198.51.100.35
    check smtp.distant-mx.v6          t_wan 2001:db8:5::35
    check smtp.norelay                t_smtp_no_relay
    check smtp.masked-banner          t_masked_banner
    check smtp.fixup.split-dot        t_splitdot
    check smtp.no-banner.v4           t_missing_banner 198.51.100.30
    check smtp.no-banner.v6           t_connect 2001:db8:5::30 silent
}

lane_size() {
    check sizeloss.v4                 t_sizeloss 198.51.100.26 "512 514 1024 1026" "513 1025"
    check sizeloss.v6                 t_sizeloss 2001:db8:5::26 "512 514 1026" "513 1025"
    check sizeloss.control            t_sizeloss 198.51.100.25 "513 1025" ""
    check pmtu.smtp                   t_pmtu_smtp
}

cmd_selftest() {
    need_root
    cmd_status -q || die "the lab is not up (run: $0 up)"
    local t0 dir lane passed failed
    t0=$(now_ms)
    dir=$STATE/selftest
    rm -rf "$dir"
    mkdir -p "$dir"
    for lane in dns path smtp size extras; do
        "lane_$lane" >"$dir/$lane" 2>&1 &
    done
    wait
    cat "$dir"/dns "$dir"/path "$dir"/smtp "$dir"/size "$dir"/extras
    passed=$(cat "$dir"/{dns,path,smtp,size,extras} | grep -c '^PASS' || true)
    failed=$(cat "$dir"/{dns,path,smtp,size,extras} | grep -c '^FAIL' || true)
    echo "selftest took $(( ($(now_ms) - t0) / 1000 )) s"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

# Exim, OpenSMTPD and BIND beside Postfix and Knot
# shellcheck source=lab-extras.sh
. "$HERE/lab-extras.sh"

# The sending Postfix in the client namespace (a real mail log of the faults)
# shellcheck source=lab-sender.sh
. "$HERE/lab-sender.sh"
# shellcheck source=lab-sender-exim.sh
. "$HERE/lab-sender-exim.sh"

# --------------------------------------------------------------------- main --

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

# One up/down/selftest at a time: lock this script file (fd 9; never inherited by the servers).
lock() {
    exec 9<"$HERE/lab.sh"
    flock -w 180 9 || die "another lab.sh is still running"
}

[ $# -ge 1 ] || usage
sub=$1; shift
case $sub in up|down|selftest) need_root; lock ;; esac
case $sub in
    up) cmd_up ;;
    install) need_root; ensure_packages ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    selftest) cmd_selftest ;;
    delivered) cmd_delivered "$@" ;;
    deliveries) cmd_deliveries "$@" ;;
    wan-delay) cmd_wan_delay "$@" ;;
    extras) cmd_extras "$@" ;;
    sender) cmd_sender "$@" ;;
    sender-exim) cmd_sender_exim "$@" ;;
    exec) [ $# -ge 1 ] || usage; need_root; exec ip netns exec "$NSC" "$@" ;;
    -h|--help|help) usage ;;
    *) usage ;;
esac
