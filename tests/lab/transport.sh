#!/usr/bin/env bash
# Two "transport servers" beside the running lab, for PowerShell remoting over SSH (tests/Pester/Remoting.Tests.ps1).
# Attaches to the lab that tests/lab/lab.sh brought up and never changes its topology: it only adds two namespaces,
# one veth each into mfl-router, a routing table and an nft table of its own in the router, and return routes in
# mfl-srv. `down` removes exactly those again.
#
#   mfl-tx1  e0 203.0.113.2/28,  2001:db8:7:1::2/64   egress behind a PMTU black hole: the router forwards its
#            traffic to the servers over a locked MTU of 1400 and drops the ICMP "too big" that would say so
#   mfl-tx2  e0 203.0.113.18/28, 2001:db8:7:2::2/64   clean egress
#
# Each runs sshd on port 22 with `Subsystem powershell pwsh -sshs`; root logs in with the key in $TX_STATE.
# DNS: the lab's Knot (198.51.100.53), since the lab resolver only serves the lab's client network.
#
# Usage (as root): tests/lab/transport.sh up|down|status
set -euo pipefail

MFL_STATE=${MFL_STATE:-/run/mfl}
TX_STATE=${TX_STATE:-$MFL_STATE/transport}
PWSH=${PWSH:-$(command -v pwsh || echo "$HOME/.dotnet/tools/pwsh")}
SERVERS=(tx1 tx2)
declare -A V4=([tx1]=203.0.113.2 [tx2]=203.0.113.18)
declare -A V4_ROUTER=([tx1]=203.0.113.1 [tx2]=203.0.113.17)
declare -A V6=([tx1]=2001:db8:7:1::2 [tx2]=2001:db8:7:2::2)
declare -A V6_ROUTER=([tx1]=2001:db8:7:1::1 [tx2]=2001:db8:7:2::1)
BLACKHOLE_TABLE=71

log() { echo "transport: $*" >&2; }

lab_is_up() {
    ip netns list | grep -qw mfl-router && ip netns list | grep -qw mfl-srv && ip netns list | grep -qw mfl-client
}

is_up() {
    for s in "${SERVERS[@]}"; do
        [[ -f $TX_STATE/$s/sshd.pid ]] && kill -0 "$(cat "$TX_STATE/$s/sshd.pid")" 2>/dev/null || return 1
    done
}

add_server() {
    local s=$1 ns=mfl-$1 rif=r$1
    ip netns add "$ns"
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 198.51.100.53" >"/etc/netns/$ns/resolv.conf"
    ip -n mfl-router link add "$rif" type veth peer name e0 netns "$ns"
    ip -n mfl-router addr add "${V4_ROUTER[$s]}/28" dev "$rif"
    ip -n mfl-router addr add "${V6_ROUTER[$s]}/64" dev "$rif" nodad
    ip -n mfl-router link set "$rif" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "${V4[$s]}/28" dev e0
    ip -n "$ns" addr add "${V6[$s]}/64" dev e0 nodad
    # Wire-sized segments, as the lab's client sends them, and no kernel MTU probing: a black hole stays black.
    ip -n "$ns" link set e0 gso_max_segs 1 2>/dev/null || true
    ip -n "$ns" link set e0 up
    ip -n "$ns" route add default via "${V4_ROUTER[$s]}"
    ip -n "$ns" -6 route add default via "${V6_ROUTER[$s]}"
    ip netns exec "$ns" sysctl -qw net.ipv4.tcp_mtu_probing=0
}

start_sshd() {
    local s=$1 dir=$TX_STATE/$1
    mkdir -p "$dir" /run/sshd
    cat >"$dir/sshd_config" <<EOF
ListenAddress ${V4[$s]}
ListenAddress ${V6[$s]}
HostKey $TX_STATE/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $TX_STATE/id_ed25519.pub
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem powershell $PWSH -sshs -NoLogo -NoProfile
EOF
    ip netns exec "mfl-$s" /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
}

