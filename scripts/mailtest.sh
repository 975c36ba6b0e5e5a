#!/usr/bin/env bash
# mailtest.sh — FOI Campaigner's real mail servers on loopback, for the integration tests.
# Adapted from ../shared/recipes/mailtest.sh. Debian 12, run as root, no systemd; touches neither
# /etc/postfix nor /etc/dovecot: every config file, mailbox and log lives under $MAILTEST_DIR.
#
#   Postfix 3.7  smtpd  127.0.0.1:$SMTP_PORT  (plain, optional STARTTLS, optional AUTH)    default 2525
#                smtpd  127.0.0.1:$DEFER_PORT (every recipient: 450 try again later)         default 2526
#                smtpd  127.0.0.1:$NOPIPE_PORT (does not offer PIPELINING)                    default 2527
#                smtpd  127.0.0.1:$SMTPS_PORT (implicit TLS)                                default 10465
#        |  every recipient of any domain (but the special domains below) -> Dovecot LMTP
#   Dovecot 2.3  lmtp   127.0.0.1:$LMTP_PORT                                                default 10024
#                imap   127.0.0.1:$IMAP_PORT (plain, optional STARTTLS)                     default 10143
#                imaps  127.0.0.1:$IMAPS_PORT (implicit TLS)                                default 10993
#   mailtest-idp.py  http  127.0.0.1:$IDP_PORT (OAuth2 identity provider, python3)          default LMTP_PORT+1
#
#   Mailboxes: $MAILTEST_DIR/mail/<domain>/<local>/Maildir, one per address, made on first delivery or
#   login; folders INBOX, Sent, Archive, Drafts, Trash. foi+TOKEN@example.org lands in foi@example.org.
#   Logins: foi@example.org / secret, and ANY other address / secret (read what a council received).
#   OAuth2: IMAP and SMTP AUTH also take XOAUTH2 and OAUTHBEARER with an access token of the local identity
#   provider (scripts/mailtest-idp.py: device, authorize, token, introspection and revocation endpoints), checked by
#   Dovecot's `passdb oauth2` through token introspection; Postfix asks Dovecot (SASL socket). Without
#   python3 the provider is not started and only password logins work.
#   TLS: a private CA ($MAILTEST_DIR/ssl/ca.pem, printed by `env` as MAILTEST_CA_CERT) signs the servers'
#   certificate for DNS:localhost and IP:127.0.0.1. Trust ca.pem as a root; connect to 127.0.0.1
#   (both daemons listen on IPv4 only).
#
#   Special recipient domains, so that failure handling is tested against real Postfix (any local part
#   works, so each test can make its own address there):
#     *@reject.example    RCPT TO is refused at once: 550 5.1.1 no such user          (permanent, 5xx)
#     *@tempfail.example  RCPT TO is refused at once: 450 4.2.0 try again later       (temporary, 4xx)
#                         (smtpd_recipient_restrictions = check_recipient_access texthash:...)
#     *@nouser.example    accepted (250), then Postfix's error(8) transport fails it with
#                         "5.1.1 mailbox unavailable" and Postfix sends a real DSN (multipart/report,
#                         report-type=delivery-status, with the original message attached) from
#                         MAILER-DAEMON@mailtest.localdomain to the envelope sender, which lands in the
#                         sender's INBOX here (foi+TOKEN@example.org -> foi@example.org).
#                         (transport_maps: nouser.example error:5.1.1 ...; smtpd_reject_unlisted_recipient = no)
#
# usage: mailtest.sh install   # apt-get install the packages + a vmail user (idempotent, ~10 s)
#        mailtest.sh start     # start both daemons and wait until every port answers; a no-op when this
#                              # instance already runs healthy with the current config (an edited script or
#                              # other settings restart it); never installs anything; safe to call from
#                              # several processes at once (flock on $MAILTEST_DIR.lock, /tmp/foi-mailtest.lock)
#        mailtest.sh stop      # stop both daemons (only the ones recorded in our pid files)
#        mailtest.sh status    # exit 0 if this instance runs and every port answers, else say what is down
#        mailtest.sh wait      # wait until every port answers (30 s at most)
#        mailtest.sh env       # print export lines for the test suite (ports, login, CA certificate)
#        mailtest.sh clean     # stop + rm -rf $MAILTEST_DIR
# env:   MAILTEST_DIR (default /tmp/foi-mailtest), SMTP_PORT, SMTPS_PORT, IMAP_PORT, IMAPS_PORT, LMTP_PORT,
#        IDP_PORT (default LMTP_PORT+1);
#        MAILTEST_CATCHALL=addr (optional: Postfix always_bcc, a copy of every message lands in addr's INBOX).
#        Two instances can run side by side with different MAILTEST_DIR and ports.
# logs:  $MAILTEST_DIR/postfix/maillog, $MAILTEST_DIR/dovecot/dovecot.log, $MAILTEST_DIR/idp/idp.log
set -euo pipefail

