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