up() {
    lab_is_up || { log "the lab is not up: run tests/lab/lab.sh up first"; exit 1; }
    if is_up; then log "already up"; return; fi
    down_quietly
    [[ -x /usr/sbin/sshd ]] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server >/dev/null
    mkdir -p "$TX_STATE"
    ssh-keygen -q -t ed25519 -N '' -f "$TX_STATE/host_key"
    ssh-keygen -q -t ed25519 -N '' -f "$TX_STATE/id_ed25519"
    : >"$TX_STATE/known_hosts"
    for s in "${SERVERS[@]}"; do add_server "$s"; done

    # tx1's egress: its traffic to the servers leaves through a table whose route has a locked MTU of 1400, and
    # the router's own "too big" errors towards tx1 are dropped (the lab's black hole, for one sender only).
    ip -n mfl-router rule add from 203.0.113.0/28 lookup $BLACKHOLE_TABLE
    ip -n mfl-router route add 198.51.100.0/24 dev r1 mtu lock 1400 table $BLACKHOLE_TABLE
    ip -n mfl-router -6 rule add from 2001:db8:7:1::/64 lookup $BLACKHOLE_TABLE
    ip -n mfl-router -6 route add 2001:db8:5::/64 dev r1 mtu lock 1400 table $BLACKHOLE_TABLE
    ip netns exec mfl-router nft -f - <<'EOF'
table inet mfl_transport {
    chain tx1_too_big {
        type filter hook output priority filter; policy accept;
        ip daddr 203.0.113.0/28 icmp type destination-unreachable icmp code frag-needed drop
        ip6 daddr 2001:db8:7:1::/64 icmpv6 type packet-too-big drop
    }
}
EOF
    ip -n mfl-srv route add 203.0.113.0/24 via 198.51.100.1
    ip -n mfl-srv -6 route add 2001:db8:7::/48 via 2001:db8:5::1

    for s in "${SERVERS[@]}"; do start_sshd "$s"; done
    for s in "${SERVERS[@]}"; do
        ip netns exec mfl-client ssh-keyscan -T 5 -t ed25519 "${V4[$s]}" 2>/dev/null | sed "s/^[^ ]*/$s,${V4[$s]}/" >>"$TX_STATE/known_hosts"
    done
    log "up: tx1 ${V4[tx1]} (PMTU black hole), tx2 ${V4[tx2]} (clean); key $TX_STATE/id_ed25519"
}

down_quietly() {
    for s in "${SERVERS[@]}"; do
        if [[ -f $TX_STATE/$s/sshd.pid ]]; then kill "$(cat "$TX_STATE/$s/sshd.pid")" 2>/dev/null || true; fi
        { ip netns pids "mfl-$s" 2>/dev/null || true; } | while read -r pid; do kill "$pid" 2>/dev/null || true; done
        ip -n mfl-router link del "r$s" 2>/dev/null || true
        ip netns del "mfl-$s" 2>/dev/null || true
        rm -rf "/etc/netns/mfl-$s"
    done
    ip -n mfl-router rule del from 203.0.113.0/28 lookup $BLACKHOLE_TABLE 2>/dev/null || true
    ip -n mfl-router -6 rule del from 2001:db8:7:1::/64 lookup $BLACKHOLE_TABLE 2>/dev/null || true
    ip -n mfl-router route flush table $BLACKHOLE_TABLE 2>/dev/null || true
    ip -n mfl-router -6 route flush table $BLACKHOLE_TABLE 2>/dev/null || true
    ip netns exec mfl-router nft delete table inet mfl_transport 2>/dev/null || true
    ip -n mfl-srv route del 203.0.113.0/24 2>/dev/null || true
    ip -n mfl-srv -6 route del 2001:db8:7::/48 2>/dev/null || true
    rm -rf "$TX_STATE"
}

status() {
    if is_up; then
        for s in "${SERVERS[@]}"; do echo "$s ${V4[$s]} ${V6[$s]} sshd $(cat "$TX_STATE/$s/sshd.pid")"; done
    else
        echo "transport servers are down"
        return 1
    fi
}

case ${1:-} in
up) up ;;
down) down_quietly; log "down" ;;
status) status ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