D=${MAILTEST_DIR:-/tmp/foi-mailtest}
D=${D%/}
SMTP_PORT=${SMTP_PORT:-2525}
# a listener that answers every RCPT with 450 (try again later): for retry tests
DEFER_PORT=${DEFER_PORT:-2526}
# a listener that does not offer PIPELINING: for the one-command-at-a-time SMTP path
NOPIPE_PORT=${NOPIPE_PORT:-2527}
SMTPS_PORT=${SMTPS_PORT:-10465}
IMAP_PORT=${IMAP_PORT:-10143}
IMAPS_PORT=${IMAPS_PORT:-10993}
LMTP_PORT=${LMTP_PORT:-10024}
# the OAuth2 identity provider (mailtest-idp.py)
IDP_PORT=${IDP_PORT:-$((LMTP_PORT + 1))}
IDP=$(dirname "${BASH_SOURCE[0]}")/mailtest-idp.py
PYTHON=$(command -v python3 || true)
CATCHALL=${MAILTEST_CATCHALL:-}
LOCK=$D.lock
DC=$D/dovecot/dovecot.conf
PC=$D/postfix/etc
SSL=$D/ssl
SELF=${BASH_SOURCE[0]}
PATH=$PATH:/usr/sbin:/sbin          # daemons live in sbin, which a non-root PATH may lack

log() { echo "mailtest: $*" >&2; }

packages_missing() {
    [ "$(dpkg-query -W -f='${Status}\n' dovecot-imapd dovecot-lmtpd postfix openssl 2>/dev/null \
        | grep -c '^install ok installed$')" != 4 ]
}

do_install() {
    # Preseed so the postfix package does not write a system /etc/postfix/main.cf.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    # Debian container images ship /usr/sbin/policy-rc.d (exit 101), so no system daemon is started.
    # Without it, the packages start the system dovecot/postfix on 25/143/993: harmless, other ports.
    if packages_missing; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            dovecot-imapd dovecot-lmtpd postfix openssl >/dev/null
    else
        log "packages already installed"
    fi
    getent passwd vmail >/dev/null || useradd --system --user-group --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin vmail
}

# start never installs by itself (a test run should not call apt-get): it says what to run instead.
require_installed() {
    local missing=""
    command -v dovecot >/dev/null || missing="$missing dovecot"
    command -v postfix >/dev/null || missing="$missing postfix"
    command -v openssl >/dev/null || missing="$missing openssl"
    command -v flock >/dev/null || missing="$missing flock(util-linux)"
    getent passwd vmail >/dev/null || missing="$missing vmail-user"
    [ -z "$missing" ] && return 0
    log "missing:$missing. Run (as root): $SELF install"
    log "  or: apt-get install dovecot-imapd dovecot-lmtpd postfix openssl && useradd --system --user-group vmail"
    exit 3
}

