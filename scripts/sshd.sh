#!/usr/bin/env bash
# Why this exists: dpty reaches engines at ssh:// addresses through the
# system's OpenSSH client, and that path can only be tested against a real
# sshd. This script installs openssh-server when missing and runs a private
# sshd on loopback only, on a free port, with a host key and a client key of
# its own (key login only, as root), its config, log and keys under
# $DPTY_SSHD_DIR. The remote side is this same machine, where the docker CLI
# answers `docker system dial-stdio`.
#
# Clients find it through a wrapper: $DPTY_SSHD_DIR/bin/ssh runs the real ssh
# with a config file of ours (our client key, our known_hosts), so putting
# that directory first on PATH makes dpty and the docker CLI use it without
# touching ~/.ssh. bin-badkey/ holds the same wrapper with a key that sshd
# does not accept, and bin-nohostkey/ one with an empty known_hosts.
#
# A second port serves sessions whose PATH has no docker in it, to show what
# happens when the remote side lacks the docker CLI.
#
# Usage: scripts/sshd.sh up|down|env|status
#   up      install what is missing, start sshd unless ours already answers
#           (idempotent, fast when it is up)
#   down    stop the sshd this script started, by the pid it recorded
#   env     print `export DPTY_SSHD_PORT=... DPTY_SSHD_NODOCKER_PORT=...
#           DPTY_SSHD_DIR=...`
#   status  say whether our sshd lets our key in (exit 0 if it does)
#
# Environment: DPTY_SSHD_DIR (default /tmp/dpty-sshd),
#              DPTY_SSHD_PORT (default: the first free pair from 22022 up).
set -euo pipefail

DIR="${DPTY_SSHD_DIR:-/tmp/dpty-sshd}"
CONFIG="$DIR/sshd_config"
CLIENT_CONFIG="$DIR/ssh_config"
PIDFILE="$DIR/sshd.pid"
PORTFILE="$DIR/port"
LOG="$DIR/sshd.log"
SSHD=/usr/sbin/sshd

SCRIPT=sshd.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- installing ---------------------------------------------------------------

