//! `dpty run` must send the engine the very `POST /containers/create` request that `docker run` sends
//! for the same command line, and refuse what docker refuses, the way docker does.
//!
//! Each line of a corpus taken from real documentation (rewritten to use the local `busybox` image)
//! is run twice on a terminal of the same size, in the same directory and environment: once by the
//! docker CLI and once by the binary under test, each against a fresh recording proxy that records
//! creates and refuses them, so nothing is ever created or started. The exit statuses, the creates'
//! queries and their bodies (normalised, see [`normalise`]) must agree. Lines docker refuses before
//! creating anything must be refused with docker's status and a one-line message naming the
//! offending value. Every line is checked before the test fails, with one report of all mismatches.
//!
//! Against the docker CLI itself (`DPTY_TEST_BIN=$(which docker)`) this checks the corpus and the
//! harness: every good line must reach create and every bad line must be refused.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use support::proxy::{Recorded, RecordingProxy};
use support::{bin, escape, Pty, TempDir};

/// A line docker sends to the engine: `docker run ...`, with `{dir}` standing for the absolute
/// path of the directory both runs start in, which holds the files of [`FIXTURES`].
struct Good {
    source: &'static str,
    line: &'static str,
}

/// A line docker refuses before sending a create: with `status`, and a message containing `names`.
struct Bad {
    source: &'static str,
    line: &'static str,
    status: i32,
    names: &'static str,
    /// For an option of a newer API: the API version from which docker accepts the line, which
    /// is then checked as a line docker sends.
    refused_below: Option<(u32, u32)>,
    /// docker leaves this value to the engine, which refuses it: docker sends the create (the
    /// proxy records it) and reports the engine's answer, which does not name the option. dpty
    /// refuses it before sending, naming the option and the value; nothing is created either way.
    docker_sends: bool,
    /// An option only an engine on Windows takes: refused (status 1) by an engine whose ping
    /// reports another OS; Podman's reports none, and then docker sends the line.
    windows_only: bool,
}

const fn good(source: &'static str, line: &'static str) -> Good {
    Good { source, line }
}

const fn bad(source: &'static str, line: &'static str, status: i32, names: &'static str) -> Bad {
    Bad {
        source,
        line,
        status,
        names,
        refused_below: None,
        docker_sends: false,
        windows_only: false,
    }
}

/// A line with an option for Windows engines only (see [`Bad::windows_only`]).
const fn windows_only(source: &'static str, line: &'static str, names: &'static str) -> Bad {
    Bad {
        source,
        line,
        status: 1,
        names,
        refused_below: None,
        docker_sends: false,
        windows_only: true,
    }
}

/// A line whose bad value docker leaves to the engine to refuse (see [`Bad::docker_sends`]).
const fn engine_refuses(source: &'static str, line: &'static str, names: &'static str) -> Bad {
    Bad {
        source,
        line,
        status: 125,
        names,
        refused_below: None,
        docker_sends: true,
        windows_only: false,
    }
}

/// A line docker refuses only when the engine's API is older than `major.minor`.
const fn bad_below(
    (major, minor): (u32, u32),
    source: &'static str,
    line: &'static str,
    status: i32,
    names: &'static str,
) -> Bad {
    Bad {
        refused_below: Some((major, minor)),
        ..bad(source, line, status, names)
    }
}

/// The sources, shortened: `RUN` is docs/reference/commandline/container_run.md in docker/cli, the
/// others are pages of docs.docker.com, Docker Hub image pages and project READMEs.
const RUN: &str = "docker/cli docs/reference/commandline/container_run.md";
const RUN_OPTIONS: &str = "docker/cli container_run.md, options table";
const REFERENCE: &str = "docs.docker.com/engine/containers/run (Running containers)";
const RESOURCES: &str = "docs.docker.com/engine/containers/resource_constraints";
const BIND: &str = "docs.docker.com/engine/storage/bind-mounts";
const VOLUMES: &str = "docs.docker.com/engine/storage/volumes";
const TMPFS: &str = "docs.docker.com/engine/storage/tmpfs";
const PORTS: &str = "docs.docker.com/engine/network/port-publishing";
const LOGGING: &str = "docs.docker.com/engine/logging/configure";
const NVIDIA: &str = "NVIDIA Container Toolkit docs, Docker specialized configurations";