# A CA and a server certificate it signs. rustls/webpki refuse a self-signed CA:TRUE certificate used as
# the server's own certificate (CaUsedAsEndEntity), so the recipe's single self-signed cert is not enough.
make_certs() {
    [ -s "$SSL"/ca.pem ] && [ -s "$SSL"/cert.pem ] && [ -s "$SSL"/key.pem ] && return 0
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -days 3650 -subj "/CN=FOI Campaigner mailtest CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$SSL"/ca-key.pem -out "$SSL"/ca.pem 2>/dev/null
    openssl req "${ec[@]}" -subj /CN=localhost -keyout "$SSL"/key.pem -out "$SSL"/server.csr 2>/dev/null
    openssl x509 -req -in "$SSL"/server.csr -CA "$SSL"/ca.pem -CAkey "$SSL"/ca-key.pem -CAcreateserial \
        -days 3650 -out "$SSL"/cert.pem -extfile <(printf '%s\n' \
            'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=critical,CA:FALSE' \
            'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth') 2>/dev/null
    chmod 600 "$SSL"/ca-key.pem "$SSL"/key.pem
    chmod 644 "$SSL"/ca.pem "$SSL"/cert.pem
    rm -f "$SSL"/server.csr
}

write_configs() {
    mkdir -p "$D"/dovecot "$D"/mail "$PC" "$D"/postfix/spool "$SSL"
    chmod 755 "$D" "$D"/dovecot "$D"/postfix "$PC" "$SSL"   # vmail, dovenull and postfix traverse these
    chown vmail:vmail "$D"/mail
    make_certs
    [ -f "$D"/dovecot/users ] || echo 'foi@example.org:{PLAIN}secret' > "$D"/dovecot/users

    cat > "$DC" <<EOF
# Private Dovecot 2.3 instance for FOI Campaigner's tests (ignores /etc/dovecot; no systemd)
instance_name = foi-mailtest-${D//\//_}
base_dir = $D/dovecot/run
listen = 127.0.0.1
protocols = imap lmtp
log_path = $D/dovecot/dovecot.log

ssl = yes
ssl_cert = <$SSL/cert.pem
ssl_key = <$SSL/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2 oauthbearer
# wrong-password tests fail after ~0.5 s instead of 2 s
auth_failure_delay = 0

# one Maildir per address: mail/<domain>/<localpart>/Maildir, owned by vmail
mail_location = maildir:~/Maildir
mail_uid = vmail
mail_gid = vmail
first_valid_uid = 1
# throw-away test data: no fsync (2x faster APPEND/LMTP)
mail_fsync = never

namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Archive {
    special_use = \Archive
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
}

# 0) OAuth2 access tokens of mailtest-idp.py (XOAUTH2, OAUTHBEARER), checked by introspection
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $D/dovecot/oauth2.conf.ext
}
# 1) known users with their own password
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u $D/dovecot/users
}
# 2) any other address logs in with password "secret"
passdb {
  driver = static
  mechanisms = plain login
  args = password=secret
}
userdb {
  driver = static
  args = home=$D/mail/%d/%n allow_all_users=yes
}

service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    port = $LMTP_PORT
  }
}
# no growing per-IP penalty (2..15 s) after failed logins: negative-auth tests stay fast
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# SASL for Postfix (smtpd_sasl_type = dovecot)
service auth {
  unix_listener auth-postfix {
    mode = 0666
  }
}
# foi+anything@example.org is delivered to foi@example.org's INBOX
recipient_delimiter = +
protocol lmtp {
  postmaster_address = postmaster@example.org
}
EOF

    cat > "$D"/dovecot/oauth2.conf.ext <<EOF
# Dovecot asks mailtest-idp.py whether an access token is active, and whose it is (RFC 7662)
introspection_url = http://127.0.0.1:$IDP_PORT/introspect
introspection_mode = post
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
EOF

    # Refused at RCPT TO (smtpd); a domain key matches every address in that domain (access(5)).
    cat > "$PC"/recipient_access <<EOF
