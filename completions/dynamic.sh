# Hand-written, not generated: examples/gen_docs.rs embeds this POSIX sh script, as a string, in the
# bash, zsh and fish completions, which run it with `sh -c` to ask the engine for names. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: names must come from the engine dpty would use, and dpty chooses it as the docker
# CLI does (`engine` in src/config.rs): -H or --context, then DOCKER_HOST, then DOCKER_CONTEXT or the
# current context, then /var/run/docker.sock, then Podman's sockets; with TLS from the flags,
# DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or from the context's own files. This is one copy of that
# order for the three shells. When the engine cannot be asked the same way (no curl, no sha256 tool, a
# context that cannot be read), it prints nothing: names from another engine would be worse than none.
# It writes nothing on stderr either, whatever is missing: the shells show stderr in the line being
# edited (and discard it too, in case).
#
# Arguments: `containers`, `images` or `services`, then what the command line gave, empty when nothing:
# -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey. Prints, sorted, one a line, the
# names of the running containers, or every repo:tag and repo of the images (as the docker CLI's
# completion offers them), or the services of a swarm manager with their tasks as `dpty service exec`
# names them (SERVICE.SLOT for each replica, SERVICE.NODE for each node of a global service). The
# engine's JSON is read with grep: names and tags hold no quotes or brackets.

kind=$1 host=$2 context=$3 tls=$4 verify=$5 ca=$6 cert=$7 key=$8
case $kind in
    containers | images) path=$kind/json ;;
    services) path=services ;;
    *) exit 0 ;;
esac
command -v curl >/dev/null 2>&1 || exit 0
config=${DOCKER_CONFIG:-${HOME:-/root}/.docker}

# The value of the last "$1": "..." string in the JSON on stdin (no escapes in the values read here).
json_string() {
    grep -o "\"$1\": *\"[^\"]*\"" | tail -n 1 | sed 's/^.*: *"//; s/"$//'
}

# TLS files from the flags, else from DOCKER_CERT_PATH (default: the config directory).
tls_from_flags() {
    certs=${DOCKER_CERT_PATH:-$config}
    [ -n "$ca" ] || { [ -f "$certs/ca.pem" ] && ca=$certs/ca.pem; }
    [ -n "$cert" ] || { [ -f "$certs/cert.pem" ] && cert=$certs/cert.pem; }
    [ -n "$key" ] || { [ -f "$certs/key.pem" ] && key=$certs/key.pem; }
}

[ -n "$DOCKER_TLS_VERIFY" ] && verify=1
[ -n "$host" ] && [ -n "$context" ] && exit 0 # dpty refuses both
[ -n "$host$context" ] || host=$DOCKER_HOST
port=2375
if [ -n "$host" ]; then
    if [ -n "$tls$verify" ]; then
        port=2376
        tls_from_flags
    fi
else
    [ -n "$context" ] || context=$DOCKER_CONTEXT
    # No config file is the usual case (no docker CLI ever ran). The group's 2>/dev/null also takes
    # the shell's own message when the redirection fails, which `<file 2>/dev/null` would not: the
    # shell opens the file before it redirects stderr.
    [ -n "$context" ] || context=$({ json_string currentContext <"$config/config.json"; } 2>/dev/null)
    if [ -n "$context" ] && [ "$context" != default ]; then
        id=$(printf %s "$context" | { sha256sum 2>/dev/null || shasum -a 256 2>/dev/null; })
        id=${id%% *}
        [ -n "$id" ] || exit 0
        endpoint=$(grep -o '"docker": *{[^}]*}' "$config/contexts/meta/$id/meta.json" 2>/dev/null)
        host=$(printf '%s\n' "$endpoint" | json_string Host)
        [ -n "$host" ] || exit 0
        dir=$config/contexts/tls/$id/docker
        if [ -d "$dir" ]; then
            # The context's own TLS files, instead of the flags'.
            tls=1 verify=1 ca='' cert='' key=''
            case $endpoint in *'"SkipTLSVerify": *true'* | *'"SkipTLSVerify":true'*) verify='' ;; esac
            [ -f "$dir/ca.pem" ] && ca=$dir/ca.pem
            [ -f "$dir/cert.pem" ] && cert=$dir/cert.pem
            [ -f "$dir/key.pem" ] && key=$dir/key.pem
        elif [ -n "$tls$verify" ]; then
            tls_from_flags
        fi
    else
        tls='' verify=''
        host=unix:///var/run/docker.sock
        if [ ! -e /var/run/docker.sock ]; then
            for socket in ${XDG_RUNTIME_DIR:+"$XDG_RUNTIME_DIR/podman/podman.sock"} /run/podman/podman.sock; do
                if [ -e "$socket" ]; then
                    host=unix://$socket
                    break
                fi
            done
        fi
    fi
