_dpty() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="dpty"
                ;;
            dpty,attach)
                cmd="dpty__subcmd__attach"
                ;;
            dpty,debug)
                cmd="dpty__subcmd__debug"
                ;;
            dpty,exec)
                cmd="dpty__subcmd__exec"
                ;;
            dpty,run)
                cmd="dpty__subcmd__run"
                ;;
            dpty,service)
                cmd="dpty__subcmd__service"
                ;;
            dpty__subcmd__service,attach)
                cmd="dpty__subcmd__service__subcmd__attach"
                ;;
            dpty__subcmd__service,exec)
                cmd="dpty__subcmd__service__subcmd__exec"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        dpty)
            opts="-H -c -h -V --host --context --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --help --version run exec attach service debug"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --context)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -c)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__attach)
            opts="-h -H -V --detach-keys --record --record-input --sig-proxy --no-stdin --logs --exec --leave-running --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sig-proxy)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__debug)
            opts="-q -e -w -u -h -H -V --image --pull --quiet --env --env-file --workdir --user --privileged --cap-add --copy --network --net --gc --detach-keys --record --record-input --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --image)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pull)
                    COMPREPLY=($(compgen -W "missing always never" -- "${cur}"))
                    return 0
                    ;;
                --env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -e)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --env-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --workdir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cap-add)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --net)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --network)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__exec)
            opts="-i -t -T -d -e -w -u -h -H -V --interactive --tty --no-tty --detach --env --env-file --workdir --user --privileged --detach-keys --record --record-input --sig-proxy --leave-running --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --detach)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                -d)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -e)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --env-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --workdir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sig-proxy)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__run)
            opts="-i -t -T -e -w -u -q -d -a -h -l -p -P -v -m -c -H -V --interactive --tty --no-tty --detach-keys --record --record-input --sig-proxy --rm --name --env --env-file --workdir --user --privileged --entrypoint --pull --quiet --disable-content-trust --detach --attach --cidfile --init --restart --stop-signal --stop-timeout --hostname --domainname --label --label-file --annotation --platform --health-cmd --health-interval --health-retries --health-timeout --health-start-period --health-start-interval --no-healthcheck --log-driver --log-opt --net --network --network-alias --publish --publish-all --expose --add-host --dns --dns-option --dns-search --ip --ip6 --link --link-local-ip --mac-address --volume --mount --tmpfs --volumes-from --volume-driver --read-only --storage-opt --use-api-socket --cap-add --cap-drop --security-opt --group-add --userns --ipc --pid --uts --cgroupns --cgroup-parent --sysctl --runtime --isolation --memory --memory-swap --memory-reservation --memory-swappiness --kernel-memory --oom-kill-disable --oom-score-adj --cpus --cpu-shares --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --blkio-weight --blkio-weight-device --device-read-bps --device-write-bps --device-read-iops --device-write-iops --pids-limit --ulimit --shm-size --device --device-cgroup-rule --gpus --cpu-count --cpu-percent --io-maxbandwidth --io-maxiops --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sig-proxy)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --rm)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -e)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --env-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --workdir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --entrypoint)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pull)
                    COMPREPLY=($(compgen -W "missing always never" -- "${cur}"))
                    return 0
                    ;;
                --disable-content-trust)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --detach)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                -d)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --attach)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -a)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cidfile)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --init)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --restart)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stop-signal)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stop-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --hostname)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -h)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --domainname)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -l)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --label-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --annotation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --platform)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-cmd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-retries)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-start-period)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --health-start-interval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-healthcheck)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --log-driver)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-opt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --network)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --net)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --network-alias)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --publish)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --publish-all)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                -P)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --expose)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --add-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dns-option)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dns-search)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ip6)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --link)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --link-local-ip)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --mac-address)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --volume)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -v)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --mount)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tmpfs)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --volumes-from)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --volume-driver)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --read-only)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --storage-opt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --use-api-socket)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --cap-add)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cap-drop)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --security-opt)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group-add)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --userns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ipc)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pid)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --uts)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cgroupns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cgroup-parent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sysctl)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --runtime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --isolation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -m)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --memory-swap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --memory-reservation)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --memory-swappiness)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --kernel-memory)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --oom-kill-disable)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --oom-score-adj)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpus)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-shares)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -c)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-period)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-quota)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-rt-period)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-rt-runtime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpuset-cpus)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpuset-mems)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --blkio-weight)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --blkio-weight-device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device-read-bps)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device-write-bps)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device-read-iops)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device-write-iops)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pids-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ulimit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shm-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --device-cgroup-rule)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gpus)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-count)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cpu-percent)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --io-maxbandwidth)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --io-maxiops)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__service)
            opts="-h -H -V --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version exec attach"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__service__subcmd__attach)
            opts="-q -h -H -V --detach-keys --record --record-input --sig-proxy --no-stdin --logs --node --ssh-user --ssh-option --quiet --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sig-proxy)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-option)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        dpty__subcmd__service__subcmd__exec)
            opts="-i -t -T -d -e -w -u -q -h -H -V --interactive --tty --no-tty --detach --env --env-file --workdir --user --privileged --detach-keys --record --record-input --sig-proxy --leave-running --node --ssh-user --ssh-option --quiet --all --parallel --help --host --tls --tlsverify --tlscacert --tlscert --tlskey --log-level --log-file --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --detach)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                -d)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --env)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -e)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --env-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --workdir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -w)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -u)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --detach-keys)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --record)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --sig-proxy)
                    COMPREPLY=($(compgen -W "true false" -- "${cur}"))
                    return 0
                    ;;
                --node)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --ssh-option)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --parallel)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -H)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscacert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlscert)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tlskey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-level)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _dpty -o nosort -o bashdefault -o default dpty
