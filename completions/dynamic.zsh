# Hand-written, not generated: examples/gen_docs.rs puts this file into the zsh completion that
# clap_complete generates (completions/_dpty, before its last lines) and points the generated specs of
# the first argument of `dpty exec`, `dpty attach` and `dpty run` at the functions below. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: as completions/dynamic.bash does for bash, this completes running containers' names
# after `dpty exec`, `dpty attach` and `dpty debug`, image names after `dpty run`, and services and their tasks after
# `dpty service exec` and `dpty service attach`, asking the engine dpty would use
# through completions/dynamic.sh, which the generator puts just above as $_dpty_engine_sh. No curl, no
# engine, or no answer within a second: nothing is offered.

# What the line before the cursor says about the engine, in the order completions/dynamic.sh takes it:
# -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey (empty when not given), in $reply.
# Only the words before the first argument are ever there, so no command's own -c is mistaken for one.
(( $+functions[_dpty_engine_options] )) ||
_dpty_engine_options() {
    local -a tokens; tokens=(${(Q)${(z)LBUFFER}})
    # The word under the cursor is not finished; a line ending in a blank has none.
    [[ $LBUFFER == *[[:blank:]] ]] || tokens[-1]=()
    local -A given
    local i word
    for (( i = 2; i <= $#tokens; i++ )); do
        word=$tokens[i]
        case $word in
            (-H|--host|-c|--context|--tlscacert|--tlscert|--tlskey)
                given[$word]=$tokens[i+1]; (( i++ )) ;;
            (--*=*) given[${word%%=*}]=${word#*=} ;;
            (-[Hc]?*) given[${word[1,2]}]=${${word[3,-1]}#=} ;;
            (--tls|--tlsverify) given[$word]=1 ;;
        esac
    done
    reply=(
        "${given[-H]:-${given[--host]}}" "${given[-c]:-${given[--context]}}"
        "${given[--tls]}" "${given[--tlsverify]}"
        "${given[--tlscacert]}" "${given[--tlscert]}" "${given[--tlskey]}"
    )
}

# Offers the names of running containers ($1 = containers), images ($1 = images) or a swarm's services
# and their tasks ($1 = services).
(( $+functions[_dpty_names] )) ||
_dpty_names() {
    local expl reply
    local -a names
    _dpty_engine_options
    names=(${(f)"$(sh -c "$_dpty_engine_sh" dpty $1 "${reply[@]}" 2>/dev/null)"})
    case $1 in
        (containers) _wanted containers expl 'running container' compadd -a names ;;
        (services) _wanted services expl 'service or task' compadd -a names ;;
        (*) _wanted images expl image compadd -a names ;;
    esac
}

# For the rest arguments of `dpty exec`, `dpty run` and `dpty service exec` (words and CURRENT cover only
# those): a name for the first (the last argument says which: container, image or service; _arguments
# puts options before it),
# the shell's default for the command after it.
(( $+functions[_dpty_first_then_default] )) ||
_dpty_first_then_default() {
    if (( CURRENT == 1 )); then
        _dpty_names ${@[-1]}
    else
        _default
    fi
}

# The argument of `dpty attach`: a container, unless --exec makes it an exec instance's id.
(( $+functions[_dpty_attach_target] )) ||
_dpty_attach_target() {
    (( $+opt_args[--exec] )) && return 1
    _dpty_names containers
}

