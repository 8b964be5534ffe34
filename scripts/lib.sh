# shellcheck shell=bash
# Why this exists: what the scripts that run private services (engine.sh,
# podman.sh, registry.sh) share: messages, installing Debian packages only
# when missing, telling a live process of ours from a stale pidfile, a lock
# against two runs at once, and the busybox root filesystem the test images
# are made from. Source it after setting SCRIPT to the script's name.

CLEANUP=()
cleanup() { [ "${#CLEANUP[@]}" -eq 0 ] || rm -rf "${CLEANUP[@]}"; }
trap cleanup EXIT

say() { printf '%s: %s\n' "$SCRIPT" "$*" >&2; }
die() { say "$*"; exit 1; }

pkg_installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# apt_install [--no-install-recommends] PKG...: installs quietly, refreshing
# the package lists only when they do not know a package yet.
apt_install() {
    local options=()
    if [ "${1:-}" = --no-install-recommends ]; then
        options+=("$1")
        shift
    fi
    [ "$(id -u)" -eq 0 ] || die "need root to install: $*"
    say "installing $* ..."
    local aptlog pkg need_update=0
    aptlog="$(mktemp)"
    CLEANUP+=("$aptlog")
    for pkg in "$@"; do
        apt-cache show "$pkg" >/dev/null 2>&1 || need_update=1
    done
    if [ "$need_update" -eq 1 ] && ! apt-get update -qq >"$aptlog" 2>&1; then
        tail -n 30 "$aptlog" >&2
        die "apt-get update failed"
    fi
    if ! DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a \
        apt-get install -y -qq "${options[@]}" "$@" >>"$aptlog" 2>&1; then
        tail -n 30 "$aptlog" >&2
        die "apt-get install $* failed"
    fi
}

# alive PID [NAME]: true if process PID exists, is called NAME (if given) and
# is not a zombie (a killed process lingers as a zombie until pid 1 reaps it).
alive() {
    local stat
    [ -z "${2:-}" ] || [ "$(cat "/proc/$1/comm" 2>/dev/null || true)" = "$2" ] || return 1
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [ "${stat%% *}" != Z ]
}

# pid_in PIDFILE [NAME]: the pid recorded there, if that process is alive
# (and called NAME).
pid_in() {
    local pid
    [ -f "$1" ] || return 1
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" "${2:-}" || return 1
    printf '%s\n' "$pid"
}

# await_answer PID WHAT: waits up to 20 s for the caller's `answers` to
# succeed while PID lives; dies with the end of LOG if PID exits first or
# never answers (and forgets PIDFILE if it died).
await_answer() {
    local pid="$1" what="$2" i
    for ((i = 0; i < 80; i++)); do
        answers && return 0
        if ! alive "$pid"; then
            rm -f "$PIDFILE"
            tail -n 30 "$LOG" >&2
            die "$what exited before answering"
        fi
        sleep 0.25
    done
    tail -n 30 "$LOG" >&2
    die "$what did not answer within 20 s (pid $pid still running; stop it with: $0 down)"
}

# stop_pid PID NAME: SIGTERM to the process we started, SIGKILL after 10 s,
# then forgets PIDFILE. Only ever the pid a script recorded, never by name.
stop_pid() {
    local pid="$1" name="$2" i
    say "stopping $name $pid"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 40; i++)); do
        alive "$pid" "$name" || break
        sleep 0.25
    done
    if alive "$pid" "$name"; then
        say "$name $pid still running after 10 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for ((i = 0; i < 20; i++)); do
            alive "$pid" "$name" || break
            sleep 0.25
        done
        ! alive "$pid" "$name" || die "$name $pid survived SIGKILL"
    fi
    rm -f "$PIDFILE"
    say "stopped"
}

# lock DIR: holds DIR/lock until the script exits.
lock() {
    mkdir -p "$1"
    exec 9>"$1/lock"
    flock 9
}

# The settings the busybox image is imported with.
# shellcheck disable=SC2034 # used by the scripts that source this file
IMAGE_CHANGES=(
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'CMD ["sh"]'
)

# busybox_rootfs_tar: writes to stdout a tar of a root filesystem made of
# busybox-static (one symlink per applet), a root user and empty system dirs.
busybox_rootfs_tar() {
    local busybox tmp rootfs applet
    busybox="$(dpkg -L busybox-static | grep -m1 -E '/s?bin/busybox$')" \
        || die "busybox-static does not provide a busybox binary?"
    tmp="$(mktemp -d)"
    CLEANUP+=("$tmp")
    rootfs="$tmp/rootfs"
    mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,root,tmp}
    chmod 0755 "$rootfs"
    chmod 1777 "$rootfs/tmp"
    chmod 0700 "$rootfs/root"
    cp "$busybox" "$rootfs/bin/busybox"
    chmod 0755 "$rootfs/bin/busybox"
    while read -r applet; do
        applet="${applet##*/}"
        case "$applet" in "" | busybox) continue ;; esac
        ln -sf busybox "$rootfs/bin/$applet"
    done < <("$busybox" --list)
    [ -e "$rootfs/bin/sh" ] || die "busybox has no sh applet?"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\n' >"$rootfs/etc/group"
    tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c .
}