else
    complete -F _dpty -o bashdefault -o default dpty
fi

# Generated by examples/gen_docs.rs from src/cli/ and completions/dynamic.sh.
_dpty_value_options=' --add-host --annotation --attach --blkio-weight --blkio-weight-device --cap-add --cap-drop --cgroup-parent --cgroupns --cidfile --context --cpu-count --cpu-percent --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus --cpuset-cpus --cpuset-mems --detach-keys --device --device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps --device-write-iops --dns --dns-opt --dns-option --dns-search --domainname --entrypoint --env --env-file --expose --gpus --group-add --health-cmd --health-interval --health-retries --health-start-interval --health-start-period --health-timeout --host --hostname --image --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation --kernel-memory --label --label-file --link --link-local-ip --log-driver --log-file --log-level --log-opt --mac-address --memory --memory-reservation --memory-swap --memory-swappiness --mount --name --net --net-alias --network --network-alias --node --oom-score-adj --parallel --pid --pids-limit --platform --publish --pull --record --restart --runtime --security-opt --shm-size --ssh-option --ssh-user --stop-signal --stop-timeout --storage-opt --sysctl --tlscacert --tlscert --tlskey --tmpfs --ulimit --user --userns --uts --volume --volume-driver --volumes-from --workdir -H -a -c -e -h -l -m -p -u -v -w '
_dpty_engine_sh='# Hand-written, not generated: examples/gen_docs.rs embeds this POSIX sh script, as a string, in the
# bash, zsh and fish completions, which run it with `sh -c` to ask the engine for names. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: names must come from the engine dpty would use, and dpty chooses it as the docker
# CLI does (`engine` in src/config.rs): -H or --context, then DOCKER_HOST, then DOCKER_CONTEXT or the
# current context, then /var/run/docker.sock, then Podman'\''s sockets; with TLS from the flags,
# DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or from the context'\''s own files. This is one copy of that
# order for the three shells. When the engine cannot be asked the same way (no curl, no sha256 tool, a
# context that cannot be read), it prints nothing: names from another engine would be worse than none.
# It writes nothing on stderr either, whatever is missing: the shells show stderr in the line being
# edited (and discard it too, in case).
#
# Arguments: `containers`, `images` or `services`, then what the command line gave, empty when nothing:
# -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey. Prints, sorted, one a line, the
# names of the running containers, or every repo:tag and repo of the images (as the docker CLI'\''s
# completion offers them), or the services of a swarm manager with their tasks as `dpty service exec`
# names them (SERVICE.SLOT for each replica, SERVICE.NODE for each node of a global service). The
# engine'\''s JSON is read with grep: names and tags hold no quotes or brackets.

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
    grep -o "\"$1\": *\"[^\"]*\"" | tail -n 1 | sed '\''s/^.*: *"//; s/"$//'\''
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
    # No config file is the usual case (no docker CLI ever ran). The group'\''s 2>/dev/null also takes
    # the shell'\''s own message when the redirection fails, which `<file 2>/dev/null` would not: the
    # shell opens the file before it redirects stderr.
    [ -n "$context" ] || context=$({ json_string currentContext <"$config/config.json"; } 2>/dev/null)
    if [ -n "$context" ] && [ "$context" != default ]; then
        id=$(printf %s "$context" | { sha256sum 2>/dev/null || shasum -a 256 2>/dev/null; })
        id=${id%% *}
        [ -n "$id" ] || exit 0
        endpoint=$(grep -o '\''"docker": *{[^}]*}'\'' "$config/contexts/meta/$id/meta.json" 2>/dev/null)
        host=$(printf '\''%s\n'\'' "$endpoint" | json_string Host)
        [ -n "$host" ] || exit 0
        dir=$config/contexts/tls/$id/docker
        if [ -d "$dir" ]; then
            # The context'\''s own TLS files, instead of the flags'\''.
            tls=1 verify=1 ca='\'''\'' cert='\'''\'' key='\'''\''
            case $endpoint in *'\''"SkipTLSVerify": *true'\''* | *'\''"SkipTLSVerify":true'\''*) verify='\'''\'' ;; esac
            [ -f "$dir/ca.pem" ] && ca=$dir/ca.pem
            [ -f "$dir/cert.pem" ] && cert=$dir/cert.pem
            [ -f "$dir/key.pem" ] && key=$dir/key.pem
        elif [ -n "$tls$verify" ]; then
            tls_from_flags
        fi
    else
        tls='\'''\'' verify='\'''\''
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
        # No port given: dpty'\''s default, 2375, or 2376 with TLS ([v6-address] alone has none either).
        case $address in
            '\''['\''*'\'']'\'') address=$address:$port ;;
            '\''['\''* | *:*) ;;
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
    # Spec comes before PreviousSpec, so the first Name and Mode are the service'\''s own.
    printf '\''%s\n'\'' "$answer" | awk '\''{ gsub(/\{"ID": *"/, "\n&"); print }'\'' | while read -r service; do
        name=$(printf '\''%s\n'\'' "$service" | grep -o '\''"Spec": *{"Name": *"[^"]*"'\'' | head -n 1 |
            sed '\''s/.*"Name": *"//; s/"$//'\'')
        [ -n "$name" ] || continue
        printf '\''%s\n'\'' "$name"
        replicas=$(printf '\''%s\n'\'' "$service" | grep -o '\''"Mode": *{"Replicated": *{"Replicas": *[0-9]*'\'' |
            head -n 1 | sed '\''s/.*: *//'\'')
        if [ -n "$replicas" ]; then
            slot=1
            while [ "$slot" -le "$replicas" ]; do
                printf '\''%s.%s\n'\'' "$name" "$slot"
                slot=$((slot + 1))
            done
        elif printf '\''%s\n'\'' "$service" | grep -q '\''"Mode": *{"Global"'\''; then
            [ -n "${hostnames+set}" ] || hostnames=$(curl "$@" "${url%/services}/nodes" 2>/dev/null |
                grep -o '\''"Hostname": *"[^"]*"'\'' | sed '\''s/.*: *"//; s/"$//'\'')
            for node in $hostnames; do
                printf '\''%s.%s\n'\'' "$name" "$node"
            done
        fi
    done
elif [ "$kind" = containers ]; then
    printf '\''%s\n'\'' "$answer" | grep -o '\''"Names": *\[[^]]*\]'\'' | grep -o '\''"/[^"/]*"'\'' | tr -d '\''"/'\''
else
    printf '\''%s\n'\'' "$answer" | grep -o '\''"RepoTags": *\[[^]]*\]'\'' | grep -o '\''"[^"]*"'\'' | tr -d '\''"'\'' |
        while read -r ref; do
            case $ref in RepoTags | *'\''<none>'\''*) continue ;; esac
            # Podman names Docker Hub images in full; offer them as docker does.
            case $ref in
                docker.io/library/*/*) ref=${ref#docker.io/} ;;
                docker.io/library/*) ref=${ref#docker.io/library/} ;;
                docker.io/*) ref=${ref#docker.io/} ;;
            esac
            printf '\''%s\n%s\n'\'' "$ref" "${ref%:*}"
        done
fi | LC_ALL=C sort -u
'
# Everything below this line is completions/dynamic.bash.

# Hand-written, not generated: examples/gen_docs.rs appends this file to the bash completion that
# clap_complete generates, so that completions/dpty.bash stays one self-contained file. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: clap_complete knows dpty's options but not what is in the engine. This completes the
# first word after `dpty exec`, `dpty attach` and `dpty debug` with the names of running containers, the first word
# after `dpty run` with image names, and the first word after `dpty service exec` and
# `dpty service attach` with the services of a swarm manager and their tasks (web, web.1, ...). dpty must not need the docker CLI, so the engine is asked
# directly, by completions/dynamic.sh (shared with zsh and fish), at the engine dpty would use. No curl,
# no engine, or no answer within a second: nothing is completed, silently. Every other position is left
# to the generated _dpty. Just above this file, the generator defines _dpty_value_options (from
# src/cli/: the options that take their value in the next word) and _dpty_engine_sh (dynamic.sh).

# shellcheck disable=SC2154 # _dpty_value_options and _dpty_engine_sh are defined by the generator

# Remembers the value $2 of option $1 if it says which engine to use; called from _dpty_with_names,
# whose locals it sets.
_dpty_engine_option() {
    case $1 in
        -H | --host) host=$2 ;;
        -c | --context) context=$2 ;;
        --tlscacert) ca=$2 ;;
        --tlscert) cert=$2 ;;
        --tlskey) key=$2 ;;
    esac
}

# The completion function for dpty: names where they belong, the generated _dpty everywhere else.
_dpty_with_names() {
    # COMP_WORDS is split at the characters of COMP_WORDBREAKS too (':' and '='), so `busybox:latest` is
    # three words there. Rebuild the words as the shell will pass them to dpty: a word not preceded by
    # blanks in the line belongs to the one before it.
    local line=$COMP_LINE words=() cword=-1 i w blank
    for ((i = 0; i <= COMP_CWORD; i++)); do
        blank=${line%%[![:blank:]]*}
        line=${line#"$blank"}
        if ((i == COMP_CWORD)); then
            # The current word up to the cursor; just after a ':' or '=', bash passes an empty $2
            # while COMP_WORDS holds the break characters themselves.
            w=$2
            [[ -z $w && -z ${COMP_WORDS[i]//[:=]/} ]] && w=${COMP_WORDS[i]}
        else
            w=${COMP_WORDS[i]}
            if [[ $line != "$w"* ]]; then
                _dpty "$@" # a line this does not understand: leave it to the generated completion
                return
            fi
            line=${line#"$w"}
        fi
        if ((cword >= 0)) && [[ -z $blank ]]; then
            words[cword]+=$w
        else
            words[++cword]=$w
        fi
    done
    # The part of the current word that the shell will not replace (up to its last word break).
    local cur=${words[cword]}
    local keep=${cur%"$2"}

    # Walk the words before the current one as clap would: find the subcommand, the engine address, and
    # whether the current word is the subcommand's first positional argument.
    local sub='' service_sub='' value='' exec_target='' positionals=0 only_positionals='' j c rest
    local host='' context='' tls='' verify='' ca='' cert='' key=''
    for ((i = 1; i < cword && positionals == 0; i++)); do
        w=${words[i]}
        if [[ -n $value ]]; then
            _dpty_engine_option "$value" "$w"
            value=''
        elif [[ -n $only_positionals || $w != -?* ]]; then
            if [[ -z $sub ]]; then
                sub=$w
            elif [[ $sub == service && -z $service_sub ]]; then
                service_sub=$w # `dpty service exec`: the command's own command
            else
                positionals=1
            fi
        else
            case $w in
                --) only_positionals=1 ;;
                --*=*) _dpty_engine_option "${w%%=*}" "${w#*=}" ;;
                --exec) exec_target=1 ;;
                --tls) tls=1 ;;
                --tlsverify) verify=1 ;;
                --*) [[ $_dpty_value_options == *" $w "* ]] && value=$w ;;
                *)
                    # A cluster of short flags (-it): the first one that takes a value takes the rest of
                    # the word (-Hunix:///s, -H=unix:///s), or the next word when nothing is left.
                    for ((j = 1; j < ${#w}; j++)); do
                        c=-${w:j:1}
                        [[ $_dpty_value_options == *" $c "* ]] || continue
                        rest=${w:j+1}
                        if [[ -z $rest ]]; then
                            value=$c
                        else
                            _dpty_engine_option "$c" "${rest#=}"
                        fi
                        break
                    done
                    ;;
            esac
        fi
    done

    local kind=''
    if [[ -z $value && $positionals -eq 0 && ($cur != -* || -n $only_positionals) ]]; then
        case $sub in
            exec | debug) kind=containers ;;
            attach) [[ -n $exec_target ]] || kind=containers ;; # with --exec: an exec id, unknowable
            run) kind=images ;;
            service) [[ $service_sub == exec || $service_sub == attach ]] && kind=services ;;
        esac
    fi
    if [[ -z $kind ]]; then
        if ((positionals)) && [[ $sub == run || $sub == exec || $sub == debug || $sub.$service_sub == service.exec ]]; then
            # The command to run in the container: not dpty's options (which the generated completion
            # would offer); only the shell's default, file names.
            COMPREPLY=()
            return 0
        fi
        _dpty "$@"
        return
    fi

    # Names only: no options, and no file names when the engine has none to offer.
    compopt +o default +o bashdefault 2>/dev/null
    COMPREPLY=()
    local name
    while read -r name; do
        [[ -n $name && $name == "$cur"* ]] && COMPREPLY+=("${name#"$keep"}")
    done < <(sh -c "$_dpty_engine_sh" dpty "$kind" "$host" "$context" "$tls" "$verify" "$ca" "$cert" "$key" 2>/dev/null)
    return 0
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _dpty_with_names -o nosort -o bashdefault -o default dpty
else
    complete -F _dpty_with_names -o bashdefault -o default dpty
fi
