//! `-p/--publish` and `--expose`, turned into the exposed ports and port
//! bindings the docker CLI puts in its create request (`nat.ParsePortSpecs`
//! in go-connections, and the `--expose` loop of `opts.go`).
//!
//! A publish spec is `[ip:][host_port:]container_port[/proto]`, where both
//! ports may be ranges, or the long form `target=80,published=8080,
//! protocol=udp` that docker rewrites to the short one first. A container
//! range is expanded into one binding per port; a host range against a
//! single container port is kept as the range, for the engine to pick a
//! free port in it. Every published port is exposed too. `--expose` adds
//! ports (or ranges) without bindings.

use std::collections::BTreeSet;
use std::net::IpAddr;

use bollard::models::{PortBinding, PortMap};
use serde_json::json;

use super::go::parse_uint;
use super::{empty_objects, invalid_argument, to_value, Body};
use crate::cli::ContainerArgs;

const PUBLISH: &str = "-p, --publish";
const EXPOSE: &str = "--expose";

/// What the port options put in the create request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ports {
    /// `Config.ExposedPorts`, as "80/tcp" keys, sorted and without
    /// duplicates, in the order docker's JSON lists them.
    pub exposed: Vec<String>,
    /// `HostConfig.PortBindings`: for each container port, its bindings in
    /// the order they were given. docker sends the host IP and port even
    /// when they are empty (meaning "any address", "any free port").
    pub bindings: PortMap,
}

/// `-p`, `-P` and `--expose`.
pub(super) fn publishing(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let ports = ports(&c.publish, &c.expose, c.publish_all)?;
    if !ports.exposed.is_empty() {
        body.config(json!({ "ExposedPorts": empty_objects(&ports.exposed) }));
    }
    body.host(json!({
        "PortBindings": to_value(&ports.bindings),
        "PublishAllPorts": c.publish_all,
    }));
    Ok(())
}