# Installing the package must not start the system's own sshd on port 22:
# Debian's policy-rc.d hook (exit 101) tells maintainer scripts not to start
# services. One already in place is left as it is.
ensure_package() {
    [ -x "$SSHD" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null && return 0
    local policy=/usr/sbin/policy-rc.d added=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod 0755 "$policy"
        added=1
    fi
    local status=0
    (apt_install --no-install-recommends openssh-server openssh-client) || status=$?
    [ "$added" -eq 0 ] || rm -f "$policy"
    [ "$status" -eq 0 ] || exit "$status"
    [ -x "$SSHD" ] || die "openssh-server installed but $SSHD is missing?"
}

# --- the daemon -----------------------------------------------------------------

recorded_pid() { pid_in "$PIDFILE" sshd; }

port() { cat "$PORTFILE" 2>/dev/null || true; }

listening() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: the configured port, or the first N from 22022 up where N and
# N+1 are both free.
free_port() {
    local p
    if [ -n "${DPTY_SSHD_PORT:-}" ]; then
        [[ "$DPTY_SSHD_PORT" =~ ^[0-9]+$ ]] && [ "$DPTY_SSHD_PORT" -ge 1 ] \
            && [ "$DPTY_SSHD_PORT" -lt 65535 ] \
            || die "DPTY_SSHD_PORT must be a port number below 65535, not '$DPTY_SSHD_PORT'"
        printf '%s\n' "$DPTY_SSHD_PORT"
        return 0
    fi
    for ((p = 22022; p < 22222; p += 2)); do
        if ! listening "$p" && ! listening $((p + 1)); then
            printf '%s\n' "$p"
            return 0
        fi
    done
    die "no free pair of ports between 22022 and 22222"
}

# answers: our key logs in on our port and runs a command.
answers() {
    local p
    p="$(port)"
    [ -n "$p" ] || return 1
    "$DIR/bin/ssh" -o BatchMode=yes -o ConnectTimeout=3 -p "$p" root@127.0.0.1 true \
        </dev/null >/dev/null 2>&1
}

make_keys() {
    mkdir -p "$DIR"
    chmod 0700 "$DIR"
    local key
    for key in host_ed25519 client_ed25519 stranger_ed25519; do
        [ -f "$DIR/$key" ] || ssh-keygen -q -t ed25519 -N '' -C "dpty-test-$key" -f "$DIR/$key"
    done
}

# write_configs PORT: the daemon's config, the clients' configs and wrappers.
write_configs() {
    local p="$1" nodocker=$(($1 + 1))
    cat >"$CONFIG" <<EOF
# Written by scripts/sshd.sh; rewritten on every start.
ListenAddress 127.0.0.1:$p
ListenAddress 127.0.0.1:$nodocker
HostKey $DIR/host_ed25519
PidFile none
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $DIR/client_ed25519.pub
# The keys live under /tmp, which is world-writable.
StrictModes no
UsePAM no
UseDNS no
PrintMotd no
LogLevel VERBOSE
MaxSessions 100
MaxStartups 100:30:200
Match LocalPort $nodocker
    SetEnv PATH=/nonexistent
EOF
    # [127.0.0.1]:PORT is how ssh names a host on a port other than 22.
    local host_key
    host_key="$(cut -d' ' -f1,2 "$DIR/host_ed25519.pub")"
    {
        printf '[127.0.0.1]:%s %s\n' "$p" "$host_key"
        printf '[127.0.0.1]:%s %s\n' "$nodocker" "$host_key"
    } >"$DIR/known_hosts"
    : >"$DIR/known_hosts.empty"
    write_client "$DIR/bin" client_ed25519 known_hosts
    write_client "$DIR/bin-badkey" stranger_ed25519 known_hosts
    write_client "$DIR/bin-nohostkey" client_ed25519 known_hosts.empty
}

# write_client DIR KEY KNOWN_HOSTS: an `ssh` wrapper in DIR using that key
# and known_hosts file, and nothing from ~/.ssh or /etc/ssh.
write_client() {
    local bin="$1" key="$2" known="$3" config
    config="$bin/ssh_config"
    mkdir -p "$bin"
    cat >"$config" <<EOF
# Written by scripts/sshd.sh: the client side of the private sshd.
Host *
    IdentityFile $DIR/$key
    IdentitiesOnly yes
    IdentityAgent none
    UserKnownHostsFile $DIR/$known
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
    LogLevel ERROR
EOF
    cat >"$bin/ssh" <<EOF
#!/bin/sh
# Written by scripts/sshd.sh: ssh with the private sshd's client settings.
exec /usr/bin/ssh -F '$config' "\$@"
EOF
    chmod 0755 "$bin/ssh"
}

start_sshd() {
    local pid p
    if pid="$(recorded_pid)"; then
        answers && return 0
        say "sshd $pid (started earlier) is not answering yet; waiting for it"
    else
        rm -f "$PIDFILE"
        make_keys
        p="$(free_port)"
        ! listening "$p" || die "something not started by this script already listens on 127.0.0.1:$p"
        write_configs "$p"
        printf '%s\n' "$p" >"$PORTFILE"
        mkdir -p /run/sshd
        "$SSHD" -t -f "$CONFIG" || die "sshd refuses its config $CONFIG"
        say "starting sshd on 127.0.0.1:$p (log: $LOG)"
        printf '\n=== %s sshd.sh up\n' "$(date -Is)" >>"$LOG"
        # -D keeps it in the foreground of its own session, so that $! is its
        # pid; -e sends its log to our log file.
        setsid nohup "$SSHD" -D -e -f "$CONFIG" </dev/null >>"$LOG" 2>&1 9>&- &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi
    await_answer "$pid" "sshd (letting our key in)"
}

# --- subcommands --------------------------------------------------------------

cmd_up() {
    lock "$DIR"
    if recorded_pid >/dev/null && answers; then
        return 0
    fi
    ensure_package
    start_sshd
    say "sshd answers on 127.0.0.1:$(port)"
}

cmd_down() {
    [ -d "$DIR" ] || { say "nothing to stop: $DIR does not exist"; return 0; }
    lock "$DIR"
    local pid
    if ! pid="$(recorded_pid)"; then
        [ ! -f "$PIDFILE" ] || say "sshd recorded in $PIDFILE is not running; removing the pidfile"
        rm -f "$PIDFILE"
        return 0
    fi
    # The listener only: sessions it forked have pids of their own and end
    # with their clients.
    stop_pid "$pid" sshd
}

cmd_env() {
    local p
    p="$(port)"
    [ -n "$p" ] || die "no port recorded in $PORTFILE: run '$0 up' first"
    printf 'export DPTY_SSHD_DIR=%q DPTY_SSHD_PORT=%q DPTY_SSHD_NODOCKER_PORT=%q\n' \
        "$DIR" "$p" "$((p + 1))"
}

cmd_status() {
    local pid=""
    pid="$(recorded_pid)" || pid=""
    if [ -n "$pid" ] && answers; then
        echo "sshd answers on 127.0.0.1:$(port) (sshd $pid, started by sshd.sh)"
        return 0
    fi
    if [ -n "$pid" ]; then
        echo "sshd $pid is running but does not let our key in"
    else
        echo "no sshd started by sshd.sh is running"
    fi
    return 1
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    env) cmd_env ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 up|down|env|status" >&2
        exit 2
        ;;
esac