fi

# Answer within a second or not at all: this runs while someone waits at a TAB. (-g: an IPv6
# [address] is not a curl URL pattern.)
set -- -sfg --max-time 1
case $host in
    unix://*)
        set -- "$@" --unix-socket "${host#unix://}"
        url=http://localhost/$path
        ;;
    tcp://* | http://*)
        address=${host#*://}
        address=${address%/}
        # No port given: dpty's default, 2375, or 2376 with TLS ([v6-address] alone has none either).
        case $address in
            '['*']') address=$address:$port ;;
            '['* | *:*) ;;
            *) address=$address:$port ;;
        esac
        if [ -n "$tls$verify" ]; then
            url=https://$address/$path
            [ -n "$verify" ] || set -- "$@" --insecure
            [ -n "$ca" ] && set -- "$@" --cacert "$ca"
            [ -n "$cert" ] && set -- "$@" --cert "$cert"
            [ -n "$key" ] && set -- "$@" --key "$key"
        else
            url=http://$address/$path
        fi
        ;;
    *) exit 0 ;;
esac
answer=$(curl "$@" "$url" 2>/dev/null) || exit 0
if [ "$kind" = services ]; then
    # One service a line: each object of the array starts with its "ID" (nothing inside one does).
    # Spec comes before PreviousSpec, so the first Name and Mode are the service's own.
    printf '%s\n' "$answer" | awk '{ gsub(/\{"ID": *"/, "\n&"); print }' | while read -r service; do
        name=$(printf '%s\n' "$service" | grep -o '"Spec": *{"Name": *"[^"]*"' | head -n 1 |
            sed 's/.*"Name": *"//; s/"$//')
        [ -n "$name" ] || continue
        printf '%s\n' "$name"
        replicas=$(printf '%s\n' "$service" | grep -o '"Mode": *{"Replicated": *{"Replicas": *[0-9]*' |
            head -n 1 | sed 's/.*: *//')
        if [ -n "$replicas" ]; then
            slot=1
            while [ "$slot" -le "$replicas" ]; do
                printf '%s.%s\n' "$name" "$slot"
                slot=$((slot + 1))
            done
        elif printf '%s\n' "$service" | grep -q '"Mode": *{"Global"'; then
            [ -n "${hostnames+set}" ] || hostnames=$(curl "$@" "${url%/services}/nodes" 2>/dev/null |
                grep -o '"Hostname": *"[^"]*"' | sed 's/.*: *"//; s/"$//')
            for node in $hostnames; do
                printf '%s.%s\n' "$name" "$node"
            done
        fi
    done
elif [ "$kind" = containers ]; then
    printf '%s\n' "$answer" | grep -o '"Names": *\[[^]]*\]' | grep -o '"/[^"/]*"' | tr -d '"/'
else
    printf '%s\n' "$answer" | grep -o '"RepoTags": *\[[^]]*\]' | grep -o '"[^"]*"' | tr -d '"' |
        while read -r ref; do
            case $ref in RepoTags | *'<none>'*) continue ;; esac
            # Podman names Docker Hub images in full; offer them as docker does.
            case $ref in
                docker.io/library/*/*) ref=${ref#docker.io/} ;;
                docker.io/library/*) ref=${ref#docker.io/library/} ;;
                docker.io/*) ref=${ref#docker.io/} ;;
            esac
            printf '%s\n%s\n' "$ref" "${ref%:*}"
        done
fi | LC_ALL=C sort -u
