#!/usr/bin/env bash
# MailFlowTools lab, TLS policy part: MTA-STS, DANE and STARTTLS stripping. Added to a running lab
# (lab.sh calls "lab-tls.sh up|down|status"); runs on its own as well. Idempotent: what is there is kept.
#
#   .60 / ::60  nginx (Debian), HTTPS policy server for mta-sts.<domain>.lab.test, certificate from the lab CA
#   .61 / ::61  tlsproxy.py terminate: STARTTLS with a lab-CA certificate (mx-sts, mx-dane-bad, mx-tlsa-big,
#               mx-bogus, mx-dane-unusable), relaying to Postfix on .25
#   .62 / ::62  the same front end (mx-dane-bad: its TLSA record is wrong)
#   .63 / ::63  tlsproxy.py mask: an ASA-style ESMTP inspection masking STARTTLS as 250-XXXXXXXA, to .25
#   .64 / ::64  the same TLS front end as .61 (mx-sts-backup, the backup MX a policy leaves out)
#   .65 / ::65  nothing listens: the policy host of sts-down.lab.test is down (connection refused)
#   .66 / ::66  a second knotd, authoritative for _25._tcp.mx-bogus.lab.test (unsigned; the DS in lab.test
#               matches no key, so the TLSA answer is bogus)
#   .67 / ::67  a second Unbound, validating lab.test with the lab trust anchor, asking only Knot on .54/::54;
#               UDP answers over 1232 bytes from .54 to it are dropped and its TCP to .54 is blocked (nft
#               table inet mfl_tls in mfl-srv), so large answers (the TLSA RRset of mx-tlsa-big) are lost
#   .68, .69    reserved
#
# State: $MFL_STATE/tls (lab CA ca.pem, certificates, nginx, knot, unbound, logs). Records are added to the
# running lab.test zone with knotc transactions (Knot signs them), never by restarting Knot, Postfix or Unbound.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
STATE=${MFL_STATE:-/run/mfl}
NSP=${MFL_NS_PREFIX:-mfl}
NSS=$NSP-srv
T=$STATE/tls
OCTETS=(60 61 62 63 64 65 66 67 68 69)
PKGS=(nginx-light openssl knot unbound python3)

