# Hand-written, not generated: examples/gen_docs.rs appends this file to the fish completion that
# clap_complete generates, so that completions/dpty.fish stays one self-contained file. Edit it here,
# then run scripts/gen-docs.sh.
#
# Why this exists: as completions/dynamic.bash does for bash, this completes running containers' names
# after `dpty exec`, `dpty attach` and `dpty debug`, image names after `dpty run`, and services and their tasks after
# `dpty service exec` and `dpty service attach`, asking the engine dpty would use
# through completions/dynamic.sh. No curl, no engine, or no answer within a second: nothing is offered.
# Just above this file, the generator defines __dpty_value_options (from src/cli/: the options that
# take their value in the next word) and __dpty_engine_sh (dynamic.sh).

# Walks the tokens before the cursor as clap would. When the token under the cursor is the first
# argument of `dpty exec` or `dpty attach` (a container), of `dpty run` (an image) or of
# `dpty service exec` or `dpty service attach` (a service or task), prints `containers`, `images` or
# `services`, then what the line says about the engine, in the order
# completions/dynamic.sh takes it: -H, --context, --tls, --tlsverify, --tlscacert, --tlscert, --tlskey
# (empty lines when not given). Otherwise prints nothing and fails.
function __dpty_name_position
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l sub
    set -l service_sub
    set -l value
    set -l only_positionals
    set -l exec_target
    # -H --context --tls --tlsverify --tlscacert --tlscert --tlskey
    set -l engine '' '' '' '' '' '' ''
    set -l engine_options -H --host -c --context --tls --tlsverify --tlscacert --tlscert --tlskey
    set -l engine_slots 1 1 2 2 3 4 5 6 7
    for word in $tokens
        if test -n "$value"
            set -l at (contains -i -- $value $engine_options); and set engine[$engine_slots[$at]] $word
            set value
        else if test -n "$only_positionals"; or not string match -qr -- '^-.' $word
            if test -z "$sub"
                set sub $word
            else if test "$sub" = service; and test -z "$service_sub"
                set service_sub $word # `dpty service exec`: the command's own command
            else
                return 1 # the first argument is behind the cursor
            end
        else
            switch $word
                case --
                    set only_positionals 1
                case '--*=*'
                    set -l parts (string split -m 1 = -- $word)
                    set -l at (contains -i -- $parts[1] $engine_options); and set engine[$engine_slots[$at]] $parts[2]
                case --exec
                    set exec_target 1
                case --tls --tlsverify
                    set -l at (contains -i -- $word $engine_options); and set engine[$engine_slots[$at]] 1
                case '--*'
                    contains -- $word $__dpty_value_options; and set value $word
                case '*'
                    # A cluster of short flags (-it): the first one that takes a value takes the rest
                    # of the token (-Hunix:///s), or the next token when nothing is left.
                    set -l chars (string split '' -- (string sub -s 2 -- $word))
                    for i in (seq (count $chars))
                        contains -- -$chars[$i] $__dpty_value_options; or continue
                        if test $i -eq (count $chars)
                            set value -$chars[$i]
                        else
                            set -l rest (string join '' -- $chars[(math $i + 1)..-1] | string replace -r '^=' '')
                            set -l at (contains -i -- -$chars[$i] $engine_options); and set engine[$engine_slots[$at]] $rest
                        end
                        break
                    end
            end
        end
    end
    test -z "$value"; or return 1
    if test -z "$only_positionals"; and string match -q -- '-*' (commandline -ct)
        return 1
    end
    switch "$sub"
        case exec debug
            echo containers
        case attach
            test -z "$exec_target"; or return 1 # an exec instance's id: nothing to offer
            echo containers
        case run
            echo images
        case service
            contains -- "$service_sub" exec attach; or return 1
            echo services
        case '*'
            return 1
    end
    string join \n -- $engine
end

# The names to offer at the cursor, if it is where __dpty_name_position says a name goes.
function __dpty_names
    set -l position (__dpty_name_position); or return 0
    sh -c $__dpty_engine_sh dpty $position 2>/dev/null
end

complete -c dpty -n '__dpty_name_position >/dev/null' -f -a '(__dpty_names)'