#[rustfmt::skip]
const GOOD: &[Good] = &[
    good(RUN, "docker run --name test -d busybox:latest"),
    good(RUN, "docker run --name test --net mynet -d busybox:latest"),
    good(RUN, "docker run --net mynet busybox:latest ping test"),
    good(RUN, r#"docker run --cidfile {dir}/docker_test.cid busybox echo "test""#),
    good(RUN, "docker run --rm -it --pid=host busybox"),
    good(RUN, "docker run --rm -it --pid=container:my-nginx --cap-add SYS_PTRACE --security-opt seccomp=unconfined busybox"),
    good(RUN, "docker run --userns=host busybox echo hello"),
    good(RUN, "docker run -t -i --rm busybox sh"),
    good(RUN, "docker run -t -i --privileged busybox sh"),
    good(RUN, "docker run -w /path/to/dir/ busybox pwd"),
    good(RUN, "docker run -it --storage-opt size=120G busybox /bin/sh"),
    good(RUN, "docker run -d --tmpfs /run:rw,noexec,nosuid,size=65536k busybox"),
    good(RUN, "docker run -v /doesnt/exist:/foo -w /foo -i -t busybox sh"),
    good(RUN, "docker run --read-only -v /icanwrite busybox touch /icanwrite/here"),
    good(RUN, "docker run -t -i -v /var/run/docker.sock:/var/run/docker.sock -v /path/to/static-docker-binary:/usr/bin/docker busybox sh"),
    good(RUN, "docker run --read-only --mount type=volume,target=/icanwrite busybox touch /icanwrite/here"),
    good(RUN, "docker run -t -i --mount type=bind,src=/data,dst=/data busybox sh"),
    good(RUN, "docker run -p 127.0.0.1:80:8080/tcp busybox:latest"),
    good(RUN, "docker run --expose 80 busybox:latest"),
    good(RUN, "docker run -P busybox:latest"),
    good(RUN, "docker run --pull=never busybox"),
    good(RUN, "docker run -e MYVAR1 --env MYVAR2=foo --env-file ./env.list busybox env"),
    good(RUN, "docker run --env VAR1=value1 --env VAR2=value2 busybox env"),
    good(RUN, "docker run --env VAR1 --env VAR2 busybox env"),
    good(RUN, "docker run --env-file env.list busybox env"),
    good(RUN, "docker run -l my-label --label com.example.foo=bar busybox sh"),
    good(RUN, "docker run --label-file ./labels busybox sh"),
    good(RUN, "docker run -itd --network=my-net busybox"),
    good(RUN, "docker run -itd --network=my-net --ip=192.0.2.69 busybox"),
    good(RUN, "docker run -itd --network=my-net1 --network=my-net2 busybox"),
    good(RUN, "docker run -itd --network=name=my-net1,ip=192.0.2.42 --network=name=my-net2,ip=192.0.3.42 busybox"),
    good(RUN, r#"docker run -itd --network=name=my-net,\"driver-opt=com.docker.network.endpoint.sysctls=net.ipv4.conf.IFNAME.log_martians=1,net.ipv4.conf.IFNAME.forwarding=0\",ip=192.0.2.42 busybox"#),
    good(RUN, "docker run --volumes-from 777f7dc92da7 --volumes-from ba8c0c54f0f2:ro -i -t busybox pwd"),
    good(RUN, "docker run -d -p 80:80 busybox httpd -f -p 80"),
    good(RUN, "docker run -it --rm --device=/dev/sdc:/dev/xvdc --device=/dev/sdd --device=/dev/zero:/dev/foobar busybox ls -l /dev/xvdc /dev/sdd /dev/foobar"),
    good(RUN, "docker run --device=/dev/sda:/dev/xvdc --rm -it busybox fdisk /dev/xvdc"),
    good(RUN, "docker run --device=/dev/sda:/dev/xvdc:r --rm -it busybox fdisk /dev/xvdc"),
    good(RUN, "docker run --device=/dev/sda:/dev/xvdc:rw --rm -it busybox fdisk /dev/xvdc"),
    good(RUN, "docker run --device=/dev/sda:/dev/xvdc:m --rm -it busybox fdisk /dev/xvdc"),
    good(RUN, "docker run --device=vendor.com/class=device-name --rm -it busybox"),
    good(RUN, "docker run -a stdin -a stdout -i -t busybox /bin/sh"),
    good(RUN, "docker run -a stderr busybox echo test"),
    good(RUN, r#"docker run --rm -i busybox echo "foo bar baz""#),
    good(RUN, "docker run -d --device-cgroup-rule='c 42:* rmw' --name my-container busybox"),
    good(RUN, "docker run -it --rm --gpus all busybox true"),
    good(RUN, "docker run -it --rm --gpus device=GPU-3a23c669-1f69-c64e-cf85-44e9b07e7a2a busybox true"),
    good(RUN, r#"docker run -it --rm --gpus '"device=0,2"' busybox true"#),
    good(RUN, "docker run --restart=always busybox"),
    good(RUN, "docker run --restart=on-failure:10 busybox"),
    good(RUN, "docker run --add-host=my-hostname=8.8.8.8 --rm -it busybox"),
    good(RUN, "docker run --add-host my-hostname=[2001:db8::33] --rm -it busybox"),
    good(RUN, "docker run --add-host host.docker.internal=host-gateway busybox wget -qO- host.docker.internal:8000/hello"),
    good(RUN, "docker run --add-host=my-hostname:8.8.8.8 --rm -it busybox"),
    good(RUN, "docker run --log-driver=none -d busybox:latest"),
    good(RUN, r#"docker run --ulimit nofile=1024:1024 --rm busybox sh -c "ulimit -n""#),
    good(RUN, "docker run -d -u daemon --ulimit nproc=3 busybox top"),
    good(RUN, "docker run --security-opt label=level:s0:c100,c200 -it busybox sh"),
    good(RUN, "docker run --security-opt label=disable -it busybox sh"),
    good(RUN, "docker run --security-opt label=type:svirt_apache_t -it busybox sh"),
    good(RUN, "docker run --security-opt no-new-privileges -it busybox sh"),
    good(RUN, "docker run -d --isolation default busybox top"),
    good(RUN, "docker run --sysctl net.ipv4.ip_forward=1 busybox"),
    good(REFERENCE, r#"docker run -it --entrypoint="" busybox sh"#),
    good(REFERENCE, "docker run -it --entrypoint /bin/sh busybox -c true"),
    good(REFERENCE, r#"docker run -e "deep=purple" -h recycled --rm busybox env"#),
    good(REFERENCE, "docker run --hostname web --domainname example.com busybox hostname"),
    good(REFERENCE, "docker run -d -P --name web --link db:db busybox"),
    good(REFERENCE, "docker run --expose=7000-8000 busybox"),
    good(REFERENCE, "docker run --name=test -d --health-cmd='stat /etc/passwd || exit 1' --health-interval=2s busybox sleep 1d"),
    good(REFERENCE, "docker run --no-healthcheck busybox"),
    good(REFERENCE, "docker run --rm --group-add audio --group-add nogroup --group-add 777 busybox id"),
    good(REFERENCE, "docker run --cap-add=ALL --cap-drop=MKNOD busybox"),
    good(REFERENCE, "docker run -it --rm --cap-add=NET_ADMIN busybox sh"),
    good(REFERENCE, "docker run --rm -it --init busybox"),
    good(REFERENCE, "docker run --cgroup-parent=/my-cgroup --oom-score-adj=-500 --pids-limit 100 busybox"),
    good(REFERENCE, "docker run --uts=host --ipc=host busybox"),
    good(REFERENCE, "docker run --ipc=shareable --cgroupns private busybox"),
    good(REFERENCE, "docker run -it -c 512 busybox"),
    good(RESOURCES, r#"docker run -it --cpus=".5" busybox /bin/sh"#),
    good(RESOURCES, "docker run -it --cpu-period=100000 --cpu-quota=50000 busybox /bin/sh"),
    good(RESOURCES, "docker run -it --cpu-rt-period=1000000 --cpu-rt-runtime=950000 --ulimit rtprio=99 --cap-add=sys_nice busybox"),
    good(RESOURCES, "docker run -it -m 300M --memory-swap -1 busybox /bin/sh"),
    good(RESOURCES, "docker run -it -m 500M --memory-reservation 200M busybox /bin/sh"),
    good(RESOURCES, "docker run -it --memory=1g --memory-swap=2g --memory-swappiness=0 busybox /bin/sh"),
    good(RESOURCES, "docker run -it -m 100M --oom-kill-disable busybox /bin/sh"),
    good(RESOURCES, "docker run -it --kernel-memory 50M busybox /bin/sh"),
    good(RESOURCES, r#"docker run -it --cpuset-cpus="1,3" --cpuset-mems="0-2" --cpu-shares=512 busybox /bin/sh"#),
    good(RESOURCES, "docker run -it --name c1 --blkio-weight 300 busybox /bin/sh"),
    good(RESOURCES, r#"docker run -it --blkio-weight-device "/dev/sda:200" busybox"#),
    good(RESOURCES, "docker run -it --device-read-bps /dev/sda:1mb --device-write-bps /dev/sda:1mb busybox"),
    good(RESOURCES, "docker run -ti --device-read-iops /dev/sda:1000 --device-write-iops /dev/sda:1000 busybox"),
    good(BIND, "docker run -d -it --name devtest --mount type=bind,source={dir}/target,target=/app busybox"),
    good(BIND, "docker run -d -it --name devtest --mount type=bind,source=./target,target=/app,readonly busybox"),
    good(BIND, "docker run -d -it --name devtest --mount type=bind,source=./target,target=/app,bind-propagation=rslave busybox"),
    good(BIND, "docker run -d -it --name devtest -v ./target:/app:z busybox"),
    good(BIND, "docker run -d -it --name devtest -v {dir}/target:/app:ro busybox"),
    good(VOLUMES, "docker run -d --name devtest --mount source=myvol2,target=/app busybox"),
    good(VOLUMES, "docker run -d --name=nginxtest --mount source=nginx-vol,destination=/usr/share/nginx/html,readonly busybox"),
    good(VOLUMES, "docker run -d --name=nginxtest --mount type=volume,source=nginx-vol,destination=/usr/share/nginx/html,volume-nocopy busybox"),
    good(VOLUMES, r#"docker run -d --name nfs --mount 'type=volume,src=nfsvolume,dst=/app,volume-driver=local,volume-opt=type=nfs,volume-opt=device=:/var/docker-nfs,"volume-opt=o=addr=10.0.0.10,vers=4,soft,timeo=180,bg,tcp,rw"' busybox"#),
    good(VOLUMES, "docker run -d --name sshfs-container --volume-driver vieux/sshfs --mount src=sshvolume,target=/app,volume-opt=sshcmd=test@node2:/home/test,volume-opt=password=testpassword busybox"),
    good(TMPFS, "docker run -d -it --name tmptest --mount type=tmpfs,destination=/app,tmpfs-mode=1770,tmpfs-size=104857600 busybox"),
    good(TMPFS, "docker run -d -it --name tmptest --tmpfs /app busybox"),
    good(PORTS, "docker run -d -p 127.0.0.1:8080:80 -p '[::1]:8080:80' busybox"),
    good(PORTS, "docker run -d -p 8080:80/tcp -p 8080:80/udp busybox"),
    good(PORTS, "docker run -d -p 127.0.0.1::80 -p 7000-7002:7000-7002 -p 9000-9001 busybox"),
    good(PORTS, "docker run -d --publish 8080:80 --publish=8443:443/tcp -p 5000:5000/sctp busybox"),
    good(LOGGING, "docker run --log-driver json-file --log-opt max-size=10m busybox echo hello world"),
    good(LOGGING, "docker run --log-driver syslog --log-opt syslog-address=udp://1.2.3.4:1111 busybox echo hello world"),
    good(LOGGING, r#"docker run --log-driver=fluentd --log-opt fluentd-address=localhost:24224 --log-opt tag="docker.{{.Name}}" busybox"#),
    good(NVIDIA, "docker run --rm --runtime=nvidia --gpus all busybox true"),
    good(NVIDIA, "docker run --rm --gpus 2 busybox true"),
    good(NVIDIA, "docker run --gpus 'all,capabilities=utility' --rm busybox true"),
    good(NVIDIA, r#"docker run --gpus '"device=1,2"' busybox true"#),
    good("Docker Hub postgres, How to use this image", "docker run --name some-postgres -e POSTGRES_PASSWORD=mysecretpassword -d busybox"),
    good("Docker Hub postgres, How to use this image", "docker run -it --rm --network some-network busybox echo psql -h some-postgres -U postgres"),
    good("Docker Hub postgres, PGDATA", "docker run -d --name some-postgres -e POSTGRES_PASSWORD=mysecretpassword -e PGDATA=/var/lib/postgresql/data/pgdata -v /custom/mount:/var/lib/postgresql/data busybox"),
    good("Docker Hub postgres, Arbitrary --user Notes", r#"docker run -it --rm --user "1000:1000" -v /etc/passwd:/etc/passwd:ro -e POSTGRES_PASSWORD=mysecretpassword busybox"#),
    good("Docker Hub mysql, Using a custom MySQL configuration file", "docker run --name some-mysql -v /my/custom:/etc/mysql/conf.d -e MYSQL_ROOT_PASSWORD=my-secret-pw -d busybox:latest"),
    good("Docker Hub mysql, Docker Secrets", "docker run --name some-mysql -e MYSQL_ROOT_PASSWORD_FILE=/run/secrets/mysql-root -d busybox:latest"),
    good("Docker Hub redis, start with persistent storage", "docker run --name some-redis -d busybox echo redis-server --save 60 1 --loglevel warning"),
    good("Docker Hub redis, Additionally, if you want to use your own redis.conf", "docker run -v /myredis/conf:/usr/local/etc/redis --name myredis busybox echo redis-server /usr/local/etc/redis/redis.conf"),
    good("Docker Hub redis, connecting via redis-cli", "docker run -it --network some-network --rm busybox echo redis-cli -h some-redis"),
    good("Docker Hub nginx, Hosting some simple static content", "docker run --name some-nginx -v /some/content:/usr/share/nginx/html:ro -d busybox"),
    good("Docker Hub nginx, Running nginx in read-only mode", "docker run -d -p 8080:80 --read-only -v {dir}/nginx-cache:/var/cache/nginx -v {dir}/nginx-pid:/var/run busybox"),
    good("Docker Hub nginx, Complex configuration", "docker run --name my-custom-nginx-container -v /host/path/nginx.conf:/etc/nginx/nginx.conf:ro -d busybox"),
    good("Docker Hub mongo, MONGO_INITDB_ROOT_USERNAME", "docker run -d --network some-network --name some-mongo -e MONGO_INITDB_ROOT_USERNAME=mongoadmin -e MONGO_INITDB_ROOT_PASSWORD=secret busybox"),
    good("Docker Hub mongo, Where to Store Data", "docker run --name some-mongo -v /my/own/datadir:/data/db -d busybox"),
    good("jupyter/docker-stacks docs, Quick Start", "docker run -it --rm -p 10000:8888 -v {dir}:/home/jovyan/work busybox"),
    good("jupyter/docker-stacks docs, Common Features", r#"docker run -it --rm -p 8888:8888 --user root -e NB_USER="my-username" -e CHOWN_HOME=yes -w "/home/my-username" busybox"#),
    good("jupyter/docker-stacks docs, Running a container", "docker run -it --rm --user 1000:100 --group-add users busybox"),
    good("elastic.co docs, Start a single-node cluster with Docker", "docker run --name es01 --net elastic -p 9200:9200 -it -m 1GB busybox"),
    good("Docker Hub elasticsearch, Running in Development Mode", r#"docker run -d --name elasticsearch --net somenetwork -p 9200:9200 -p 9300:9300 -e "discovery.type=single-node" busybox"#),
    good("elastic.co docs, Docker production settings (ulimits, memory lock)", r#"docker run --ulimit nofile=65535:65535 --ulimit memlock=-1:-1 -e "bootstrap.memory_lock=true" busybox"#),
    good("distribution/distribution docs, Deploy a registry server", "docker run -d -p 5000:5000 --restart=always --name registry busybox"),
    good("Portainer docs, Install Portainer CE with Docker on Linux", "docker run -d -p 8000:8000 -p 9443:9443 --name portainer --restart=always -v /var/run/docker.sock:/var/run/docker.sock -v portainer_data:/data busybox"),
    good("google/cadvisor README, Quick Start", "docker run --volume=/:/rootfs:ro --volume=/var/run:/var/run:ro --volume=/sys:/sys:ro --volume=/var/lib/docker/:/var/lib/docker:ro --volume=/dev/disk/:/dev/disk:ro --publish=8080:8080 --detach=true --name=cadvisor --privileged --device=/dev/kmsg busybox"),
    good("prometheus/node_exporter README, Docker", r#"docker run -d --net="host" --pid="host" -v "/:/host:ro,rslave" busybox echo --path.rootfs=/host"#),
    good("pi-hole/docker-pi-hole README, Quick Start", "docker run -d --name pihole -p 53:53/tcp -p 53:53/udp -p 80:80 -e TZ=Europe/London --dns=127.0.0.1 --dns=1.1.1.1 --restart=unless-stopped --hostname pi.hole --cap-add=NET_ADMIN busybox"),
    good("GitLab docs, Install GitLab in a Docker container", "docker run --detach --hostname gitlab.example.com --publish 443:443 --publish 80:80 --publish 22:22 --name gitlab --restart always --volume {dir}/config:/etc/gitlab --volume {dir}/logs:/var/log/gitlab --volume {dir}/data:/var/opt/gitlab --shm-size 256m busybox"),
    good("jenkinsci/docker README, Usage", "docker run -p 8080:8080 -p 50000:50000 --restart=on-failure -v jenkins_home:/var/jenkins_home busybox"),
    good("Home Assistant docs, Install Home Assistant Container", "docker run -d --name homeassistant --privileged --restart=unless-stopped -e TZ=MY_TIME_ZONE -v {dir}/config:/config -v /run/dbus:/run/dbus:ro --network=host busybox"),
    good("SeleniumHQ/docker-selenium README, Quick start", r#"docker run -d -p 4444:4444 -p 7900:7900 --shm-size="2g" busybox"#),
    good("jessfraz/dockerfiles, chrome (Docker Containers on the Desktop)", "docker run -it --net host --cpuset-cpus 0 --memory 512mb -v /tmp/.X11-unix:/tmp/.X11-unix -e DISPLAY=unix:0 -v {dir}/Downloads:/home/chrome/Downloads --security-opt seccomp={dir}/seccomp.json --device /dev/snd --device /dev/dri --device /dev/video0 --device /dev/usb --device /dev/bus/usb --group-add audio --group-add video --name chrome busybox"),
    good("Docker Hub hashicorp/vault, Running Vault for Development", "docker run --cap-add=IPC_LOCK -e 'VAULT_DEV_ROOT_TOKEN_ID=myroot' -e 'VAULT_DEV_LISTEN_ADDRESS=0.0.0.0:1234' busybox"),
    good("Docker Hub docker (dind), Start a daemon instance", "docker run --privileged --name some-docker -d --network some-network --network-alias docker -e DOCKER_TLS_CERTDIR=/certs -v some-docker-certs-ca:/certs/ca -v some-docker-certs-client:/certs/client busybox"),
    good("Docker Hub httpd, How to use this image", "docker run -dit --name my-apache-app -p 8080:80 -v {dir}:/usr/local/apache2/htdocs/ busybox"),
    good("Docker Hub rabbitmq, Management Plugin", "docker run -d --hostname my-rabbit --name some-rabbit -p 8080:15672 busybox"),
    good("Docker Hub memcached, How to use this image", "docker run --name my-memcache -d busybox echo memcached -m 64"),
    good("MinIO docs, Deploy MinIO: Single-Node Single-Drive (container)", r#"docker run -p 9000:9000 -p 9001:9001 --name minio1 -v {dir}/minio/data:/data -e "MINIO_ROOT_USER=ROOTUSER" -e "MINIO_ROOT_PASSWORD=CHANGEME123" busybox echo server /data --console-address ":9001""#),
    good("code.visualstudio.com docs, Dev Containers (runArgs for debuggers)", "docker run -it --init --cap-add=SYS_PTRACE --security-opt seccomp=unconfined -v .:/workspaces/project -w /workspaces/project busybox sh"),
    good("gVisor docs, Docker Quick Start", "docker run --runtime=runsc --rm busybox true"),
    good("docs.docker.com/build/building/multi-platform", "docker run --rm --platform linux/arm64 busybox uname -m"),
    good("docker CLI: platform specifiers are normalised (containerd platforms)", "docker run --rm --platform Linux/X86_64 busybox true"),
    good("docker CLI: an architecture alone gets the client's OS", "docker run --rm --platform arm64 busybox true"),
    good("jrei/systemd-ubuntu README, Run", "docker run -d --name systemd-ubuntu --tmpfs /tmp --tmpfs /run --tmpfs /run/lock -v /sys/fs/cgroup:/sys/fs/cgroup:rw --cgroupns=host --stop-signal SIGRTMIN+3 busybox"),
    good("GitHub Actions docs, Creating PostgreSQL service containers", "docker run --health-cmd pg_isready --health-interval 10s --health-timeout 5s --health-retries 5 busybox"),
    good("docs.docker.com/reference/dockerfile HEALTHCHECK, as run options", r#"docker run --health-cmd "wget -q --spider localhost || exit 1" --health-start-period=30s --health-timeout=3s busybox"#),
    good("docs.docker.com/engine/security/seccomp", "docker run --rm -it --security-opt seccomp={dir}/seccomp.json busybox"),
    good("docs.docker.com/engine/security/apparmor", "docker run --rm -it --security-opt apparmor=docker-default busybox"),
    good("docs.docker.com/engine/security (systempaths)", "docker run --rm -it --security-opt systempaths=unconfined busybox"),
    good("docs.docker.com/engine/containers/start-containers-automatically", "docker run -d --restart unless-stopped busybox"),
    good("docs.docker.com/engine/network (container networking)", "docker run --network container:other busybox"),
    good("docs.docker.com/engine/network/drivers/none", "docker run --rm --network none --name no-net-alpine busybox ip link show"),
    good("docs.docker.com/engine/network/drivers/bridge, IPv6", "docker run -itd --network=my-net --ip6=2001:db8::33 --link-local-ip 169.254.1.1 busybox"),
    good("docs.docker.com/engine/network, DNS services", "docker run --dns 2001:4860:4860::8888 --dns-search example.com --dns-option ndots:2 --dns-opt timeout:3 busybox"),
    good("docs.docker.com/engine/security/trust", "docker run --disable-content-trust --rm busybox true"),
    good("docs.docker.com/engine/manage-resources/labels + run reference -d --rm", "docker run --rm -d --label com.example.vendor=ACME busybox"),
    good(RUN_OPTIONS, "docker run --restart no --stop-signal SIGTERM --stop-timeout 30 busybox"),
    good(RUN_OPTIONS, "docker run --restart on-failure --stop-timeout=0 busybox"),
    good(RUN_OPTIONS, "docker run -q --pull missing busybox true"),
    good(RUN_OPTIONS, "docker run --quiet --pull=missing busybox true"),
    good("docker/cli opts.go, the hidden spellings --net and --net-alias", "docker run --net=mynet --net-alias=web --net-alias db busybox"),
    good(RUN_OPTIONS, "docker run --sig-proxy=false --detach-keys=ctrl-a,a -i busybox cat"),
    good(RUN_OPTIONS, "docker run -it --detach-keys ctrl-x,x --sig-proxy busybox sh"),
    good(RUN_OPTIONS, "docker run -t busybox top -b"),
    good(RUN_OPTIONS, "docker run --use-api-socket --rm busybox true"),
    good(RUN_OPTIONS, "docker run --publish-all --interactive --tty --attach stdout --attach stderr busybox"),
    good(RUN_OPTIONS, "docker run --workdir /tmp --user nobody --volume /data --label=a=b busybox pwd"),
    good(RUN_OPTIONS, "docker run --memory 64m --memory-swap=-1 --memory-reservation=32m --shm-size=1g busybox"),
];

#[rustfmt::skip]
const BAD: &[Bad] = &[
    engine_refuses(
        "docker CLI: mount types are checked by the engine, not the client",
        "docker run --mount type=foo,target=/x busybox",
        "type=foo",
    ),
    bad(PORTS, "docker run -p 80800:80 busybox", 125, "80800"),
    bad(PORTS, "docker run -p 127.0.0.1:80:80/xyz busybox", 125, "xyz"),
    bad(PORTS, "docker run -p 8080-8090:80-81 busybox", 125, "80-81"),
    bad(RESOURCES, "docker run -m 12qq busybox", 125, "12qq"),
    bad(RESOURCES, "docker run --shm-size 1x busybox", 125, "1x"),
    bad(RESOURCES, "docker run --memory-swappiness 200 busybox", 125, "200"),
    bad(RESOURCES, "docker run --cpus abc busybox", 125, "abc"),
    bad(RESOURCES, "docker run --device-read-bps /dev/sda:xyz busybox", 125, "/dev/sda:xyz"),
    bad(BIND, "docker run --mount target=/x,foo=bar busybox", 125, "foo=bar"),
    bad(TMPFS, "docker run --mount type=tmpfs,target=/x,tmpfs-size=abc busybox", 125, "tmpfs-size"),
    bad(VOLUMES, "docker run --mount type=bind,src=/tmp,dst=/x,volume-nocopy busybox", 125, "volume-"),
    bad(REFERENCE, "docker run --no-healthcheck --health-cmd true busybox", 125, "--no-healthcheck"),
    bad(REFERENCE, "docker run --health-retries -1 --health-cmd true busybox", 125, "--health-retries"),
    bad(REFERENCE, "docker run --health-interval 5 --health-cmd true busybox", 125, "--health-interval"),
    bad(RUN, "docker run -a stdin -d busybox", 1, "--attach"),
    bad("docker CLI: the ID file is created before the container", "docker run --cidfile {dir}/env.list/id busybox", 125, "env.list/id"),
    bad("docker CLI: platform specifiers (containerd platforms)", "docker run --platform nonsense busybox", 125, "nonsense"),
    bad(RUN, "docker run --restart always --rm busybox", 125, "--restart"),
    bad(RUN, "docker run --restart on-failure:x busybox", 125, "restart policy"),
    bad(RUN, "docker run --ulimit nofile=abc busybox", 125, "nofile=abc"),
    bad(RUN, "docker run --add-host my-hostname busybox", 125, "my-hostname"),
    bad(RUN, "docker run --add-host=my-hostname:not-an-ip busybox", 125, "not-an-ip"),
    bad(RUN, "docker run --sysctl kernel.foo=1 busybox", 125, "kernel.foo=1"),
    bad(RUN, "docker run --cidfile ./exists.cid busybox", 125, "exists.cid"),
    bad(RUN, "docker run --env-file ./missing.env busybox", 125, "missing.env"),
    bad(RUN, "docker run --label-file ./missing.labels busybox", 125, "missing.labels"),
    bad(RUN, "docker run --network-alias web busybox", 125, "network-scoped alias"),
    bad(RUN, "docker run --pull bogus busybox", 125, "bogus"),
    bad(RUN, "docker run --log-driver none --log-opt max-size=1m busybox", 125, "none"),
    bad(RUN, "docker run --security-opt seccomp=./missing.json busybox", 125, "missing.json"),
    bad(RUN, "docker run --gpus foo=bar busybox", 125, "foo"),
    bad(RUN, "docker run --cgroupns foo busybox", 125, "--cgroupns"),
    bad(RUN, "docker run -v :/x busybox", 125, ":/x"),
    bad(RUN, "docker run -e =x busybox", 125, "=x"),
    // Options of newer APIs are refused against older engines (dockerd 20.10 speaks 1.41), and
    // Windows-only options against a Linux engine.
    bad_below((1, 44), RUN, "docker run --mac-address 92:d0:c6:0a:29:33 busybox", 125, "mac-address"),
    bad_below((1, 43), RUN, "docker run --annotation com.example.key=value busybox", 1, "--annotation"),
    bad_below((1, 44), REFERENCE, "docker run --health-start-interval 5s --health-cmd true busybox", 1, "--health-start-interval"),
    windows_only(RUN_OPTIONS, "docker run --cpu-count 2 busybox", "--cpu-count"),
    windows_only(RUN_OPTIONS, "docker run --cpu-percent 50 busybox", "--cpu-percent"),
    windows_only(RUN_OPTIONS, "docker run --io-maxbandwidth 10m busybox", "--io-maxbandwidth"),
    windows_only(RUN_OPTIONS, "docker run --io-maxiops 100 busybox", "--io-maxiops"),
];

/// Options of `docker run --help` the corpus does not use, each with the reason.
const NOT_IN_CORPUS: &[(&str, &str)] = &[(
    "--help",
    "prints the usage and exits 0 without contacting the engine",
)];

/// Options `docker run` accepts without listing them in `--help`, which the corpus also uses.
const HIDDEN: &[&str] = &["--net", "--net-alias", "--dns-opt"];

/// Files every line can name, written into its directory before either run. `exists.cid` is there
/// for the line about an existing `--cidfile`.
const FIXTURES: &[(&str, &str)] = &[
    (
        // As in container_run.md, plus the edge cases docker's parser handles.
        "env.list",
        "# This is a comment\nVAR1=value1\nVAR2=value2\nUSER\n  INDENTED=after leading spaces\n\
         UNSET_IN_THE_ENVIRONMENT\nWITH_EQUALS=a=b\nWITH_SPACES=a b \n",
    ),
    (
        // As in container_run.md.
        "labels",
        "com.example.label1=\"a label\"\n\n# this is a comment\ncom.example.label2=another\\ label\n\
         com.example.label3\n",
    ),
    (
        // Indented on purpose: docker sends the profile compacted.
        "seccomp.json",
        "{\n    \"defaultAction\": \"SCMP_ACT_ALLOW\",\n    \"syscalls\": [\n        \
         { \"names\": [\"chmod\", \"fchmod\"], \"action\": \"SCMP_ACT_ERRNO\" }\n    ]\n}\n",
    ),
    ("exists.cid", "0123456789abcdef\n"),
];

/// Directories every line can name.
const FIXTURE_DIRS: &[&str] = &["target", "config", "data"];

/// The environment both runs get, besides the engine address and an empty docker config
/// directory: values for the variables the lines pass through by name.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("MYVAR1", "from the environment"),
    ("VAR1", "value1"),
    ("VAR2", "value2"),
    ("USER", "parity-user"),
];

/// Variables that would make either client behave otherwise than the lines say.
const UNSET: &[&str] = &[
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_CONTENT_TRUST",
    "DOCKER_API_VERSION",
    "DPTY_LOG",
    "UNSET_IN_THE_ENVIRONMENT",
];

/// How long one run of one line may take; nothing is started, so seconds are plenty.
const RUN_TIMEOUT: Duration = Duration::from_secs(20);

/// Lines are checked this many at a time.
const WORKERS: usize = 3;

// --- the normalisation and the comparison --------------------------------------------------------

/// Map fields whose keys are data (names, ports, paths, label keys) rather than field names: an
/// entry is kept whatever its value, since `-l key` sends `"key": ""`, `--tmpfs /run` sends
/// `"/run": ""` and `--expose 80` sends `"80/tcp": {}`.
const KEYED_BY_DATA: &[&str] = &[
    "Labels",
    "ExposedPorts",
    "Volumes",
    "Tmpfs",
    "Sysctls",
    "StorageOpt",
    "PortBindings",
    "Config", // of LogConfig: the --log-opt values
    "DriverOpts",
    "Options",
];

/// Fields whose empty or zero value is a setting, not an absence, so it is kept:
/// `--security-opt systempaths=unconfined` sends `[]` (mask nothing) where the default is `null`,
/// `--memory-swappiness=0` and `--stop-timeout=0` differ from leaving them out.
const ZERO_IS_A_SETTING: &[&str] = &[
    "MaskedPaths",
    "ReadonlyPaths",
    "MemorySwappiness",
    "StopTimeout",
];

/// Arrays docker itself sends in no fixed order, because it gathers them through Go maps: `-e`
/// values pass through a map (which also keeps only the last of a repeated name) and `-v` binds
/// are read out of one. Their order means nothing, so they are compared sorted.
const UNORDERED: &[&str] = &["Env", "Binds"];

/// A body as compared: null, "", false, 0 and empty arrays and objects are dropped, recursively,
/// as docker spells out every field that a client may equally leave out. The exceptions all keep
/// more than that rule would, but for the first:
/// - the arrays in [`UNORDERED`] are sorted, as docker's own order changes from run to run;
/// - entries of the maps in [`KEYED_BY_DATA`] are kept, empty or not;
/// - the fields in [`ZERO_IS_A_SETTING`] are kept unless null;
/// - arrays keep their elements in place (`--entrypoint ""` sends `[""]`, meaning no entrypoint,
///   and `-p 80` sends `[{"HostIp": "", "HostPort": ""}]`); an array is dropped only when it is
///   empty or holds nothing but null, false and 0 (docker's `ConsoleSize` of `[0, 0]`).
///
/// `None` when nothing is left.
fn normalise(value: &Value) -> Option<Value> {
    match value {
        Value::Null | Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) if n.as_f64() == Some(0.0) => None,
        Value::Array(items) => {
            let blank = |v: &Value| {
                matches!(v, Value::Null | Value::Bool(false))
                    || matches!(v, Value::Number(n) if n.as_f64() == Some(0.0))
            };
            if items.iter().all(blank) {
                return None;
            }
            Some(Value::Array(items.iter().map(in_place).collect()))
        }
        Value::Object(fields) => {
            let kept: serde_json::Map<String, Value> = fields
                .iter()
                .filter_map(|(key, field)| {
                    let field = if UNORDERED.contains(&key.as_str()) {
                        sorted(field)
                    } else if KEYED_BY_DATA.contains(&key.as_str()) {
                        normalise_entries(field)
                    } else if ZERO_IS_A_SETTING.contains(&key.as_str()) && !field.is_null() {
                        Some(field.clone())
                    } else {
                        normalise(field)
                    }?;
                    Some((key.clone(), field))
                })
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

/// An array normalised and put in order.
fn sorted(array: &Value) -> Option<Value> {
    let mut normalised = normalise(array)?;
    if let Value::Array(items) = &mut normalised {
        items.sort_by_key(|item| item.to_string());
    }
    Some(normalised)
}

/// An array element: normalised, but never removed, so positions hold.
fn in_place(item: &Value) -> Value {
    match item {
        Value::Object(_) | Value::Array(_) => normalise(item).unwrap_or_else(|| match item {
            Value::Object(_) => json!({}),
            _ => json!([]),
        }),
        other => other.clone(),
    }
}

/// A map keyed by data: every entry stays, its value normalised where something is left.
fn normalise_entries(map: &Value) -> Option<Value> {
    let Value::Object(entries) = map else {
        return normalise(map);
    };
    let kept: serde_json::Map<String, Value> = entries
        .iter()
        .map(|(key, value)| {
            (
                key.clone(),
                normalise(value).unwrap_or_else(|| value.clone()),
            )
        })
        .collect();
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// Every place where two normalised bodies differ, as `path: docker <value>, <ours> <value>`.
fn differences(docker: Option<&Value>, ours: Option<&Value>, ours_name: &str) -> Vec<String> {
    let mut out = Vec::new();
    walk("", docker, ours, ours_name, &mut out);
    out
}

fn walk(
    path: &str,
    docker: Option<&Value>,
    ours: Option<&Value>,
    ours_name: &str,
    out: &mut Vec<String>,
) {
    let fields = |v: Option<&Value>| match v {
        Some(Value::Object(fields)) => Some(fields.clone()),
        None => Some(serde_json::Map::new()),
        Some(_) => None,
    };
    // Objects are walked into even when one side lacks them, so that each field is named.
    if docker.is_some_and(Value::is_object) || ours.is_some_and(Value::is_object) {
        if let (Some(a), Some(b)) = (fields(docker), fields(ours)) {
            let reported = out.len();
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(&path, a.get(key), b.get(key), ours_name, out);
            }
            // `{}` against nothing has no fields to name, but is a difference.
            if out.len() > reported || docker == ours {
                return;
            }
        }
    }
    match (docker, ours) {
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(&format!("{path}[{i}]"), Some(x), Some(y), ours_name, out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => {
            let show = |v: Option<&Value>| v.map_or("(absent)".to_string(), |v| v.to_string());
            let path = if path.is_empty() { "(body)" } else { path };
            out.push(format!(
                "{path}: docker {}, {ours_name} {}",
                show(a),
                show(b)
            ));
        }
    }
}

/// A query string as a map of its decoded, non-empty parameters.
fn query_parameters(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent_decode(key), percent_decode(value));
            (!key.is_empty() && !value.is_empty()).then_some((key, value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// --- the command lines ---------------------------------------------------------------------------

/// Splits a line into words as a POSIX shell would for the quoting the corpus uses: single
/// quotes, double quotes with `\"` and `\\` inside, and backslash escapes outside quotes.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some(next @ ('"' | '\\' | '$' | '`')) => word.push(next),
                            Some(next) => {
                                word.push('\\');
                                word.push(next);
                            }
                            None => word.push('\\'),
                        },
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(next) = chars.next() {
                    word.push(next);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The arguments after `docker run`, with `{dir}` filled in.
fn run_arguments(line: &str, dir: &Path) -> Vec<String> {
    let words = shell_words(line);
    assert!(
        words.len() > 2 && words[0] == "docker" && words[1] == "run",
        "corpus line does not start with `docker run`: {line}"
    );
    let dir = dir.display().to_string();
    words[2..]
        .iter()
        .map(|w| w.replace("{dir}", &dir))
        .collect()
}

/// What `docker run --help` lists: long name, short letter, whether it takes a value.
#[derive(Debug)]
struct HelpOption {
    long: String,
    short: Option<char>,
    takes_value: bool,
}

fn parse_help(help: &str) -> Vec<HelpOption> {
    help.lines()
        .filter_map(|line| {
            let indent = line.len() - line.trim_start().len();
            let mut words = line.split_whitespace().peekable();
            let first = *words.peek()?;
            // Option lines are indented a little; wrapped descriptions (which may start with
            // "-1 for unlimited") a lot.
            if indent > 8 || !first.starts_with('-') {
                return None;
            }
            let short = first
                .strip_suffix(',')
                .and_then(|s| s.strip_prefix('-'))
                .filter(|s| s.len() == 1)
                .and_then(|s| s.chars().next());
            if short.is_some() {
                words.next();
            }
            let long = words.next()?.strip_prefix("--")?.to_string();
            // A value's type is a lowercase word; descriptions start with a capital.
            let takes_value = words
                .next()
                .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()));
            Some(HelpOption {
                long,
                short,
                takes_value,
            })
        })
        .collect()
}

/// The options a line uses, as `--long` and `-s`, and its image; unknown options are errors.
fn options_used(line: &str, options: &[HelpOption]) -> Result<(BTreeSet<String>, String), String> {
    let words = run_arguments(line, Path::new("/dir"));
    let value_of_long = |name: &str| {
        HIDDEN.contains(&format!("--{name}").as_str())
            || options.iter().any(|o| o.long == name && o.takes_value)
    };
    let mut used = BTreeSet::new();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, _)) => (name, true),
                None => (long, false),
            };
            let known = HIDDEN.contains(&format!("--{name}").as_str())
                || options.iter().any(|o| o.long == name);
            if !known {
                return Err(format!("unknown option --{name}"));
            }
            used.insert(format!("--{name}"));
            if value_of_long(name) && !inline {
                words.next();
            }
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) {
            for (at, letter) in cluster.char_indices() {
                let Some(option) = options.iter().find(|o| o.short == Some(letter)) else {
                    return Err(format!("unknown option -{letter} in {word}"));
                };
                used.insert(format!("-{letter}"));
                if option.takes_value {
                    if at + letter.len_utf8() == cluster.len() {
                        words.next();
                    }
                    break;
                }
            }
        } else {
            return Ok((used, word.clone()));
        }
    }
    Err("no image".into())
}

// --- running a line ------------------------------------------------------------------------------

/// Whether the options before the image give -i or -t (alone, in a cluster such as `-dit`, or
/// long). The image is always busybox (see `assert_corpus_is_safe`).
fn asks_for_stdin_or_tty(args: &[String]) -> bool {
    // docker run's short options that take a value: a letter after one of these is its value.
    const TAKES_VALUE: &str = "acehlmpuvw";
    for word in args {
        if word == "busybox" || word.starts_with("busybox:") {
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or_default();
            let value = long.split_once('=').map(|(_, v)| v);
            if (name == "interactive" || name == "tty") && value != Some("false") {
                return true;
            }
        } else if let Some(cluster) = word.strip_prefix('-') {
            if !cluster.chars().all(|c| c.is_ascii_alphabetic()) {
                continue;
            }
            for letter in cluster.chars() {
                if letter == 'i' || letter == 't' {
                    return true;
                }
                if TAKES_VALUE.contains(letter) {
                    break;
                }
            }
        }
    }
    false
}

/// What one client did with one line.
struct Run {
    /// `None` when it had not exited within [`RUN_TIMEOUT`].
    status: Option<i32>,
    creates: Vec<Recorded>,
    requests: Vec<String>,
    pulls: usize,
    stderr: String,
    /// Files and directories the run left in its directory.
    left: BTreeSet<String>,
}

/// The line's directory and what both runs share.
struct Place {
    /// Where both runs start: the fixtures, and whatever a run leaves.
    work: std::path::PathBuf,
    /// The proxy's socket, at the same path for both runs (`--use-api-socket` names it).
    socket: std::path::PathBuf,
    /// An empty docker configuration directory: no contexts, no credentials.
    config: std::path::PathBuf,
    stderr: std::path::PathBuf,
}

impl Place {
    fn new(base: &Path, n: usize) -> Place {
        let root = base.join(n.to_string());
        let work = root.join("w");
        for dir in FIXTURE_DIRS {
            std::fs::create_dir_all(work.join(dir)).expect("creating a fixture directory");
        }
        for (name, text) in FIXTURES {
            std::fs::write(work.join(name), text).expect("writing a fixture");
        }
        let config = root.join("config");
        std::fs::create_dir_all(&config).expect("creating the docker config directory");
        Place {
            socket: root.join("engine.sock"),
            stderr: root.join("stderr"),
            work,
            config,
        }
    }

    fn listing(&self) -> BTreeSet<String> {
        std::fs::read_dir(&self.work)
            .map(|entries| {
                entries
                    .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Runs `program run ARGS` on a 24x80 terminal in the line's directory, against a fresh proxy.
fn invoke(program: &str, args: &[String], place: &Place) -> Run {
    let before = place.listing();
    let proxy = RecordingProxy::start_at(&place.socket);
    // The shell reports the status after the program, so a program that never exits is a
    // timeout here rather than a hang; stderr goes to a file to be judged apart from stdout.
    //
    // With neither -i nor -t, dpty follows the terminal (README, "Defaults"; tests/defaults.rs)
    // while docker never does; such a line runs with stdin away from the terminal, where both
    // mean the same, and stdout on it, so the terminal's size is still sent.
    let script = r#"cd "$1" || exit 97; err=$2; input=$3; shift 3; "$@" 2>"$err" <"$input"; echo "@@exit=$?@@""#;
    let mut argv: Vec<String> = ["sh", "-c", script, "sh"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    argv.push(place.work.display().to_string());
    argv.push(place.stderr.display().to_string());
    argv.push(
        if asks_for_stdin_or_tty(args) {
            "/dev/tty"
        } else {
            "/dev/null"
        }
        .into(),
    );
    argv.push("env".into());
    for name in UNSET {
        argv.extend(["-u".to_string(), name.to_string()]);
    }
    argv.push(format!("DOCKER_HOST={}", proxy.host()));
    argv.push(format!("DOCKER_CONFIG={}", place.config.display()));
    for (name, value) in ENVIRONMENT {
        argv.push(format!("{name}={value}"));
    }
    argv.push(program.to_string());
    argv.push("run".into());
    argv.extend(args.iter().cloned());
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();

    let mut pty = Pty::spawn(&argv, 24, 80);
    let status = pty
        .try_expect("@@exit=", RUN_TIMEOUT)
        .and_then(|_| pty.try_expect("@@", Duration::from_secs(5)))
        .and_then(|code| code.trim_end_matches("@@").trim().parse().ok());
    drop(pty);
    let run = Run {
        status,
        creates: proxy.take_creates(),
        requests: proxy.requests(),
        pulls: proxy.pulls(),
        stderr: std::fs::read_to_string(&place.stderr).unwrap_or_default(),
        left: place.listing().difference(&before).cloned().collect(),
    };
    drop(proxy);
    // What docker left stays out of the way of the second run, and is reported by comparison.
    for name in &run.left {
        let _ = std::fs::remove_file(place.work.join(name));
    }
    let _ = std::fs::remove_file(&place.stderr);
    run
}

/// The binary under test, as named in reports.
fn ours() -> String {
    Path::new(&bin())
        .file_name()
        .map_or_else(bin, |name| name.to_string_lossy().into_owned())
}

/// The lines of a client's error output that are its message: docker follows a flag error with
/// its usage line, and every error with a pointer to `--help`; neither counts.
fn message_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| !l.starts_with("Usage:"))
        .filter(|l| !((l.starts_with("See '") || l.starts_with("Run '")) && l.contains("--help")))
        .collect()
}

fn show_status(status: Option<i32>) -> String {
    status.map_or_else(
        || format!("no exit within {RUN_TIMEOUT:?}"),
        |s| s.to_string(),
    )
}

fn show_stderr(stderr: &str) -> String {
    let text = escape(stderr.trim_end().as_bytes());
    if text.len() > 600 {
        format!("{}...", &text[..600])
    } else {
        text
    }
}

/// Everything that differs between docker's run of a good line and ours.
/// For a line the docker CLI cannot send to this engine: ours reaches create and exits as refused.
fn reaches_create(theirs: &Run) -> Vec<String> {
    if theirs.status == Some(125) && theirs.creates.len() == 1 {
        return Vec::new();
    }
    vec![format!(
        "{} did not reach create (status {}, {} creates): {}",
        ours(),
        show_status(theirs.status),
        theirs.creates.len(),
        show_stderr(&theirs.stderr)
    )]
}

fn compare_good(docker: &Run, theirs: &Run) -> Vec<String> {
    let name = ours();
    let mut problems = Vec::new();
    if docker.status != Some(125) || docker.creates.len() != 1 {
        problems.push(format!(
            "corpus: docker did not reach create and fail as refused (status {}, {} creates): {}",
            show_status(docker.status),
            docker.creates.len(),
            show_stderr(&docker.stderr)
        ));
    }
    if theirs.status != docker.status {
        problems.push(format!(
            "exit status: docker {}, {name} {}",
            show_status(docker.status),
            show_status(theirs.status)
        ));
    }
    if theirs.creates.len() != docker.creates.len() {
        problems.push(format!(
            "create requests: docker {}, {name} {} (its requests: {})",
            docker.creates.len(),
            theirs.creates.len(),
            theirs.requests.join(", ")
        ));
    }
    for (a, b) in docker.creates.iter().zip(&theirs.creates) {
        let (qa, qb) = (query_parameters(&a.query), query_parameters(&b.query));
        if qa != qb {
            problems.push(format!("query: docker {qa:?}, {name} {qb:?}"));
        }
        let (na, nb) = (normalise(&a.body), normalise(&b.body));
        for difference in differences(na.as_ref(), nb.as_ref(), &name) {
            problems.push(format!("body {difference}"));
        }
    }
    if theirs.pulls > 0 {
        problems.push(format!(
            "{name} asked the engine to pull {} time(s)",
            theirs.pulls
        ));
    }
    if theirs.left != docker.left {
        problems.push(format!(
            "files left behind: docker {:?}, {name} {:?}",
            docker.left, theirs.left
        ));
    }
    if !problems.is_empty() && !theirs.stderr.trim().is_empty() {
        problems.push(format!("{name} stderr: {}", show_stderr(&theirs.stderr)));
    }
    problems
}

/// Everything wrong with the runs of a line docker refuses.
fn compare_bad(case: &Bad, docker: &Run, theirs: &Run) -> Vec<String> {
    let name = ours();
    let mut problems = Vec::new();
    let docker_as_expected = if case.docker_sends {
        docker.status == Some(case.status) && docker.creates.len() == 1
    } else {
        docker.status == Some(case.status)
            && docker.creates.is_empty()
            && docker.stderr.contains(case.names)
    };
    if !docker_as_expected {
        problems.push(format!(
            "corpus: docker did not refuse with {} naming {:?} (status {}, {} creates): {}",
            case.status,
            case.names,
            show_status(docker.status),
            docker.creates.len(),
            show_stderr(&docker.stderr)
        ));
    }
    if theirs.status != Some(case.status) {
        problems.push(format!(
            "exit status: docker {}, {name} {}",
            case.status,
            show_status(theirs.status)
        ));
    }
    if !theirs.creates.is_empty() || theirs.pulls > 0 {
        problems.push(format!(
            "{name} sent {} create(s) and {} pull(s) for a line docker refuses",
            theirs.creates.len(),
            theirs.pulls
        ));
    }
    let lines = message_lines(&theirs.stderr);
    if lines.len() != 1 || !lines[0].contains(case.names) {
        problems.push(format!(
            "{name} should print one line naming {:?}; it printed: {}",
            case.names,
            show_stderr(&theirs.stderr)
        ));
    }
    problems
}

/// Runs `check` on every line index, `WORKERS` at a time; returns the problems of each line that
/// has some, in corpus order.
fn check_all(
    count: usize,
    check: impl Fn(usize) -> Vec<String> + Sync,
) -> Vec<(usize, Vec<String>)> {
    let next = AtomicUsize::new(0);
    let found = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= count {
                    break;
                }
                let problems = check(n);
                if !problems.is_empty() {
                    found.lock().unwrap().push((n, problems));
                }
            });
        }
    });
    let mut found = found.into_inner().unwrap();
    found.sort_by_key(|(n, _)| *n);
    found
}

fn report(
    kind: &str,
    total: usize,
    failures: &[(usize, Vec<String>)],
    line: impl Fn(usize) -> (String, String),
) -> String {
    let mut out = format!(
        "{} of {total} {kind} are not at parity with docker (binary under test: {}):\n",
        failures.len(),
        bin()
    );
    for (n, problems) in failures {
        let (text, source) = line(*n);
        out.push_str(&format!("\n#{n} {text}\n   source: {source}\n"));
        for problem in problems {
            out.push_str(&format!("   - {problem}\n"));
        }
    }
    out
}

/// Refuses to run a corpus that could make the engine reach a registry or create for real.
fn assert_corpus_is_safe() {
    let options = parse_help(&docker_run_help());
    let lines = GOOD
        .iter()
        .map(|g| g.line)
        .chain(BAD.iter().map(|b| b.line));
    for line in lines {
        let words = run_arguments(line, Path::new("/dir"));
        let image = options_used(line, &options).map(|(_, image)| image);
        assert!(
            matches!(image.as_deref(), Ok("busybox" | "busybox:latest")),
            "{line}: only the local busybox image may be used ({image:?})"
        );
        assert!(
            !words
                .windows(2)
                .any(|w| w[0] == "--pull" && w[1] == "always")
                && !words.iter().any(|w| w == "--pull=always"),
            "{line}: --pull always could reach a registry"
        );
    }
}

/// The engine's API version, as `(major, minor)`.
fn engine_api_version() -> (u32, u32) {
    let out = support::docker(&["version", "--format", "{{.Server.APIVersion}}"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let parsed = text
        .trim()
        .split_once('.')
        .and_then(|(major, minor)| Some((major.parse().ok()?, minor.parse().ok()?)));
    parsed.unwrap_or_else(|| {
        panic!(
            "no API version from the engine: {}",
            support::describe(&out)
        )
    })
}

/// Every option of `docker run`: with no engine to ask, docker lists them all, including those
/// it hides when the engine is too old for them or runs another operating system.
fn docker_run_help() -> String {
    let out = Command::new("docker")
        .args(["run", "--help"])
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .expect("running `docker run --help`");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

// --- the tests -----------------------------------------------------------------------------------

#[test]
fn every_line_docker_sends_is_sent_the_same() {
    support::docker_host();
    assert_corpus_is_safe();
    let base = TempDir::new("parity");
    let program = bin();
    let failures = check_all(GOOD.len(), |n| {
        let place = Place::new(base.path(), n);
        let args = run_arguments(GOOD[n].line, &place.work);
        let docker = invoke("docker", &args, &place);
        let theirs = invoke(&program, &args, &place);
        if support::is_podman() && docker.stderr.contains("unknown server OS") {
            // The docker CLI checks --device against the OS the engine's ping reports, and
            // Podman's reports none, so docker gives up before sending; dpty sends it.
            return reaches_create(&theirs);
        }
        compare_good(&docker, &theirs)
    });
    assert!(
        failures.is_empty(),
        "{}",
        report("lines", GOOD.len(), &failures, |n| (
            GOOD[n].line.to_string(),
            GOOD[n].source.to_string()
        ))
    );
}

#[test]
fn every_line_docker_refuses_is_refused_the_same() {
    support::docker_host();
    assert_corpus_is_safe();
    let base = TempDir::new("refusal");
    let program = bin();
    let api = engine_api_version();
    let failures = check_all(BAD.len(), |n| {
        let place = Place::new(base.path(), n);
        let args = run_arguments(BAD[n].line, &place.work);
        let docker = invoke("docker", &args, &place);
        let theirs = invoke(&program, &args, &place);
        match BAD[n].refused_below {
            Some(version) if api >= version => compare_good(&docker, &theirs),
            _ if BAD[n].windows_only && support::is_podman() => compare_good(&docker, &theirs),
            _ => compare_bad(&BAD[n], &docker, &theirs),
        }
    });
    assert!(
        failures.is_empty(),
        "{}",
        report("refused lines", BAD.len(), &failures, |n| (
            BAD[n].line.to_string(),
            BAD[n].source.to_string()
        ))
    );
}

#[test]
fn the_corpus_uses_every_option_of_docker_run_help() {
    let options = parse_help(&docker_run_help());
    assert!(
        options.len() > 90
            && options
                .iter()
                .any(|o| o.long == "add-host" && o.takes_value),
        "`docker run --help` did not parse as expected: {options:?}"
    );
    assert!(GOOD.len() >= 70, "only {} good lines", GOOD.len());
    assert!(BAD.len() >= 8, "only {} refused lines", BAD.len());
    let mut used = BTreeSet::new();
    let mut errors = Vec::new();
    for line in GOOD
        .iter()
        .map(|g| g.line)
        .chain(BAD.iter().map(|b| b.line))
    {
        match options_used(line, &options) {
            Ok((options, _)) => used.extend(options),
            Err(error) => errors.push(format!("{line}: {error}")),
        }
    }
    for option in &options {
        let long = format!("--{}", option.long);
        if NOT_IN_CORPUS.iter().any(|(name, _)| *name == long) {
            continue;
        }
        if !used.contains(&long) {
            errors.push(format!("{long} is used by no line"));
        }
        if let Some(short) = option.short {
            if !used.contains(&format!("-{short}")) {
                errors.push(format!("-{short} (short for {long}) is used by no line"));
            }
        }
    }
    for hidden in HIDDEN {
        if !used.contains(*hidden) {
            errors.push(format!("{hidden} is used by no line"));
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn normalising_drops_what_a_client_may_leave_out_and_keeps_settings() {
    for (body, want) in [
        (
            json!({"A": null, "B": "", "C": false, "D": 0, "E": [], "F": {}}),
            json!(null),
        ),
        (
            json!({"HostConfig": {"LogConfig": {"Type": "", "Config": {}}}}),
            json!(null),
        ),
        (
            json!({"HostConfig": {"ConsoleSize": [0, 0], "Memory": 5}}),
            json!({"HostConfig": {"Memory": 5}}),
        ),
        (json!({"Entrypoint": [""]}), json!({"Entrypoint": [""]})),
        (
            json!({"Cmd": ["sh", "-c", ""]}),
            json!({"Cmd": ["sh", "-c", ""]}),
        ),
        (
            json!({"Labels": {"my-label": ""}}),
            json!({"Labels": {"my-label": ""}}),
        ),
        (
            json!({"ExposedPorts": {"80/tcp": {}}}),
            json!({"ExposedPorts": {"80/tcp": {}}}),
        ),
        (
            json!({"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}}),
            json!({"PortBindings": {"80/tcp": [{}]}}),
        ),
        (
            json!({"MaskedPaths": [], "ReadonlyPaths": null}),
            json!({"MaskedPaths": []}),
        ),
        (
            json!({"MemorySwappiness": 0, "StopTimeout": 0}),
            json!({"MemorySwappiness": 0, "StopTimeout": 0}),
        ),
        (
            json!({"MemorySwappiness": -1}),
            json!({"MemorySwappiness": -1}),
        ),
        (
            json!({"Mounts": [{"Type": "bind", "BindOptions": {}}]}),
            json!({"Mounts": [{"Type": "bind"}]}),
        ),
        (
            json!({"EndpointsConfig": {"default": {"Links": null, "MacAddress": ""}}}),
            json!(null),
        ),
    ] {
        assert_eq!(
            normalise(&body).unwrap_or(Value::Null),
            want,
            "normalising {body}"
        );
    }
}

#[test]
fn different_bodies_are_reported_field_by_field() {
    let docker = json!({
        "Image": "busybox",
        "Env": ["A=1", "B=2"],
        "HostConfig": {"Memory": 314572800, "Binds": ["/a:/b"], "Privileged": false},
    });
    let ours = json!({
        "Image": "busybox",
        "Env": ["A=1", "B=3"],
        "HostConfig": {"Binds": ["/a:/b", "/c:/d"], "Privileged": true},
        "Tty": true,
    });
    let (a, b) = (normalise(&docker), normalise(&ours));
    assert_eq!(
        differences(a.as_ref(), b.as_ref(), "dpty"),
        [
            "Env[1]: docker \"B=2\", dpty \"B=3\"",
            "HostConfig.Binds: docker [\"/a:/b\"], dpty [\"/a:/b\",\"/c:/d\"]",
            "HostConfig.Memory: docker 314572800, dpty (absent)",
            "HostConfig.Privileged: docker (absent), dpty true",
            "Tty: docker (absent), dpty true",
        ]
    );
    assert_eq!(
        differences(
            Some(&json!({"HostConfig": {"Init": true, "Memory": 5}})),
            None,
            "dpty"
        ),
        [
            "HostConfig.Init: docker true, dpty (absent)",
            "HostConfig.Memory: docker 5, dpty (absent)",
        ]
    );
    assert_eq!(
        differences(Some(&json!({"ExposedPorts": {"80/tcp": {}}})), None, "dpty"),
        ["ExposedPorts.80/tcp: docker {}, dpty (absent)"]
    );
    assert!(differences(a.as_ref(), a.as_ref(), "dpty").is_empty());
    // Zero values spelled out by one side only are no difference.
    let verbose = json!({"Image": "busybox", "Env": null, "HostConfig": {"Memory": 0, "Dns": []}});
    let terse = json!({"Image": "busybox"});
    assert!(differences(
        normalise(&verbose).as_ref(),
        normalise(&terse).as_ref(),
        "dpty"
    )
    .is_empty());
    // And a line at parity except for one field is reported, with that field.
    let run = |body: Value| Run {
        status: Some(125),
        creates: vec![Recorded {
            query: "name=web".into(),
            body,
        }],
        requests: Vec::new(),
        pulls: 0,
        stderr: String::new(),
        left: BTreeSet::new(),
    };
    let problems = compare_good(&run(docker.clone()), &run(ours));
    assert!(
        problems.iter().any(|p| p.contains("HostConfig.Memory")),
        "{problems:?}"
    );
    assert!(compare_good(&run(docker.clone()), &run(docker)).is_empty());
}

#[test]
fn queries_compare_by_their_decoded_parameters() {
    assert_eq!(
        query_parameters("platform=linux%2Famd64&name=web"),
        query_parameters("name=web&platform=linux/amd64")
    );
    assert_eq!(query_parameters("name="), query_parameters(""));
    assert_ne!(query_parameters("name=a"), query_parameters("name=b"));
}

#[test]
fn lines_with_i_or_t_keep_stdin_on_the_terminal() {
    let words = |line: &str| run_arguments(line, Path::new("/dir"));
    for line in [
        "docker run -it busybox sh",
        "docker run -dit --name x busybox sh",
        "docker run --rm -i busybox cat",
        "docker run --tty busybox sh",
        "docker run -e A=1 -t busybox sh",
    ] {
        assert!(asks_for_stdin_or_tty(&words(line)), "{line}");
    }
    for line in [
        "docker run -d busybox sleep 1",
        "docker run -e TZ=x busybox -it",
        "docker run -p 80:80 -w /tmp busybox true",
        "docker run --interactive=false busybox true",
        "docker run -a stdout busybox echo -t",
        "docker run --memory-swap -1 busybox true",
    ] {
        assert!(!asks_for_stdin_or_tty(&words(line)), "{line}");
    }
}

#[test]
fn lines_split_into_words_as_a_shell_splits_them() {
    for (line, want) in [
        (
            "docker run -e 'A=b c' busybox",
            &["docker", "run", "-e", "A=b c", "busybox"][..],
        ),
        (
            r#"docker run --gpus '"device=0,2"' x"#,
            &["docker", "run", "--gpus", "\"device=0,2\"", "x"],
        ),
        (
            r#"docker run --entrypoint="" x"#,
            &["docker", "run", "--entrypoint=", "x"],
        ),
        (
            r#"docker run --network=name=n,\"driver-opt=a=1,b=2\",ip=1 x"#,
            &[
                "docker",
                "run",
                "--network=name=n,\"driver-opt=a=1,b=2\",ip=1",
                "x",
            ],
        ),
        (
            r#"docker run -e "A=\"q\" \\ \x" x"#,
            &["docker", "run", "-e", "A=\"q\" \\ \\x", "x"],
        ),
    ] {
        assert_eq!(shell_words(line), want, "{line}");
    }
}

#[test]
fn error_output_is_judged_by_its_message_lines() {
    let docker = "invalid argument \"12qq\" for \"-m, --memory\" flag: invalid suffix: 'qq'\n\n\
                  Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n\
                  Run 'docker run --help' for more information\n";
    assert_eq!(message_lines(docker).len(), 1);
    assert_eq!(
        message_lines("dpty: bad size 12qq\nSee 'dpty run --help'.\n"),
        ["dpty: bad size 12qq"]
    );
    assert_eq!(message_lines("one\ntwo\n").len(), 2);
}

#[test]
fn the_proxy_records_creates_refuses_pulls_and_forwards_the_rest() {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;

    support::docker_host();
    let proxy = RecordingProxy::start();
    let socket = proxy.host().trim_start_matches("unix://").to_string();
    let exchange = |request: &str| {
        let mut stream = UnixStream::connect(&socket).expect("connecting to the proxy");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("reading the response to its end");
        response
    };
    let refused = exchange(
        "POST /v1.41/containers/create?name=web HTTP/1.1\r\nHost: docker\r\n\
         Transfer-Encoding: chunked\r\n\r\n5\r\n{\"Ima\r\ne\r\nge\":\"busybox\"}\r\n0\r\n\r\n",
    );
    assert!(refused.starts_with("HTTP/1.1 400 "), "{refused}");
    assert!(
        refused.contains("create refused by the recording proxy"),
        "{refused}"
    );
    let pull = exchange("POST /images/create?fromImage=x HTTP/1.1\r\nHost: docker\r\n\r\n");
    assert!(pull.starts_with("HTTP/1.1 400 "), "{pull}");
    let ping = exchange("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
    assert!(ping.starts_with("HTTP/1.1 200 "), "{ping}");
    assert!(ping.ends_with("OK"), "{ping}");
    let creates = proxy.take_creates();
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].query, "name=web");
    assert_eq!(creates[0].body, json!({"Image": "busybox"}));
    assert_eq!(proxy.pulls(), 1);
    assert_eq!(proxy.requests().len(), 3);
    assert!(proxy.take_creates().is_empty());
}
