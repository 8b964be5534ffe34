
use builtin;
use str;

set edit:completion:arg-completer[dpty] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'dpty'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'dpty'= {
            cand -H 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand --host 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand -c 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --context 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --tlscacert 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)'
            cand --tlscert 'Client certificate (default DOCKER_CERT_PATH/cert.pem)'
            cand --tlskey 'Client key (default DOCKER_CERT_PATH/key.pem)'
            cand --log-level 'Log level: error, warn, info, debug or trace (or a tracing filter)'
            cand --log-file 'Write logs to this file instead of stderr'
            cand --tls 'Use TLS to reach the engine (docker --tls)'
            cand --tlsverify 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Create and start a container from an image, attached to this terminal (docker run)'
            cand exec 'Run a command in a running container, attached to this terminal (docker exec)'
            cand attach 'Attach this terminal to an existing container, or start a created exec instance (docker attach)'
        }
        &'dpty;run'= {
            cand -e 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)'
            cand --env 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)'
            cand --env-file 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)'
            cand -w 'Working directory inside the container (docker -w)'
            cand --workdir 'Working directory inside the container (docker -w)'
            cand -u 'User to run as: name, uid, name:group or uid:gid (docker -u)'
            cand --user 'User to run as: name, uid, name:group or uid:gid (docker -u)'
            cand --detach-keys 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q'
            cand --sig-proxy 'Forward signals dpty receives to the container (docker --sig-proxy); --sig-proxy=false to turn off'
            cand --name 'Name the container (docker --name)'
            cand --entrypoint 'Override the image''s entrypoint (docker --entrypoint)'
            cand --network 'Network mode: none, host, bridge or a network name (docker --network)'
            cand -v 'Bind mount a volume: SOURCE:TARGET, optionally :ro or other options (docker -v)'
            cand --volume 'Bind mount a volume: SOURCE:TARGET, optionally :ro or other options (docker -v)'
            cand --pull 'When to pull the image: missing (when not present), always, or never (docker --pull)'
            cand -H 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand --host 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand -c 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --context 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --tlscacert 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)'
            cand --tlscert 'Client certificate (default DOCKER_CERT_PATH/cert.pem)'
            cand --tlskey 'Client key (default DOCKER_CERT_PATH/key.pem)'
            cand --log-level 'Log level: error, warn, info, debug or trace (or a tracing filter)'
            cand --log-file 'Write logs to this file instead of stderr'
            cand -i 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal'
            cand --interactive 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal'
            cand -t 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals'
            cand --tty 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals'
            cand -T 'Never allocate a TTY, even on a terminal'
            cand --no-tty 'Never allocate a TTY, even on a terminal'
            cand --privileged 'Give the process extended privileges (docker --privileged)'
            cand --rm 'Remove the container when it exits (docker --rm)'
            cand -q 'Print nothing while pulling (docker -q)'
            cand --quiet 'Print nothing while pulling (docker -q)'
            cand --tls 'Use TLS to reach the engine (docker --tls)'
            cand --tlsverify 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dpty;exec'= {
            cand -e 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)'
            cand --env 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)'
            cand --env-file 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)'
            cand -w 'Working directory inside the container (docker -w)'
            cand --workdir 'Working directory inside the container (docker -w)'
            cand -u 'User to run as: name, uid, name:group or uid:gid (docker -u)'
            cand --user 'User to run as: name, uid, name:group or uid:gid (docker -u)'
            cand --detach-keys 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q'
            cand -H 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand --host 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand -c 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --context 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --tlscacert 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)'
            cand --tlscert 'Client certificate (default DOCKER_CERT_PATH/cert.pem)'
            cand --tlskey 'Client key (default DOCKER_CERT_PATH/key.pem)'
            cand --log-level 'Log level: error, warn, info, debug or trace (or a tracing filter)'
            cand --log-file 'Write logs to this file instead of stderr'
            cand -i 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal'
            cand --interactive 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal'
            cand -t 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals'
            cand --tty 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals'
            cand -T 'Never allocate a TTY, even on a terminal'
            cand --no-tty 'Never allocate a TTY, even on a terminal'
            cand --privileged 'Give the process extended privileges (docker --privileged)'
            cand --tls 'Use TLS to reach the engine (docker --tls)'
            cand --tlsverify 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'dpty;attach'= {
            cand --detach-keys 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q'
            cand --sig-proxy 'Forward signals dpty receives to the container (docker --sig-proxy); --sig-proxy=false to turn off'
            cand -H 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand --host 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)'
            cand -c 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --context 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)'
            cand --tlscacert 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)'
            cand --tlscert 'Client certificate (default DOCKER_CERT_PATH/cert.pem)'
            cand --tlskey 'Client key (default DOCKER_CERT_PATH/key.pem)'
            cand --log-level 'Log level: error, warn, info, debug or trace (or a tracing filter)'
            cand --log-file 'Write logs to this file instead of stderr'
            cand --no-stdin 'Do not attach stdin; show output only (docker --no-stdin)'
            cand --logs 'Replay the output the container produced before attaching, then follow it'
            cand --exec 'The target is an exec instance created (not started) elsewhere: start it attached'
            cand --tls 'Use TLS to reach the engine (docker --tls)'
            cand --tlsverify 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
