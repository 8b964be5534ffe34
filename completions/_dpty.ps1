
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'dpty' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'dpty'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'dpty' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--tlscacert', '--tlscacert', [CompletionResultType]::ParameterName, 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)')
            [CompletionResult]::new('--tlscert', '--tlscert', [CompletionResultType]::ParameterName, 'Client certificate (default DOCKER_CERT_PATH/cert.pem)')
            [CompletionResult]::new('--tlskey', '--tlskey', [CompletionResultType]::ParameterName, 'Client key (default DOCKER_CERT_PATH/key.pem)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level: error, warn, info, debug or trace (or a tracing filter)')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write logs to this file instead of stderr')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to reach the engine (docker --tls)')
            [CompletionResult]::new('--tlsverify', '--tlsverify', [CompletionResultType]::ParameterName, 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Create and start a container from an image, attached to this terminal (docker run)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in a running container, attached to this terminal (docker exec)')
            [CompletionResult]::new('attach', 'attach', [CompletionResultType]::ParameterValue, 'Attach this terminal to an existing container, or start a created exec instance (docker attach)')
            break
        }
        'dpty;run' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Working directory inside the container (docker -w)')
            [CompletionResult]::new('--workdir', '--workdir', [CompletionResultType]::ParameterName, 'Working directory inside the container (docker -w)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User to run as: name, uid, name:group or uid:gid (docker -u)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User to run as: name, uid, name:group or uid:gid (docker -u)')
            [CompletionResult]::new('--detach-keys', '--detach-keys', [CompletionResultType]::ParameterName, 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q')
            [CompletionResult]::new('--sig-proxy', '--sig-proxy', [CompletionResultType]::ParameterName, 'Forward signals dpty receives to the container (docker --sig-proxy); --sig-proxy=false to turn off')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Name the container (docker --name)')
            [CompletionResult]::new('--entrypoint', '--entrypoint', [CompletionResultType]::ParameterName, 'Override the image''s entrypoint (docker --entrypoint)')
            [CompletionResult]::new('--network', '--network', [CompletionResultType]::ParameterName, 'Network mode: none, host, bridge or a network name (docker --network)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Bind mount a volume: SOURCE:TARGET, optionally :ro or other options (docker -v)')
            [CompletionResult]::new('--volume', '--volume', [CompletionResultType]::ParameterName, 'Bind mount a volume: SOURCE:TARGET, optionally :ro or other options (docker -v)')
            [CompletionResult]::new('--pull', '--pull', [CompletionResultType]::ParameterName, 'When to pull the image: missing (when not present), always, or never (docker --pull)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--tlscacert', '--tlscacert', [CompletionResultType]::ParameterName, 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)')
            [CompletionResult]::new('--tlscert', '--tlscert', [CompletionResultType]::ParameterName, 'Client certificate (default DOCKER_CERT_PATH/cert.pem)')
            [CompletionResult]::new('--tlskey', '--tlskey', [CompletionResultType]::ParameterName, 'Client key (default DOCKER_CERT_PATH/key.pem)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level: error, warn, info, debug or trace (or a tracing filter)')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write logs to this file instead of stderr')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals')
            [CompletionResult]::new('--tty', '--tty', [CompletionResultType]::ParameterName, 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Never allocate a TTY, even on a terminal')
            [CompletionResult]::new('--no-tty', '--no-tty', [CompletionResultType]::ParameterName, 'Never allocate a TTY, even on a terminal')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Give the process extended privileges (docker --privileged)')
            [CompletionResult]::new('--rm', '--rm', [CompletionResultType]::ParameterName, 'Remove the container when it exits (docker --rm)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing while pulling (docker -q)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing while pulling (docker -q)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to reach the engine (docker --tls)')
            [CompletionResult]::new('--tlsverify', '--tlsverify', [CompletionResultType]::ParameterName, 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dpty;exec' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Set an environment variable: KEY=VALUE, or KEY to pass on this one''s value (docker -e)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read environment variables from a file of KEY=VALUE lines (docker --env-file)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Working directory inside the container (docker -w)')
            [CompletionResult]::new('--workdir', '--workdir', [CompletionResultType]::ParameterName, 'Working directory inside the container (docker -w)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User to run as: name, uid, name:group or uid:gid (docker -u)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User to run as: name, uid, name:group or uid:gid (docker -u)')
            [CompletionResult]::new('--detach-keys', '--detach-keys', [CompletionResultType]::ParameterName, 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--tlscacert', '--tlscacert', [CompletionResultType]::ParameterName, 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)')
            [CompletionResult]::new('--tlscert', '--tlscert', [CompletionResultType]::ParameterName, 'Client certificate (default DOCKER_CERT_PATH/cert.pem)')
            [CompletionResult]::new('--tlskey', '--tlskey', [CompletionResultType]::ParameterName, 'Client key (default DOCKER_CERT_PATH/key.pem)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level: error, warn, info, debug or trace (or a tracing filter)')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write logs to this file instead of stderr')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal')
            [CompletionResult]::new('--interactive', '--interactive', [CompletionResultType]::ParameterName, 'Keep stdin attached (docker -i). Default: attached when stdin is a terminal')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals')
            [CompletionResult]::new('--tty', '--tty', [CompletionResultType]::ParameterName, 'Allocate a TTY (docker -t). Default: when stdin and stdout are terminals')
            [CompletionResult]::new('-T', '-T ', [CompletionResultType]::ParameterName, 'Never allocate a TTY, even on a terminal')
            [CompletionResult]::new('--no-tty', '--no-tty', [CompletionResultType]::ParameterName, 'Never allocate a TTY, even on a terminal')
            [CompletionResult]::new('--privileged', '--privileged', [CompletionResultType]::ParameterName, 'Give the process extended privileges (docker --privileged)')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to reach the engine (docker --tls)')
            [CompletionResult]::new('--tlsverify', '--tlsverify', [CompletionResultType]::ParameterName, 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'dpty;attach' {
            [CompletionResult]::new('--detach-keys', '--detach-keys', [CompletionResultType]::ParameterName, 'Key sequence that detaches and leaves the container running (docker --detach-keys), e.g. ctrl-a,b; default ctrl-p,ctrl-q')
            [CompletionResult]::new('--sig-proxy', '--sig-proxy', [CompletionResultType]::ParameterName, 'Forward signals dpty receives to the container (docker --sig-proxy); --sig-proxy=false to turn off')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Engine to talk to: unix:///path/to/docker.sock or tcp://host:port (docker -H; default DOCKER_HOST, then the current context, then /var/run/docker.sock, then Podman''s socket)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Use this docker context (docker --context; default DOCKER_CONTEXT, then `docker context use`)')
            [CompletionResult]::new('--tlscacert', '--tlscacert', [CompletionResultType]::ParameterName, 'CA certificate that signed the engine''s (default DOCKER_CERT_PATH/ca.pem)')
            [CompletionResult]::new('--tlscert', '--tlscert', [CompletionResultType]::ParameterName, 'Client certificate (default DOCKER_CERT_PATH/cert.pem)')
            [CompletionResult]::new('--tlskey', '--tlskey', [CompletionResultType]::ParameterName, 'Client key (default DOCKER_CERT_PATH/key.pem)')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log level: error, warn, info, debug or trace (or a tracing filter)')
            [CompletionResult]::new('--log-file', '--log-file', [CompletionResultType]::ParameterName, 'Write logs to this file instead of stderr')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Do not attach stdin; show output only (docker --no-stdin)')
            [CompletionResult]::new('--logs', '--logs', [CompletionResultType]::ParameterName, 'Replay the output the container produced before attaching, then follow it')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'The target is an exec instance created (not started) elsewhere: start it attached')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Use TLS to reach the engine (docker --tls)')
            [CompletionResult]::new('--tlsverify', '--tlsverify', [CompletionResultType]::ParameterName, 'Use TLS and verify the engine''s certificate (docker --tlsverify; default DOCKER_TLS_VERIFY)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