log() { printf 'lab-tls: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
in_srv() { ip netns exec "$NSS" "$@"; }
now_ms() { date +%s%3N; }
wait_for() {
    local secs=$1; shift
    local end=$(( $(now_ms) + secs * 1000 ))
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.2
    done
}
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
running() { pid_alive "$(cat "$T/pids/$1.pid" 2>/dev/null || true)"; }
listening() { local a=$1; [[ $a == *:* ]] && a="[$a]"; in_srv ss -Hltn "src $a:$2" | grep -q LISTEN; }
spawn() { # NAME CMD…: detached in the server namespace, output in $T/NAME.log
    local name=$1; shift
    setsid ip netns exec "$NSS" "$@" </dev/null >"$T/$name.log" 2>&1 9<&- &
    echo $! >"$T/pids/$name.pid"
}
knotc_main() { knotc -c "$STATE/knot/knot.conf" "$@"; }

ensure_packages() {
    local missing=() p
    for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local prc=/usr/sbin/policy-rc.d made=0
    if [ ! -e "$prc" ]; then printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod 755 "$prc"; made=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=180 --no-install-recommends "${missing[@]}" >/dev/null ||
        { apt-get update -qq || true; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
        { [ "$made" = 1 ] && rm -f "$prc"; die "apt-get install ${missing[*]} failed"; }
    [ "$made" = 1 ] && rm -f "$prc"
    return 0
}

addresses() {
    local o have batch=""
    have=$(ip -n "$NSS" addr show dev s0)
    for o in "${OCTETS[@]}"; do
        grep -q "inet 198.51.100.$o/" <<<"$have" || batch+="addr add 198.51.100.$o/24 dev s0"$'\n'
        grep -q "inet6 2001:db8:5::$o/" <<<"$have" || batch+="addr add 2001:db8:5::$o/64 dev s0 nodad"$'\n'
    done
    [ -z "$batch" ] || ip -n "$NSS" -batch - <<<"$batch"
}

# ------------------------------------------------------------ certificates --

POLICY_HOSTS=(sts stripped sts-backup sts-badcert sts-huge sts-slow sts-redirect sts-malformed)
MX_NAMES=(mx-sts mx-sts-backup mx-dane-bad mx-tlsa-big mx-bogus mx-dane-unusable)

issue() { # NAME SAN: key and certificate signed by the lab CA, 30 days
    openssl req -newkey rsa:2048 -nodes -subj "/CN=${2%%,*}" -keyout "$T/$1.key" -out "$T/$1.csr" >/dev/null 2>&1
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$(sed 's/DNS://g; s/,/,DNS:/g; s/^/DNS:/' <<<"$2")" >"$T/$1.ext"
    openssl x509 -req -in "$T/$1.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 30 \
        -extfile "$T/$1.ext" -out "$T/$1.pem" >/dev/null 2>&1
    chmod 600 "$T/$1.key"
}

certificates() {
    [ -s "$T/ca.pem" ] && [ -s "$T/policy.pem" ] && [ -s "$T/mx.pem" ] && return 0
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=MailFlowTools lab CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1
    chmod 600 "$T/ca.key"
    local names n
    names=$(for n in "${POLICY_HOSTS[@]}"; do printf 'mta-sts.%s.lab.test,' "$n"; done)
    issue policy "${names%,}"
    names=$(for n in "${MX_NAMES[@]}"; do printf '%s.lab.test,' "$n"; done)
    issue mx "${names%,}"
}

# "3 1 1" data for a certificate's key
spki_sha256() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------- policies --

policy_body() { # MODE MX…
    local mode=$1 m; shift
    printf 'version: STSv1\r\nmode: %s\r\n' "$mode"
    for m in "$@"; do printf 'mx: %s\r\n' "$m"; done
    printf 'max_age: 86400\r\n'
}

policies() {
    local w=$T/www h
    for h in "${POLICY_HOSTS[@]}"; do mkdir -p "$w/$h/.well-known"; done
    policy_body enforce mx-sts.lab.test >"$w/sts/.well-known/mta-sts.txt"
    policy_body enforce mx-stripped.lab.test >"$w/stripped/.well-known/mta-sts.txt"
    # leaves out its own backup MX (mx-sts-backup)
    policy_body enforce mx-refused.lab.test >"$w/sts-backup/.well-known/mta-sts.txt"
    policy_body enforce mx1.lab.test >"$w/sts-badcert/.well-known/mta-sts.txt"
    { policy_body enforce mx-sts.lab.test; for _ in $(seq 1 2000); do printf 'filler: %060d\r\n' 0; done; } \
        >"$w/sts-huge/.well-known/mta-sts.txt"
    policy_body enforce mx-sts.lab.test >"$w/sts-slow/.well-known/mta-sts.txt"
    printf 'version: STSv1\nmode: enforced\nmx mx-sts.lab.test\n' >"$w/sts-malformed/.well-known/mta-sts.txt"
    chmod -R a+rX "$w"
}

nginx_conf() {
    local h
    cat <<EOF
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log info;
user nobody nogroup;
events { worker_connections 64; }
http {
    access_log $T/nginx/access.log;
    client_body_temp_path $T/nginx/tmp;
    proxy_temp_path $T/nginx/tmp;
    fastcgi_temp_path $T/nginx/tmp;
    uwsgi_temp_path $T/nginx/tmp;
    scgi_temp_path $T/nginx/tmp;
    types { text/plain txt; }
    default_type application/octet-stream;
    ssl_certificate $T/policy.pem;
    ssl_certificate_key $T/policy.key;
EOF
    for h in "${POLICY_HOSTS[@]}"; do
        printf '    server {\n        listen 198.51.100.60:443 ssl;\n        listen [2001:db8:5::60]:443 ssl;\n'
        printf '        server_name mta-sts.%s.lab.test;\n        root %s/www/%s;\n' "$h" "$T" "$h"
        case $h in
            sts-slow) printf '        limit_rate 16;\n' ;;
            sts-redirect) printf '        return 301 https://mta-sts.sts.lab.test/.well-known/mta-sts.txt;\n' ;;
        esac
        printf '    }\n'
    done
    echo "}"
}

nginx_up() {
    running nginx && return 0
    mkdir -p "$T/nginx/tmp"
    nginx_conf >"$T/nginx/nginx.conf"
    spawn nginx nginx -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" -g 'daemon off;'
}

# ------------------------------------------------------------ SMTP fronts --

fronts_up() {
    local py
    py=$(command -v python3)
    [ -x /usr/bin/python3 ] && py=/usr/bin/python3
    running tlsfront || spawn tlsfront "$py" "$HERE/tlsproxy.py" --mode terminate --cert "$T/mx.pem" --key "$T/mx.key" \
        --upstream 198.51.100.25 198.51.100.61 2001:db8:5::61 198.51.100.62 2001:db8:5::62 198.51.100.64 2001:db8:5::64
    running asa || spawn asa "$py" "$HERE/tlsproxy.py" --mode mask --upstream 198.51.100.25 198.51.100.63 2001:db8:5::63
}

# ------------------------------------------------------ DNS: bogus and lossy --

bogus_knot_up() {
    running knot-bogus && return 0
    mkdir -p "$T/knot/zones" "$T/knot/db"
    cat >"$T/knot/knot.conf" <<EOF
server:
    rundir: "$T/knot"
    pidfile: "$T/knot/knot.pid"
    listen: [ 198.51.100.66@53, 2001:db8:5::66@53 ]
log:
  - target: "$T/knot/knot.log"
    any: info
database:
    storage: "$T/knot/db"
template:
  - id: default
    storage: "$T/knot/zones"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: _25._tcp.mx-bogus.lab.test
    file: "bogus.zone"
EOF
    cat >"$T/knot/zones/bogus.zone" <<EOF
\$ORIGIN _25._tcp.mx-bogus.lab.test.
\$TTL 300
@ SOA ns-bogus.lab.test. hostmaster.lab.test. 1 3600 600 86400 300
@ NS ns-bogus.lab.test.
@ TLSA 3 1 1 $(spki_sha256 "$T/mx.pem")
EOF
    spawn knot-bogus knotd -c "$T/knot/knot.conf"
}

lossy_unbound_up() {
    mkdir -p "$T/unbound"
    # the lab's trust anchor (the lab.test KSK, as the main Unbound has it)
    cp "$STATE/unbound/lab.test.key" "$T/unbound/lab.test.key"
    # large UDP answers from .54 to this resolver are lost, and its TCP to .54 is blocked: the lookup is lost
    if ! in_srv nft list table inet mfl_tls >/dev/null 2>&1; then
        in_srv nft -f - <<'EOF'
table inet mfl_tls {
    chain out {
        type filter hook output priority 0; policy accept;
        ip saddr 198.51.100.54 ip daddr 198.51.100.67 udp sport 53 meta length > 1232 counter drop
        ip6 saddr 2001:db8:5::54 ip6 daddr 2001:db8:5::67 udp sport 53 meta length > 1232 counter drop
        ip saddr 198.51.100.67 ip daddr 198.51.100.54 tcp dport 53 counter drop
        ip6 saddr 2001:db8:5::67 ip6 daddr 2001:db8:5::54 tcp dport 53 counter drop
    }
}
EOF
    fi
    running unbound-lossy && return 0
    sed -e "s|@STATE@|$T|g" \
        -e 's|interface: 198.51.100.56|interface: 198.51.100.67\n    outgoing-interface: 198.51.100.67\n    outgoing-interface: 2001:db8:5::67|' \
        -e 's|interface: 2001:db8:5::56|interface: 2001:db8:5::67|' \
        -e 's|stub-addr: 198.51.100.53|stub-addr: 198.51.100.54|; s|stub-addr: 2001:db8:5::53|stub-addr: 2001:db8:5::54|' \
        "$HERE/conf/unbound.conf.in" >"$T/unbound/unbound.conf"
    spawn unbound-lossy unbound -d -c "$T/unbound/unbound.conf"
}

# ------------------------------------------------------------ zone records --

# Owner names (relative to lab.test) this part adds; each is replaced whole on every up.
zone_records() {
    local mx_spki wrong big i
    mx_spki=$(spki_sha256 "$T/mx.pem")
    wrong=$(printf '%s' "not the key of mx-dane-bad" | sha256sum | cut -d' ' -f1)
    cat <<EOF
mta-sts-web A 198.51.100.60
mta-sts-web AAAA 2001:db8:5::60
mx-sts A 198.51.100.61
mx-sts AAAA 2001:db8:5::61
_25._tcp.mx-sts TLSA 3 1 1 $mx_spki
mx-dane-bad A 198.51.100.62
_25._tcp.mx-dane-bad TLSA 3 1 1 $wrong
mx-stripped A 198.51.100.63
mx-sts-backup A 198.51.100.64
mx-tlsa-big A 198.51.100.61
_25._tcp.mx-tlsa-big TLSA 3 1 1 $mx_spki
mx-bogus A 198.51.100.61
_25._tcp.mx-bogus NS ns-bogus.lab.test.
_25._tcp.mx-bogus DS 12345 8 2 $(printf 'no such key' | sha256sum | cut -d' ' -f1)
ns-bogus A 198.51.100.66
ns-bogus AAAA 2001:db8:5::66
mx-dane-unusable A 198.51.100.61
_25._tcp.mx-dane-unusable TLSA 0 0 1 $mx_spki
_25._tcp.mx-dane-unusable TLSA 4 1 1 $mx_spki
sts MX 10 mx-sts.lab.test.
_mta-sts.sts TXT "v=STSv1; id=20261206a"
mta-sts.sts CNAME mta-sts-web.lab.test.
dane-bad MX 10 mx-dane-bad.lab.test.
dane-bad MX 20 mx-sts.lab.test.
stripped MX 10 mx-stripped.lab.test.
_mta-sts.stripped TXT "v=STSv1; id=20261206a"
mta-sts.stripped CNAME mta-sts-web.lab.test.
sts-backup MX 10 mx-refused.lab.test.
sts-backup MX 20 mx-sts-backup.lab.test.
_mta-sts.sts-backup TXT "v=STSv1; id=20261206a"
mta-sts.sts-backup CNAME mta-sts-web.lab.test.
sts-badcert MX 10 mx1.lab.test.
_mta-sts.sts-badcert TXT "v=STSv1; id=20261206a"
mta-sts.sts-badcert CNAME mta-sts-web.lab.test.
sts-down MX 10 mx-sts.lab.test.
_mta-sts.sts-down TXT "v=STSv1; id=20261206a"
mta-sts.sts-down A 198.51.100.65
dane-bogus MX 10 mx-bogus.lab.test.
tlsa-lost MX 10 mx-tlsa-big.lab.test.
dane-unusable MX 10 mx-dane-unusable.lab.test.
sts-conflict MX 10 mx-sts.lab.test.
_mta-sts.sts-conflict TXT "v=STSv1; id=1"
_mta-sts.sts-conflict TXT "v=STSv1; id=2"
EOF
    for h in sts-huge sts-slow sts-redirect sts-malformed; do
        printf '%s MX 10 mx-sts.lab.test.\n_mta-sts.%s TXT "v=STSv1; id=20261206a"\nmta-sts.%s CNAME mta-sts-web.lab.test.\n' "$h" "$h" "$h"
    done
    # a TLSA RRset of about 2 kB signed: 24 extra SHA-512 records beside the matching one
    for i in $(seq 1 24); do
        echo "_25._tcp.mx-tlsa-big TLSA 3 0 2 $(printf 'filler %d' "$i" | sha512sum | cut -d' ' -f1)"
    done
}

zone_current() { # the zone already holds exactly this part's records for the current certificate
    local want
    want=$(spki_sha256 "$T/mx.pem")
    in_srv dig @198.51.100.53 _25._tcp.mx-sts.lab.test TLSA +short +norec +time=1 +tries=1 2>/dev/null | tr -d ' ' | grep -qi "311$want" &&
        in_srv dig @198.51.100.53 _mta-sts.sts-conflict.lab.test TXT +short +norec +time=1 +tries=1 2>/dev/null | grep -q 'id=2' &&
        in_srv dig @198.51.100.53 _25._tcp.mx-tlsa-big.lab.test TLSA +short +norec +time=1 +tries=1 2>/dev/null | grep -c . | grep -qx 25
}

zone_up() {
    zone_current && return 0
    local records owner
    records=$(zone_records)
    knotc_main zone-begin lab.test >/dev/null
    for owner in $(awk '{print $1}' <<<"$records" | sort -u); do
        knotc_main zone-unset lab.test "$owner" >/dev/null 2>&1 || true
    done
    while read -r owner type data; do
        # shellcheck disable=SC2086
        knotc_main zone-set lab.test "$owner" 300 "$type" $data >/dev/null ||
            { knotc_main zone-abort lab.test >/dev/null 2>&1 || true; die "knotc zone-set $owner $type failed"; }
    done <<<"$records"
    knotc_main zone-commit lab.test >/dev/null || { knotc_main zone-abort lab.test >/dev/null 2>&1 || true; die "knotc zone-commit failed"; }
}

zone_down() {
    [ -S "$STATE/knot/knot.sock" ] || return 0
    local owner
    knotc_main zone-begin lab.test >/dev/null 2>&1 || return 0
    for owner in $(zone_records 2>/dev/null | awk '{print $1}' | sort -u); do
        knotc_main zone-unset lab.test "$owner" >/dev/null 2>&1 || true
    done
    knotc_main zone-commit lab.test >/dev/null 2>&1 || knotc_main zone-abort lab.test >/dev/null 2>&1 || true
}

# ------------------------------------------------------------ up/down/status --

ready() {
    listening 198.51.100.60 443 && listening 2001:db8:5::60 443 &&
        listening 198.51.100.61 25 && listening 198.51.100.62 25 && listening 198.51.100.64 25 &&
        listening 198.51.100.63 25 && listening 2001:db8:5::63 25 &&
        in_srv dig @198.51.100.66 _25._tcp.mx-bogus.lab.test TLSA +short +time=1 +tries=1 | grep -q . &&
        in_srv dig @198.51.100.67 mx1.lab.test A +short +time=1 +tries=1 | grep -q 198.51.100.25 &&
        zone_current
}

cmd_up() {
    [ "$(id -u)" = 0 ] || die "must run as root"
    [ -e "/run/netns/$NSS" ] || die "the lab is not up ($NSS missing)"
    ensure_packages
    mkdir -p "$T/pids"
    addresses
    certificates
    policies
    nginx_up
    fronts_up
    bogus_knot_up
    zone_up
    lossy_unbound_up
    wait_for 15 ready || { cmd_status; die "the TLS policy part did not come up (logs in $T)"; }
}

cmd_down() {
    local name pid
    for name in nginx tlsfront asa knot-bogus unbound-lossy; do
        pid=$(cat "$T/pids/$name.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
    done
    [ -e "/run/netns/$NSS" ] || { rm -rf "$T"; return 0; }
    # nginx's workers and the daemons' children leave with their parents; stragglers on our addresses go too
    sleep 0.3
    for name in nginx tlsfront asa knot-bogus unbound-lossy; do
        pid=$(cat "$T/pids/$name.pid" 2>/dev/null || true)
        if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    in_srv nft delete table inet mfl_tls 2>/dev/null || true
    zone_down
    local o batch=""
    for o in "${OCTETS[@]}"; do
        batch+="addr del 198.51.100.$o/24 dev s0"$'\n'"addr del 2001:db8:5::$o/64 dev s0"$'\n'
    done
    ip -n "$NSS" -force -batch - <<<"$batch" 2>/dev/null || true
    rm -rf "$T"
}

cmd_status() {
    local quiet=${1:-} ok=0 name
    say() { [ "$quiet" = -q ] || echo "$*"; }
    for name in nginx tlsfront asa knot-bogus unbound-lossy; do
        if running "$name"; then say "process  tls/$name: running"; else say "process  tls/$name: not running"; ok=1; fi
    done
    if [ "$ok" = 0 ] && ! ready; then say "tls      not all serving (or lab.test lacks the TLS records)"; ok=1; fi
    return "$ok"
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) shift; cmd_status "$@" ;;
    *) echo "usage: $0 up|down|status [-q]" >&2; exit 2 ;;
esac