reject.example    550 5.1.1 no such user
tempfail.example  450 4.2.0 try again later
EOF
    # Accepted at RCPT TO, then failed in the queue by error(8), which makes Postfix bounce a DSN to the
    # envelope sender (smtpd_reject_unlisted_recipient = no, or smtpd would refuse it at RCPT TO already).
    cat > "$PC"/transport <<EOF
nouser.example    error:5.1.1 mailbox unavailable
EOF

    cat > "$PC"/main.cf <<EOF
# Private Postfix instance for FOI Campaigner's tests: postfix -c $PC start
compatibility_level = 3.6
queue_directory = $D/postfix/spool
data_directory = $D/postfix/data
maillog_file = $D/postfix/maillog
maillog_file_prefixes = $D, /tmp, /var, /dev/stdout
mail_owner = postfix
setgid_group = postdrop

myhostname = mailtest.localdomain
mydomain = localdomain
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no
recipient_delimiter = +

# every recipient of any domain -> Dovecot LMTP, but the special domains in transport_maps. (Not a
# static: map after the texthash: a static map answers the full-address lookup before the domain key.)
default_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
transport_maps = texthash:$PC/transport
${CATCHALL:+always_bcc = $CATCHALL}

# loopback clients may send to anything; others only after AUTH
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject
smtpd_recipient_restrictions = check_recipient_access texthash:$PC/recipient_access
# accept nouser.example at RCPT TO (its transport is error:, which smtpd would otherwise refuse at once)
smtpd_reject_unlisted_recipient = no
message_size_limit = 52428800

# deliver at once; if Dovecot was down, retry within seconds
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s

# STARTTLS (optional for the client) + implicit-TLS listener, certificate signed by our test CA
smtpd_tls_cert_file = $SSL/cert.pem
smtpd_tls_key_file = $SSL/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = no
# SMTP AUTH PLAIN/LOGIN, checked by Dovecot's passdb
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $D/dovecot/run/auth-postfix
EOF

    cat > "$PC"/master.cf <<EOF
# service  type  private unpriv chroot wakeup maxproc command
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
127.0.0.1:$SMTPS_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:$DEFER_PORT inet n - n - - smtpd -o smtpd_recipient_restrictions=defer -o smtpd_relay_restrictions=permit_mynetworks,reject
127.0.0.1:$NOPIPE_PORT inet n - n - - smtpd -o smtpd_discard_ehlo_keywords=pipelining
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
    # Postfix waits for config and table files younger than ~2 s to be "stable": backdating them makes
    # `postfix start` take 0.12-0.5 s instead of 2.1 s, and smtpd's first greeting 0.07 s instead of 1.5 s.
    touch -d '10 seconds ago' "$PC"/main.cf "$PC"/master.cf "$PC"/recipient_access "$PC"/transport
}

# What a running instance was started from: this script and the settings it reads. A changed script
# (say, a new special domain) makes the next `start` restart the instance instead of keeping it.
fingerprint() {
    { cat "$SELF" "$IDP" 2>/dev/null
      echo "$D $SMTP_PORT $DEFER_PORT $NOPIPE_PORT $SMTPS_PORT $IMAP_PORT $IMAPS_PORT $LMTP_PORT $CATCHALL $IDP_PORT $PYTHON"; } \
        | sha256sum | cut -c1-64
}