/// The values of `-p` (`publish`) and `--expose`, in command-line order.
///
/// `publish_all` (`-P`) changes nothing here: docker sends it on its own as
/// `HostConfig.PublishAllPorts`, and the engine then binds every exposed
/// port to a free host port when the container starts.
pub fn ports(publish: &[String], expose: &[String], publish_all: bool) -> Result<Ports, String> {
    let _ = publish_all;
    // docker rewrites every long-form spec before parsing any of them, so
    // a malformed long form is reported before a bad short one.
    let specs = publish
        .iter()
        .map(|value| standard_notation(value).map_err(|why| invalid_argument(PUBLISH, value, &why)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut exposed = BTreeSet::new();
    let mut bindings = PortMap::new();
    for (value, spec) in publish.iter().zip(&specs) {
        let mappings = port_spec(spec).map_err(|why| invalid_argument(PUBLISH, value, &why))?;
        for (port, binding) in mappings {
            exposed.insert(port.clone());
            bindings
                .entry(port)
                .or_insert_with(|| Some(Vec::new()))
                .get_or_insert_with(Vec::new)
                .push(binding);
        }
    }
    for value in expose {
        let ports = exposed_ports(value).map_err(|why| invalid_argument(EXPOSE, value, &why))?;
        exposed.extend(ports);
    }
    Ok(Ports {
        exposed: exposed.into_iter().collect(),
        bindings,
    })
}

/// The long form `target=80,published=8080,protocol=udp` as the short
/// `8080:80/udp`; anything without `=` is already short. Keys docker does
/// not use (`mode=host`, or any other) are accepted and ignored.
fn standard_notation(value: &str) -> Result<String, String> {
    if !value.contains('=') {
        return Ok(value.to_string());
    }
    let (mut published, mut target, mut protocol) = ("", "", "tcp");
    for param in value.split(',') {
        match param.split_once('=') {
            Some((key, value)) if !key.is_empty() => match key {
                "published" => published = value,
                "target" => target = value,
                "protocol" => protocol = value,
                _ => {}
            },
            _ => {
                return Err(format!(
                    "invalid publish opts format (should be name=value but got '{param}')"
                ))
            }
        }
    }
    Ok(format!("{published}:{target}/{protocol}"))
}

/// One short-form publish spec as (container port key, binding) pairs.
fn port_spec(raw: &str) -> Result<Vec<(String, PortBinding)>, String> {
    let (ip, host, container) = split_parts(raw);
    let (proto, container) = split_proto_port(container);
    let ip = match ip.strip_prefix('[') {
        Some(_) => bracketed_host(ip).map_err(|why| format!("invalid IP address {ip}: {why}"))?,
        None => ip.to_string(),
    };
    if !ip.is_empty() && ip.parse::<IpAddr>().is_err() {
        return Err(format!("invalid IP address: {ip}"));
    }
    if container.is_empty() {
        return Err(format!("no port specified: {raw}<empty>"));
    }
    let (start, end) =
        port_range(container).map_err(|_| format!("invalid containerPort: {container}"))?;
    let (host_start, host_end) = if host.is_empty() {
        (0, 0)
    } else {
        port_range(host).map_err(|_| format!("invalid hostPort: {host}"))?
    };
    // Ranges must match in size, unless a host range is given for a single
    // container port: the engine then picks one port in it.
    if !host.is_empty() && end - start != host_end - host_start && end != start {
        return Err(format!(
            "invalid ranges specified for container and host Ports: {container} and {host}"
        ));
    }
    let lower = proto.to_lowercase();
    if !matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let proto = lower;
    let mappings = (0..=end - start)
        .map(|offset| {
            let mut host_port = if host.is_empty() {
                String::new()
            } else {
                (host_start + offset).to_string()
            };
            if start == end && host_start != host_end {
                host_port = format!("{host_port}-{host_end}");
            }
            let binding = PortBinding {
                host_ip: Some(ip.clone()),
                host_port: Some(host_port),
            };
            (format!("{}/{proto}", start + offset), binding)
        })
        .collect();
    Ok(mappings)
}

/// Splits `ip:host:container` at its colons from the right, so an IPv6
/// address without brackets keeps its own colons (`::1:8080:80`).
fn split_parts(raw: &str) -> (&str, &str, &str) {
    let mut parts = raw.rsplitn(3, ':');
    let container = parts.next().unwrap_or_default();
    let host = parts.next().unwrap_or_default();
    let ip = parts.next().unwrap_or_default();
    (ip, host, container)
}

/// `80/udp` as ("udp", "80"); no protocol (or an empty one) means tcp, and
/// anything after a second `/` is ignored. An empty port gives ("", "").
fn split_proto_port(raw: &str) -> (&str, &str) {
    let mut parts = raw.split('/');
    let port = parts.next().unwrap_or_default();
    if port.is_empty() {
        return ("", "");
    }
    match parts.next() {
        None | Some("") => ("tcp", port),
        Some(proto) => (proto, port),
    }
}

/// The address inside `[...]`, checked as Go's `net.SplitHostPort` checks
/// `ip + ":"`, with its error text.
fn bracketed_host(ip: &str) -> Result<String, String> {
    let address = format!("{ip}:");
    let refuse = |why: &str| Err(format!("address {address}: {why}"));
    let Some(end) = address.find(']') else {
        return refuse("missing ']' in address");
    };
    if end + 2 != address.len() {
        return match address.as_bytes().get(end + 1) {
            Some(b':') => refuse("too many colons in address"),
            _ => refuse("missing port in address"),
        };
    }
    if address[1..].contains('[') {
        return refuse("unexpected '[' in address");
    }
    Ok(address[1..end].to_string())
}

/// A port or a `start-end` range of ports (only the first two parts of
/// `a-b-c` count, as in docker), with Go's error texts.
fn port_range(ports: &str) -> Result<(u64, u64), String> {
    let port = |text: &str| parse_uint(text, 10, 16).map_err(|e| e.describe("ParseUint", text));
    if ports.is_empty() {
        return Err("empty string specified for ports".to_string());
    }
    let Some((start, rest)) = ports.split_once('-') else {
        let single = port(ports)?;
        return Ok((single, single));
    };
    let end = rest.split('-').next().unwrap_or_default();
    let (start, end) = (port(start)?, port(end)?);
    if end < start {
        return Err(format!("invalid range specified for port: {ports}"));
    }
    Ok((start, end))
}

/// One `--expose` value as the port keys it exposes. Unlike `-p`, docker
/// takes the protocol as written, without checking or lowercasing it.
fn exposed_ports(value: &str) -> Result<Vec<String>, String> {
    if value.contains(':') {
        return Err(format!("invalid port format for --expose: {value}"));
    }
    let (proto, port) = split_proto_port(value);
    let (start, end) = port_range(port)
        .map_err(|why| format!("invalid range format for --expose: {value}, error: {why}"))?;
    Ok((start..=end)
        .map(|port| format!("{port}/{proto}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opts::go::go_quote;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    /// Bindings as (port, [(host ip, host port)]), for compact tables.
    type Bound<'a> = &'a [(&'a str, &'a [(&'a str, &'a str)])];

    fn bindings(bound: Bound) -> PortMap {
        bound
            .iter()
            .map(|(port, list)| {
                let list = list
                    .iter()
                    .map(|(ip, host)| PortBinding {
                        host_ip: Some(ip.to_string()),
                        host_port: Some(host.to_string()),
                    })
                    .collect();
                (port.to_string(), Some(list))
            })
            .collect()
    }

    #[test]
    fn publish_specs_become_dockers_bindings() {
        let cases: &[(&[&str], &[&str], Bound)] = &[
            (&["80"], &["80/tcp"], &[("80/tcp", &[("", "")])]),
            (&["8080:80"], &["80/tcp"], &[("80/tcp", &[("", "8080")])]),
            (
                &["127.0.0.1:8080:80"],
                &["80/tcp"],
                &[("80/tcp", &[("127.0.0.1", "8080")])],
            ),
            (
                &["127.0.0.1::80"],
                &["80/tcp"],
                &[("80/tcp", &[("127.0.0.1", "")])],
            ),
            (&[":80"], &["80/tcp"], &[("80/tcp", &[("", "")])]),
            (
                &["8080:80/udp"],
                &["80/udp"],
                &[("80/udp", &[("", "8080")])],
            ),
            (&["80/sctp"], &["80/sctp"], &[("80/sctp", &[("", "")])]),
            (&["80/UDP"], &["80/udp"], &[("80/udp", &[("", "")])]),
            (&["80/"], &["80/tcp"], &[("80/tcp", &[("", "")])]),
            (&["80/udp/x"], &["80/udp"], &[("80/udp", &[("", "")])]),
            (&["08080:80"], &["80/tcp"], &[("80/tcp", &[("", "8080")])]),
            (&["0:0"], &["0/tcp"], &[("0/tcp", &[("", "0")])]),
            (
                &["8000-8001:80-81"],
                &["80/tcp", "81/tcp"],
                &[("80/tcp", &[("", "8000")]), ("81/tcp", &[("", "8001")])],
            ),
            (
                &["80-81"],
                &["80/tcp", "81/tcp"],
                &[("80/tcp", &[("", "")]), ("81/tcp", &[("", "")])],
            ),
            (
                &["8000-8010:80"],
                &["80/tcp"],
                &[("80/tcp", &[("", "8000-8010")])],
            ),
            (
                &["8080-8080:80"],
                &["80/tcp"],
                &[("80/tcp", &[("", "8080")])],
            ),
            (
                &["1-2-3"],
                &["1/tcp", "2/tcp"],
                &[("1/tcp", &[("", "")]), ("2/tcp", &[("", "")])],
            ),
            (
                &["[::1]:8080:80"],
                &["80/tcp"],
                &[("80/tcp", &[("::1", "8080")])],
            ),
            (
                &["::1:8080:80"],
                &["80/tcp"],
                &[("80/tcp", &[("::1", "8080")])],
            ),
            (
                &["::ffff:1.2.3.4:80:80"],
                &["80/tcp"],
                &[("80/tcp", &[("::ffff:1.2.3.4", "80")])],
            ),
            (&["[]:80:80"], &["80/tcp"], &[("80/tcp", &[("", "80")])]),
            (
                &["target=80,published=8080,protocol=udp,mode=host"],
                &["80/udp"],
                &[("80/udp", &[("", "8080")])],
            ),
            (
                &["target=80,protocol=UDP"],
                &["80/udp"],
                &[("80/udp", &[("", "")])],
            ),
            (
                &["target=80,target=81"],
                &["81/tcp"],
                &[("81/tcp", &[("", "")])],
            ),
            // Repeats stay, in the order given.
            (
                &["80", "8080:80", "127.0.0.1:80:80", "80"],
                &["80/tcp"],
                &[(
                    "80/tcp",
                    &[("", ""), ("", "8080"), ("127.0.0.1", "80"), ("", "")],
                )],
            ),
            (&[], &[], &[]),
        ];
        for &(publish, exposed, bound) in cases {
            assert_eq!(
                ports(&strings(publish), &[], false),
                Ok(Ports {
                    exposed: strings(exposed),
                    bindings: bindings(bound),
                }),
                "{publish:?}"
            );
        }
    }

    #[test]
    fn expose_adds_ports_without_bindings() {
        let cases: &[(&[&str], &[&str])] = &[
            (&["80"], &["80/tcp"]),
            (&["80/udp"], &["80/udp"]),
            (&["7000-7002"], &["7000/tcp", "7001/tcp", "7002/tcp"]),
            // Taken as written: no check, no lowercasing.
            (&["80/foo"], &["80/foo"]),
            (&["80/UDP"], &["80/UDP"]),
            (&["80/"], &["80/tcp"]),
            (&["0"], &["0/tcp"]),
            (&["1-2-3"], &["1/tcp", "2/tcp"]),
            (&["90", "80", "90"], &["80/tcp", "90/tcp"]),
            (&["10000", "9"], &["10000/tcp", "9/tcp"]),
        ];
        for &(expose, exposed) in cases {
            assert_eq!(
                ports(&[], &strings(expose), true),
                Ok(Ports {
                    exposed: strings(exposed),
                    bindings: PortMap::new(),
                }),
                "{expose:?}"
            );
        }
    }

    #[test]
    fn exposed_and_published_ports_merge() {
        let result = ports(&strings(&["8080:80"]), &strings(&["80", "90"]), false);
        assert_eq!(
            result,
            Ok(Ports {
                exposed: strings(&["80/tcp", "90/tcp"]),
                bindings: bindings(&[("80/tcp", &[("", "8080")])]),
            })
        );
    }

    #[test]
    fn bad_publish_specs_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("", "no port specified: <empty>"),
            ("8080:", "no port specified: 8080:<empty>"),
            ("/udp", "no port specified: /udp<empty>"),
            ("abc", "invalid containerPort: abc"),
            ("70000", "invalid containerPort: 70000"),
            ("80-70", "invalid containerPort: 80-70"),
            ("-80", "invalid containerPort: -80"),
            ("abc:80", "invalid hostPort: abc"),
            ("8010-8000:80", "invalid hostPort: 8010-8000"),
            (
                "8000-8010:8000-8001",
                "invalid ranges specified for container and host Ports: 8000-8001 and 8000-8010",
            ),
            (
                "8000:80-81",
                "invalid ranges specified for container and host Ports: 80-81 and 8000",
            ),
            ("80/foo", "invalid proto: foo"),
            ("80/FOO", "invalid proto: FOO"),
            ("1.2.3.4.5:80:80", "invalid IP address: 1.2.3.4.5"),
            ("010.0.0.1:80:80", "invalid IP address: 010.0.0.1"),
            ("localhost:80:80", "invalid IP address: localhost"),
            (
                "[::1:80:80",
                "invalid IP address [::1: address [::1:: missing ']' in address",
            ),
            (
                "[::1]:5:8080:80",
                "invalid IP address [::1]:5: address [::1]:5:: too many colons in address",
            ),
            (
                "[::1]x:80:80",
                "invalid IP address [::1]x: address [::1]x:: missing port in address",
            ),
            (
                "[[::1]:80:80",
                "invalid IP address [[::1]: address [[::1]:: unexpected '[' in address",
            ),
            ("[::zz]:80:80", "invalid IP address: ::zz"),
            (
                "target=80,x",
                "invalid publish opts format (should be name=value but got 'x')",
            ),
            (
                "=1",
                "invalid publish opts format (should be name=value but got '=1')",
            ),
            ("published=8080", "no port specified: 8080:/tcp<empty>"),
            ("a=b", "no port specified: :/tcp<empty>"),
        ];
        for &(spec, reason) in cases {
            assert_eq!(
                ports(&strings(&[spec]), &[], false),
                Err(format!(
                    "invalid argument {} for \"-p, --publish\" flag: {reason}",
                    go_quote(spec)
                )),
                "{spec:?}"
            );
        }
    }

    #[test]
    fn long_forms_are_checked_before_any_spec() {
        let publish = strings(&["abc", "target=80,x"]);
        assert_eq!(
            ports(&publish, &[], false),
            Err(
                "invalid argument \"target=80,x\" for \"-p, --publish\" flag: \
                 invalid publish opts format (should be name=value but got 'x')"
                    .to_string()
            )
        );
    }

    #[test]
    fn bad_exposes_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("80:80", "invalid port format for --expose: 80:80"),
            (
                "",
                "invalid range format for --expose: , error: empty string specified for ports",
            ),
            (
                "/udp",
                "invalid range format for --expose: /udp, error: empty string specified for ports",
            ),
            (
                "abc",
                "invalid range format for --expose: abc, error: strconv.ParseUint: parsing \"abc\": invalid syntax",
            ),
            (
                "70000",
                "invalid range format for --expose: 70000, error: strconv.ParseUint: parsing \"70000\": value out of range",
            ),
            (
                "80-x",
                "invalid range format for --expose: 80-x, error: strconv.ParseUint: parsing \"x\": invalid syntax",
            ),
            (
                "80-70",
                "invalid range format for --expose: 80-70, error: invalid range specified for port: 80-70",
            ),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                ports(&[], &strings(&[value]), false),
                Err(format!(
                    "invalid argument {} for \"--expose\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }
}