# banner PORT PREFIX: true once a TCP connect to 127.0.0.1:PORT yields a greeting starting with PREFIX
banner() {
    local line
    line=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && head -n1 <&3" 2>/dev/null) || true
    [[ $line == "$2"* ]]
}
listening() {   # plain TCP connect (implicit-TLS ports are opened by the same master processes)
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

all_ready() {   # all_ready [verbose]
    local why=""
    banner "$IMAP_PORT" '* OK' || why="imap :$IMAP_PORT"
    [ -n "$why" ] || banner "$LMTP_PORT" '220' || why="lmtp :$LMTP_PORT"
    [ -n "$why" ] || banner "$SMTP_PORT" '220' || why="smtp :$SMTP_PORT"
    [ -n "$why" ] || listening "$IMAPS_PORT" || why="imaps :$IMAPS_PORT"
    [ -n "$why" ] || listening "$SMTPS_PORT" || why="smtps :$SMTPS_PORT"
    [ -n "$why" ] || listening "$NOPIPE_PORT" || why="smtp (no pipelining) :$NOPIPE_PORT"
    [ -n "$why" ] || [ -z "$PYTHON" ] || listening "$IDP_PORT" || why="oauth2 idp :$IDP_PORT"
    [ -z "$why" ] && return 0
    [ -n "${1:-}" ] && log "not ready: $why"
    return 1
}

any_port_taken() {   # prints the first of our ports something else listens on
    local p
    for p in "$SMTP_PORT" "$SMTPS_PORT" "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" ${PYTHON:+"$IDP_PORT"}; do
        if listening "$p"; then echo "$p"; return 0; fi
    done
    return 1
}

wait_ready() {
    for _ in $(seq 1 300); do      # up to 30 s
        if all_ready; then return 0; fi
        sleep 0.1
    done
    log "not ready after 30 s; logs:"; tail -n 20 "$D"/dovecot/dovecot.log "$D"/postfix/maillog >&2 || true
    return 1
}

# master_pid PIDFILE COMM: print the pid if the file names a live process called COMM (guards against pid reuse)
master_pid() {
    local pid
    pid=$(awk 'NR==1{print $1}' "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = "$2" ] && echo "$pid"
}
postfix_pid() { master_pid "$D"/postfix/spool/pid/master.pid master; }
idp_pid() {     # the identity provider runs as python3 (comm may be python3 or python3.X)
    local pid
    pid=$(cat "$D"/idp/idp.pid 2>/dev/null) || return 1
    [ -n "$pid" ] && grep -q mailtest-idp "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}
dovecot_pid() { master_pid "$D"/dovecot/run/master.pid dovecot; }

# this instance's two masters run, every port answers, and they run the current config
healthy() {
    postfix_pid >/dev/null && dovecot_pid >/dev/null && { [ -z "$PYTHON" ] || idp_pid >/dev/null; } \
        && [ "$(cat "$D"/.fingerprint 2>/dev/null)" = "$(fingerprint)" ] && all_ready
}

# SIGTERM both masters (Postfix exits in ~1.5 s, Dovecot in ~3 s), then wait until their whole process
# groups are gone (both masters call setsid(), so pgid == master pid); SIGKILL what is left after 10 s.
do_stop() {
    local pids="" p
    p=$(postfix_pid) && pids="$pids $p"
    p=$(dovecot_pid) && pids="$pids $p"
    p=$(idp_pid) && pids="$pids $p"
    rm -f "$D"/.fingerprint
    [ -n "$pids" ] || return 0
    for p in $pids; do kill -TERM "$p"; done
    for _ in $(seq 1 100); do
        local alive=""
        for p in $pids; do kill -0 -- -"$p" 2>/dev/null && alive=1; done
        [ -n "$alive" ] || return 0
        sleep 0.1
    done
    log "still running after 10 s, SIGKILL process groups:$pids"
    for p in $pids; do kill -KILL -- -"$p" 2>/dev/null || true; done
}

do_start() {
    require_installed
    if healthy; then
        log "already running: smtp 127.0.0.1:$SMTP_PORT imap :$IMAP_PORT ($D)"
        return 0
    fi
    do_stop                                           # a leftover or outdated instance of ours
    local taken
    if taken=$(any_port_taken); then
        log "port $taken on 127.0.0.1 is taken by another process (another mailtest instance, say the"
        log "recipe's MAILTEST_DIR=/tmp/mailtest?): stop it, or choose other ports with SMTP_PORT, SMTPS_PORT,"
        log "IMAP_PORT, IMAPS_PORT, LMTP_PORT"
        return 1
    fi
    write_configs
    start_idp
    # Both daemonize. Never let them inherit our stdout/stderr: Dovecot's master keeps fd 2 open, which
    # would make `mailtest.sh start | tee ...` (or a CI log pipe) wait forever. Nor our lock (fd 9): a
    # daemon holding it would block every later start/stop.
    dovecot -c "$DC" </dev/null >"$D"/dovecot/start.log 2>&1 9>&- \
        || { cat "$D"/dovecot/start.log >&2; return 1; }       # then logs to $D/dovecot/dovecot.log
    postfix -c "$PC" start </dev/null >"$D"/postfix/start.log 2>&1 9>&- \
        || { cat "$D"/postfix/start.log >&2; tail -n 20 "$D"/postfix/maillog >&2 || true; return 1; }
    wait_ready
    fingerprint > "$D"/.fingerprint
    log "ready: smtp 127.0.0.1:$SMTP_PORT smtps :$SMTPS_PORT imap :$IMAP_PORT imaps :$IMAPS_PORT lmtp :$LMTP_PORT ($D)"
}

# The identity provider, in its own session (setsid: stop kills its process group like the masters'),
# never holding our stdout/stderr or lock.
start_idp() {
    [ -n "$PYTHON" ] || { log "python3 not found: no OAuth2 identity provider (password logins only)"; return 0; }
    mkdir -p "$D"/idp
    setsid "$PYTHON" "$IDP" "$IDP_PORT" </dev/null >>"$D"/idp/idp.log 2>&1 9>&- &
    echo $! > "$D"/idp/idp.pid
}

do_status() {
    local ok=0
    postfix_pid >/dev/null || { log "postfix of $D is not running"; ok=1; }
    dovecot_pid >/dev/null || { log "dovecot of $D is not running"; ok=1; }
    [ -z "$PYTHON" ] || idp_pid >/dev/null || { log "the identity provider of $D is not running"; ok=1; }
    all_ready verbose || ok=1
    [ $ok = 0 ] && log "running: smtp 127.0.0.1:$SMTP_PORT smtps :$SMTPS_PORT imap :$IMAP_PORT imaps :$IMAPS_PORT ($D)"
    return $ok
}

do_env() {
    cat <<EOF
export MAILTEST_DIR=$D
export MAILTEST_SMTP_HOST=127.0.0.1 MAILTEST_SMTP_PORT=$SMTP_PORT MAILTEST_SMTPS_PORT=$SMTPS_PORT MAILTEST_DEFER_PORT=$DEFER_PORT MAILTEST_NOPIPE_PORT=$NOPIPE_PORT
export MAILTEST_IMAP_HOST=127.0.0.1 MAILTEST_IMAP_PORT=$IMAP_PORT MAILTEST_IMAPS_PORT=$IMAPS_PORT
export MAILTEST_LMTP_PORT=$LMTP_PORT MAILTEST_USER=foi@example.org MAILTEST_PASSWORD=secret
export MAILTEST_CA_CERT=$SSL/ca.pem
${PYTHON:+export MAILTEST_IDP_URL=http://127.0.0.1:$IDP_PORT}
EOF
}

# start, stop and clean change the instance: one at a time (several test binaries may call start at once).
locked() {
    mkdir -p "$(dirname "$D")"
    [ -e "$LOCK" ] || { : >"$LOCK"; chmod 644 "$LOCK"; }
    exec 9<"$LOCK"                      # read-only is enough for flock, and works for any user
    flock -w 120 9 || { log "gave up after 120 s waiting for $LOCK"; exit 1; }
    "$@"
}

case ${1:-} in
    install) do_install ;;
    start)   locked do_start ;;
    stop)    locked do_stop ;;
    status)  do_status ;;
    wait)    wait_ready ;;
    env)     do_env ;;
    clean)   locked do_stop; rm -rf "$D" ;;
    *) echo "usage: $0 install|start|stop|status|wait|env|clean" >&2; exit 2 ;;
esac
