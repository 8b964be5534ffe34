//! The networking options of `docker run`: `--add-host`, `--dns`,
//! `--dns-search`, `--mac-address`, and the way `--network`, `--network-alias`,
//! `--ip`, `--ip6`, `--link` and `--link-local-ip` combine into the network
//! mode and the endpoint settings of the create request. The docker CLI 28 is
//! the specification: values it rewrites (addresses in canonical form, the
//! lower-cased advanced `--network` syntax) are rewritten the same way here,
//! and values it passes through untouched stay untouched, so the engine sees
//! the body docker would have sent.

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use bollard::models::{EndpointIpamConfig, EndpointSettings};
use serde_json::{json, Value};

use super::go::{csv_record, go_lower, go_quote, parse_int};
use super::{invalid_argument, to_value, Body};
use crate::cli::ContainerArgs;

/// `--add-host` accepts this word in place of an address; the engine puts
/// its own gateway address there.
const HOST_GATEWAY: &str = "host-gateway";

/// The newest API version whose rules dpty knows.
const NEWEST_API: (usize, usize) = (1, 51);

/// The networks and the names the container sees: `--network` and the
/// endpoint flags, `--link`, `--add-host`, `--dns*` and `--mac-address`.
pub(super) fn network(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    if let Some(mac) = &c.mac_address {
        mac_address(mac).map_err(|_| format!("{mac} is not a valid mac address"))?;
    }
    let extra_hosts = c
        .add_hosts
        .iter()
        .map(|h| extra_host(h))
        .collect::<Result<Vec<_>, _>>()?;
    let dns = c
        .dns
        .iter()
        .map(|d| dns_server(d))
        .collect::<Result<Vec<_>, _>>()?;
    let dns_search = c
        .dns_search
        .iter()
        .map(|d| dns_search(d))
        .collect::<Result<Vec<_>, _>>()?;
    // Checked now for the newest API; resolved again for the engine's own
    // version once it has answered (see `Container::for_engine`).
    let networking = networking(&network_args(c), NEWEST_API)?;
    body.host(json!({
        "Dns": dns,
        "DnsOptions": c.dns_options,
        "DnsSearch": dns_search,
        "ExtraHosts": extra_hosts,
    }));
    set_networking(&mut body.0, networking);
    Ok(())
}

fn network_args(c: &ContainerArgs) -> NetworkArgs<'_> {
    NetworkArgs {
        networks: &c.networks,
        aliases: &c.network_aliases,
        ipv4: c.ip.as_deref(),
        ipv6: c.ip6.as_deref(),
        links: &c.links,
        link_local_ips: &c.link_local_ips,
        mac_address: c.mac_address.as_deref(),
    }
}

/// Puts resolved networking where the create request carries it.
pub(super) fn set_networking(body: &mut Value, networking: Networking) {
    body["HostConfig"]["NetworkMode"] = json!(networking.mode.unwrap_or_default());
    body["HostConfig"]["Links"] = json!(networking.links);
    body["NetworkingConfig"] = json!({ "EndpointsConfig": to_value(&networking.endpoints) });
    match networking.config_mac_address {
        Some(mac) => body["MacAddress"] = json!(mac),
        None => {
            if let Some(fields) = body.as_object_mut() {
                fields.remove("MacAddress");
            }
        }
    }
}

/// A value for `HostConfig.ExtraHosts` from `--add-host NAME:IP` or
/// `NAME=IP`. The engine only understands `NAME:IP` with a bare address, so
/// `=` and brackets around the address are rewritten; the address itself is
/// kept as typed (docker checks it but does not canonicalise it).
pub fn extra_host(value: &str) -> Result<String, String> {
    let fail = |reason: String| invalid_argument("--add-host", value, &reason);
    // A colon in the name would make the engine split the entry elsewhere.
    let (name, address) = value
        .split_once('=')
        .or_else(|| value.split_once(':'))
        .filter(|(name, _)| !name.is_empty() && !name.contains(':'))
        .ok_or_else(|| fail(format!("bad format for add-host: {}", go_quote(value))))?;
    if address == HOST_GATEWAY {
        return Ok(format!("{name}:{address}"));
    }
    let address = match address.strip_prefix('[').and_then(|a| a.strip_suffix(']')) {
        Some(inner) if address.len() > 2 => inner,
        _ => address,
    };
    if canonical_ip(address).is_none() {
        return Err(fail(format!(
            "invalid IP address in add-host: {}",
            go_quote(address)
        )));
    }
    Ok(format!("{name}:{address}"))
}

/// A `--dns` server: any IPv4 or IPv6 address (no brackets, no zone), sent in
/// canonical form, so `0:0::1` becomes `::1` and `::ffff:1.2.3.4` becomes
/// `1.2.3.4`.
pub fn dns_server(value: &str) -> Result<String, String> {
    canonical_ip(value).ok_or_else(|| {
        invalid_argument(
            "--dns",
            value,
            &format!("IP address is not correctly formatted: {value}"),
        )
    })
}

/// A `--dns-search` domain, or `.` for none. Surrounding spaces and one
/// trailing dot are dropped, as docker does.
pub fn dns_search(value: &str) -> Result<String, String> {
    let trimmed = value.trim_matches(' ');
    if trimmed == "." {
        return Ok(trimmed.to_owned());
    }
    domain(trimmed).ok_or_else(|| {
        invalid_argument(
            "--dns-search",
            value,
            &format!("{trimmed} is not a valid domain"),
        )
    })
}

/// A `--mac-address`, checked and then sent exactly as given.
pub fn mac_address(value: &str) -> Result<String, String> {
    if valid_mac(value.trim()) {
        Ok(value.to_owned())
    } else {
        Err(invalid_argument(
            "--mac-address",
            value,
            &format!("{value} is not a valid mac address"),
        ))
    }
}

/// The networking flags of one `dpty run`, as given on the command line.
/// An empty string for `--ip`, `--ip6` or `--mac-address` means the flag was
/// not given, as with docker.
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkArgs<'a> {
    /// `--network` (or `--net`), in order; each is a name or the advanced
    /// `name=NET,alias=A,...` syntax.
    pub networks: &'a [String],
    /// `--network-alias` (or `--net-alias`).
    pub aliases: &'a [String],
    pub ipv4: Option<&'a str>,
    pub ipv6: Option<&'a str>,
    pub links: &'a [String],
    pub link_local_ips: &'a [String],
    pub mac_address: Option<&'a str>,
}

/// Where the networking flags go in the create request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Networking {
    /// `HostConfig.NetworkMode`: the first network, or `default`.
    pub mode: Option<String>,
    /// `NetworkingConfig.EndpointsConfig`. Empty when docker sends no
    /// endpoint, as for a single `--network` with no per-endpoint setting.
    pub endpoints: HashMap<String, EndpointSettings>,
    /// `HostConfig.Links`: every `--link` as given (the engine splits
    /// `name:alias` itself).
    pub links: Vec<String>,
    /// `Config.MacAddress`. Always `None`: docker 28 puts the MAC address on
    /// the endpoint only, clearing the container-wide field from API 1.44
    /// and refusing the option below it.
    pub config_mac_address: Option<String>,
}

/// Resolves the networking flags into the network mode, the endpoints and
/// the links, the way `docker run` does for an engine speaking `api`.
///
/// The plain flags (`--network-alias`, `--ip`, `--ip6`, `--link-local-ip`,
/// `--mac-address`, and `--link` on a user-defined network) describe the
/// endpoint of the first network; the advanced `--network` syntax describes
/// each endpoint itself, and may not be mixed with the plain flag for the
/// same setting.
pub fn networking(args: &NetworkArgs<'_>, api: (usize, usize)) -> Result<Networking, String> {
    for link in args.links {
        check_link(link).map_err(|reason| invalid_argument("--link", link, &reason))?;
    }
    let mut attachments = args
        .networks
        .iter()
        .map(|value| {
            attachment(value).map_err(|reason| invalid_argument("--network", value, &reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mac = non_empty(args.mac_address);
    if let Some(mac) = mac {
        mac_address(mac)?;
    }

    let mut endpoints = HashMap::new();
    if attachments.is_empty() {
        // Without --network the flags still describe the default endpoint,
        // and docker sends it even when it is empty.
        let mut default = Attachment::named("default");
        apply_flags(&mut default, args)?;
        endpoints.insert("default".to_owned(), endpoint(&default)?);
    }
    let only_one = attachments.len() == 1;
    let (mut user_defined, mut builtin) = (false, false);
    for (index, attachment) in attachments.iter_mut().enumerate() {
        if is_user_defined(&attachment.target) {
            user_defined = true;
        } else {
            builtin = true;
        }
        if index == 0 {
            apply_flags(attachment, args)?;
        }
        let settings = endpoint(attachment)?;
        if endpoints.contains_key(&attachment.target) {
            return Err(format!(
                "network {} is specified multiple times",
                go_quote(&attachment.target)
            ));
        }
        // A lone network with nothing to say about its endpoint is left to
        // the engine, as older engines expect.
        if index == 0 && only_one && settings == EndpointSettings::default() {
            continue;
        }
        endpoints.insert(attachment.target.clone(), settings);
    }
    if user_defined && builtin {
        return Err("conflicting options: cannot attach both user-defined and \
                    non-user-defined network-modes"
            .to_owned());
    }

    // Engines before API 1.44 refuse more than one endpoint at create; the docker CLI sends
    // them anyway and reports the engine's answer, and so does dpty. A MAC address it refuses.
    if api < (1, 44) && endpoints.values().any(|e| e.mac_address.is_some()) {
        return Err(format!(
            "\"specify mac-address per network\" requires API version 1.44, \
             but the Docker daemon API version is {}.{}",
            api.0, api.1
        ));
    }

    let mode = attachments
        .first()
        .map_or_else(|| "default".to_owned(), |a| a.target.clone());
    Ok(Networking {
        mode: Some(mode),
        endpoints,
        links: args.links.to_vec(),
        config_mac_address: None,
    })
}

/// One network to attach to, before it becomes endpoint settings. Empty
/// strings and lists mean "not set", as in docker's own structure.
#[derive(Debug, Clone, Default, PartialEq)]
struct Attachment {
    target: String,
    aliases: Vec<String>,
    driver_opts: HashMap<String, String>,
    links: Vec<String>,
    ipv4: String,
    ipv6: String,
    link_local_ips: Vec<String>,
    mac: String,
    gw_priority: i64,
}

impl Attachment {
    fn named(target: &str) -> Self {
        Attachment {
            target: target.to_owned(),
            ..Attachment::default()
        }
    }
}

/// One `--network` value: a plain name, or the advanced comma-separated
/// `key=value` syntax. docker tells them apart by the presence of a word
/// character on both sides of some `=`, so `name=-x` is a network name.
fn attachment(value: &str) -> Result<Attachment, String> {
    let bytes = value.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let advanced = (1..bytes.len().saturating_sub(1))
        .any(|i| bytes[i] == b'=' && word(bytes[i - 1]) && word(bytes[i + 1]));
    if !advanced {
        return Ok(Attachment::named(value));
    }
    let mut attachment = Attachment::default();
    for field in csv_record(value)? {
        // docker lower-cases the whole field, values included.
        let lowered = go_lower(&field);
        let (key, val) = match lowered.split_once('=') {
            Some((key, val)) if !key.is_empty() => (key.trim(), val.trim()),
            _ => return Err(format!("invalid field {field}")),
        };
        match key {
            "name" => attachment.target = val.to_owned(),
            "alias" => attachment.aliases.push(val.to_owned()),
            "ip" => attachment.ipv4 = val.to_owned(),
            "ip6" => attachment.ipv6 = val.to_owned(),
            "mac-address" => attachment.mac = val.to_owned(),
            "link-local-ip" => attachment.link_local_ips.push(val.to_owned()),
            "driver-opt" => {
                let (k, v) = val
                    .split_once('=')
                    .filter(|(k, _)| !k.is_empty())
                    .ok_or("invalid key value pair format in driver options")?;
                attachment
                    .driver_opts
                    .insert(k.trim().to_owned(), v.trim().to_owned());
            }
            "gw-priority" => {
                attachment.gw_priority = parse_int(val)
                    .map_err(|e| format!("invalid gw-priority ({val}): {}", e.reason()))?;
            }
            _ => return Err(format!("invalid field key {key}")),
        }
    }
    if attachment.target.is_empty() {
        return Err("network name/id is not specified".to_owned());
    }
    Ok(attachment)
}

/// Moves the plain flags onto the first network's attachment, refusing a
/// setting given both ways.
fn apply_flags(attachment: &mut Attachment, args: &NetworkArgs<'_>) -> Result<(), String> {
    let ipv4 = non_empty(args.ipv4);
    let ipv6 = non_empty(args.ipv6);
    let mac = non_empty(args.mac_address);
    let conflicts = [
        (
            !attachment.aliases.is_empty() && !args.aliases.is_empty(),
            "--network-alias and per-network alias",
        ),
        (
            !attachment.ipv4.is_empty() && ipv4.is_some(),
            "--ip and per-network IPv4 address",
        ),
        (
            !attachment.ipv6.is_empty() && ipv6.is_some(),
            "--ip6 and per-network IPv6 address",
        ),
        (
            !attachment.mac.is_empty() && mac.is_some(),
            "--mac-address and per-network MAC address",
        ),
        (
            !attachment.link_local_ips.is_empty() && !args.link_local_ips.is_empty(),
            "--link-local-ip and per-network link-local IP addresses",
        ),
    ];
    if let Some((_, both)) = conflicts.iter().find(|(conflict, _)| *conflict) {
        return Err(format!("conflicting options: cannot specify both {both}"));
    }
    if !args.aliases.is_empty() {
        attachment.aliases = args.aliases.to_vec();
    }
    // On a user-defined network a link is an endpoint alias; on the default
    // bridge it is a legacy link, carried by HostConfig.Links alone.
    if is_user_defined(&attachment.target) && !args.links.is_empty() {
        attachment.links = args.links.to_vec();
    }
    if let Some(ip) = ipv4 {
        attachment.ipv4 = ip.to_owned();
    }
    if let Some(ip) = ipv6 {
        attachment.ipv6 = ip.to_owned();
    }
    if let Some(mac) = mac {
        attachment.mac = mac.to_owned();
    }
    if !args.link_local_ips.is_empty() {
        attachment.link_local_ips = args.link_local_ips.to_vec();
    }
    Ok(())
}

/// The endpoint settings docker sends for an attachment; every field it
/// would leave empty stays `None`, so an attachment with nothing to say
/// equals `EndpointSettings::default()`.
fn endpoint(attachment: &Attachment) -> Result<EndpointSettings, String> {
    if attachment.target.trim().is_empty() {
        return Err(invalid_argument(
            "--network",
            &attachment.target,
            "no name set for network",
        ));
    }
    // Links never reach a built-in network: the advanced syntax has no key
    // for them, and the --link flag only becomes endpoint links on a
    // user-defined network.
    if !is_user_defined(&attachment.target) && !attachment.aliases.is_empty() {
        return Err(
            "network-scoped aliases are only supported for user-defined networks".to_owned(),
        );
    }
    let some_vec = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    let some_str = |s: &String| (!s.is_empty()).then(|| s.clone());
    let ipam = (!attachment.ipv4.is_empty()
        || !attachment.ipv6.is_empty()
        || !attachment.link_local_ips.is_empty())
    .then(|| EndpointIpamConfig {
        ipv4_address: some_str(&attachment.ipv4),
        ipv6_address: some_str(&attachment.ipv6),
        link_local_ips: some_vec(&attachment.link_local_ips),
    });
    if !attachment.mac.is_empty() && !valid_mac(attachment.mac.trim()) {
        return Err(format!("{} is not a valid mac address", attachment.mac));
    }
    Ok(EndpointSettings {
        ipam_config: ipam,
        links: some_vec(&attachment.links),
        mac_address: some_str(&attachment.mac),
        aliases: some_vec(&attachment.aliases),
        driver_opts: (!attachment.driver_opts.is_empty()).then(|| attachment.driver_opts.clone()),
        gw_priority: (attachment.gw_priority != 0).then_some(attachment.gw_priority),
        ..EndpointSettings::default()
    })
}

/// Whether a network mode names a network the user created, rather than
/// one of the engine's own modes.
fn is_user_defined(mode: &str) -> bool {
    let container = mode
        .split_once(':')
        .is_some_and(|(kind, _)| kind == "container");
    !matches!(mode, "default" | "bridge" | "host" | "none") && !container
}

/// `--link NAME` or `--link NAME:ALIAS`.
fn check_link(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty string specified for links".to_owned());
    }
    if value.matches(':').count() > 1 {
        return Err(format!("bad format for links: {value}"));
    }
    Ok(())
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

/// A domain for resolv.conf's search list as docker accepts it, without the
/// trailing dot and whitespace; `None` when docker refuses it.
///
/// docker's pattern allows letters, digits and inner hyphens in each label,
/// and (through a long-standing slip in it that docker still ships) up to two
/// colons before the first label and one on either side of each dot.
fn domain(value: &str) -> Option<String> {
    if !value.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let body = value.trim_end_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    let body = body.strip_suffix('.').unwrap_or(body);
    let labels: Vec<&str> = body.split('.').collect();
    let last = labels.len() - 1;
    let valid = labels.iter().enumerate().all(|(i, label)| {
        let mut label = *label;
        let leading = if i == 0 { 2 } else { 1 };
        for _ in 0..leading {
            label = label.strip_prefix(':').unwrap_or(label);
        }
        if i < last {
            label = label.strip_suffix(':').unwrap_or(label);
        }
        let bytes = label.as_bytes();
        match (bytes.first(), bytes.last()) {
            (Some(first), Some(end)) => {
                first.is_ascii_alphanumeric()
                    && end.is_ascii_alphanumeric()
                    && bytes
                        .iter()
                        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            }
            _ => false,
        }
    });
    (valid && body.len() < 255).then(|| body.to_owned())
}

/// An IP address as Go's `net.ParseIP` accepts it (surrounding whitespace
/// allowed; no brackets, no zone, no leading zeros), in the form Go prints
/// it: IPv4 and IPv4-mapped IPv6 dotted, other IPv6 per RFC 5952.
fn canonical_ip(text: &str) -> Option<String> {
    let text = text.trim();
    if let Ok(v4) = text.parse::<Ipv4Addr>() {
        return Some(v4.to_string());
    }
    let v6 = text.parse::<Ipv6Addr>().ok()?;
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4.to_string());
    }
    Some(format_ipv6(&v6))
}

/// RFC 5952 text for an IPv6 address: lower-case hex, no leading zeros, and
/// the first longest run of two or more zero groups written as `::`.
fn format_ipv6(address: &Ipv6Addr) -> String {
    let groups = address.segments();
    let (mut best, mut best_len) = (usize::MAX, 1);
    let mut i = 0;
    while i < groups.len() {
        let run = groups[i..].iter().take_while(|&&g| g == 0).count();
        if run > best_len {
            (best, best_len) = (i, run);
        }
        i += run.max(1);
    }
    let hex = |gs: &[u16]| {
        gs.iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best == usize::MAX {
        return hex(&groups);
    }
    format!(
        "{}::{}",
        hex(&groups[..best]),
        hex(&groups[best + best_len..])
    )
}

/// Whether Go's `net.ParseMAC` accepts the text: 6, 8 or 20 octets written
/// as hex pairs separated by `:` or `-`, or as dot-separated groups of four.
fn valid_mac(text: &str) -> bool {
    let s = text.as_bytes();
    if s.len() < 14 {
        return false;
    }
    let hex = |b: &[u8]| b.iter().all(u8::is_ascii_hexdigit);
    let octets_ok = |n: usize| matches!(n, 6 | 8 | 20);
    if s[2] == b':' || s[2] == b'-' {
        if !(s.len() + 1).is_multiple_of(3) || !octets_ok((s.len() + 1) / 3) {
            return false;
        }
        s.chunks(3)
            .all(|c| hex(&c[..2]) && (c.len() == 2 || c[2] == s[2]))
    } else if s[4] == b'.' {
        if !(s.len() + 1).is_multiple_of(5) || !octets_ok(2 * (s.len() + 1) / 5) {
            return false;
        }
        s.chunks(5)
            .all(|c| hex(&c[..4]) && (c.len() == 4 || c[4] == b'.'))
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extra_hosts_become_name_colon_address() {
        let cases = [
            ("host:1.2.3.4", "host:1.2.3.4"),
            ("host=1.2.3.4", "host:1.2.3.4"),
            ("host:::1", "host:::1"),
            ("host=::1", "host:::1"),
            ("host=[::1]", "host:::1"),
            ("host:[::1]", "host:::1"),
            ("host=[1.2.3.4]", "host:1.2.3.4"),
            ("host:host-gateway", "host:host-gateway"),
            ("host=host-gateway", "host:host-gateway"),
            // Checked in canonical form, sent as typed.
            ("host:0:0::1", "host:0:0::1"),
            ("host= 1.2.3.4", "host: 1.2.3.4"),
            (" host=1.2.3.4", " host:1.2.3.4"),
        ];
        for (input, expected) in cases {
            assert_eq!(extra_host(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_extra_hosts_are_refused_as_docker_words_it() {
        let cases = [
            (
                "foo",
                r#"invalid argument "foo" for "--add-host" flag: bad format for add-host: "foo""#,
            ),
            (
                ":1.2.3.4",
                r#"invalid argument ":1.2.3.4" for "--add-host" flag: bad format for add-host: ":1.2.3.4""#,
            ),
            (
                "a:b=1.2.3.4",
                r#"invalid argument "a:b=1.2.3.4" for "--add-host" flag: bad format for add-host: "a:b=1.2.3.4""#,
            ),
            (
                "foo:bar",
                r#"invalid argument "foo:bar" for "--add-host" flag: invalid IP address in add-host: "bar""#,
            ),
            (
                "foo=[::1",
                r#"invalid argument "foo=[::1" for "--add-host" flag: invalid IP address in add-host: "[::1""#,
            ),
            (
                "foo=[]",
                r#"invalid argument "foo=[]" for "--add-host" flag: invalid IP address in add-host: "[]""#,
            ),
            (
                "foo=fe80::1%eth0",
                r#"invalid argument "foo=fe80::1%eth0" for "--add-host" flag: invalid IP address in add-host: "fe80::1%eth0""#,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(extra_host(input), Err(expected.to_owned()), "{input}");
        }
    }

    #[test]
    fn dns_servers_are_sent_in_canonical_form() {
        let cases = [
            ("8.8.8.8", "8.8.8.8"),
            (" 8.8.8.8 ", "8.8.8.8"),
            ("0:0::1", "::1"),
            ("::ffff:1.2.3.4", "1.2.3.4"),
            ("::1.2.3.4", "::102:304"),
            ("FE80::ABCD", "fe80::abcd"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
            ("::", "::"),
            ("0.0.0.0", "0.0.0.0"),
        ];
        for (input, expected) in cases {
            assert_eq!(dns_server(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn bad_dns_servers_are_refused() {
        for input in [
            "1.2.3",
            "01.2.3.4",
            "1.2.3.4.",
            "1.2.3.256",
            "[::1]",
            ":::1",
            "fe80::1%eth0",
            "1::2::3",
            "",
            "0x1.2.3.4",
            "::ffff:01.2.3.4",
        ] {
            assert_eq!(
                dns_server(input),
                Err(format!(
                    "invalid argument {} for \"--dns\" flag: IP address is not correctly formatted: {input}",
                    go_quote(input)
                )),
                "{input}"
            );
        }
    }

    #[test]
    fn dns_search_domains() {
        let cases = [
            ("example.com", Ok("example.com")),
            (" example.com ", Ok("example.com")),
            (".", Ok(".")),
            (" . ", Ok(".")),
            ("a.b.", Ok("a.b")),
            ("Ex-a.com", Ok("Ex-a.com")),
            ("a.com\t", Ok("a.com")),
            ("a1", Ok("a1")),
            // docker's pattern lets colons through around the dots.
            ("::a.b", Ok("::a.b")),
            ("a:.:b", Ok("a:.:b")),
            ("a.com. ", Ok("a.com")),
            (":::a", Err(":::a is not a valid domain")),
            ("a:", Err("a: is not a valid domain")),
            ("-foo", Err("-foo is not a valid domain")),
            ("123", Err("123 is not a valid domain")),
            ("a..b", Err("a..b is not a valid domain")),
            ("a-.b", Err("a-.b is not a valid domain")),
            ("a b", Err("a b is not a valid domain")),
            ("a.", Ok("a")),
            ("..", Err(".. is not a valid domain")),
            ("", Err(" is not a valid domain")),
        ];
        for (input, expected) in cases {
            let expected = expected
                .map(str::to_owned)
                .map_err(|reason| invalid_argument("--dns-search", input, reason));
            assert_eq!(dns_search(input), expected, "{input}");
        }
        let long = format!("{}.com", "a".repeat(250));
        assert_eq!(dns_search(&long), Ok(long.clone()));
        let too_long = format!("{}.com", "a".repeat(251));
        assert!(dns_search(&too_long).is_err());
    }

    #[test]
    fn mac_addresses() {
        for good in [
            "02:42:ac:11:00:02",
            "02-42-AC-11-00-02",
            "0242.ac11.0002",
            "02:42:ac:11:00:02:00:01",
            " 02:42:ac:11:00:02 ",
            "00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01",
        ] {
            assert_eq!(mac_address(good).as_deref(), Ok(good), "{good}");
        }
        for bad in [
            "zz",
            "02:42:ac:11:00",
            "02:42:ac:11:00:0g",
            "02:42-ac:11:00:02",
            "02:42:ac:11:00:02:03",
            "0242.ac11.0002.",
            "0242:ac11:0002",
            "",
        ] {
            assert_eq!(
                mac_address(bad),
                Err(format!(
                    "invalid argument {} for \"--mac-address\" flag: {bad} is not a valid mac address",
                    go_quote(bad)
                )),
                "{bad}"
            );
        }
    }

    struct Flags {
        networks: Vec<String>,
        aliases: Vec<String>,
        ipv4: Option<&'static str>,
        ipv6: Option<&'static str>,
        links: Vec<String>,
        link_local_ips: Vec<String>,
        mac: Option<&'static str>,
    }

    /// Parses a docker-like command line of networking flags.
    fn flags(line: &[&'static str]) -> Flags {
        let mut flags = Flags {
            networks: vec![],
            aliases: vec![],
            ipv4: None,
            ipv6: None,
            links: vec![],
            link_local_ips: vec![],
            mac: None,
        };
        for pair in line.chunks(2) {
            let value = pair[1];
            match pair[0] {
                "--network" => flags.networks.push(value.to_owned()),
                "--network-alias" => flags.aliases.push(value.to_owned()),
                "--ip" => flags.ipv4 = Some(value),
                "--ip6" => flags.ipv6 = Some(value),
                "--link" => flags.links.push(value.to_owned()),
                "--link-local-ip" => flags.link_local_ips.push(value.to_owned()),
                "--mac-address" => flags.mac = Some(value),
                other => panic!("unknown flag {other}"),
            }
        }
        flags
    }

    fn resolve(line: &[&'static str], api: (usize, usize)) -> Result<Networking, String> {
        let flags = flags(line);
        networking(
            &NetworkArgs {
                networks: &flags.networks,
                aliases: &flags.aliases,
                ipv4: flags.ipv4,
                ipv6: flags.ipv6,
                links: &flags.links,
                link_local_ips: &flags.link_local_ips,
                mac_address: flags.mac,
            },
            api,
        )
    }

    /// The request body's networking parts as JSON, for comparison with what
    /// the docker CLI was seen to send (its empty fields left out).
    fn body(networking: &Networking) -> serde_json::Value {
        serde_json::json!({
            "NetworkMode": networking.mode,
            "Links": networking.links,
            "EndpointsConfig": networking.endpoints,
        })
    }

    const OLD: (usize, usize) = (1, 41);
    const NEW: (usize, usize) = (1, 47);

    #[test]
    fn networks_become_mode_endpoints_and_links() {
        use serde_json::json;
        let cases: Vec<(&[&str], serde_json::Value)> = vec![
            (
                &[],
                json!({"NetworkMode": "default", "Links": [], "EndpointsConfig": {"default": {}}}),
            ),
            (
                &["--network", "none"],
                json!({"NetworkMode": "none", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "foo"],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "host"],
                json!({"NetworkMode": "host", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "container:abc"],
                json!({"NetworkMode": "container:abc", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "none", "--ip", "1.2.3.4"],
                json!({"NetworkMode": "none", "Links": [],
                       "EndpointsConfig": {"none": {"IPAMConfig": {"IPv4Address": "1.2.3.4"}}}}),
            ),
            (
                &["--ip", "1.2.3.4"],
                json!({"NetworkMode": "default", "Links": [],
                       "EndpointsConfig": {"default": {"IPAMConfig": {"IPv4Address": "1.2.3.4"}}}}),
            ),
            (
                &[
                    "--network",
                    "foo",
                    "--network-alias",
                    "a",
                    "--network-alias",
                    "b",
                ],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": ["a", "b"]}}}),
            ),
            (
                &[
                    "--network",
                    "foo",
                    "--ip",
                    "10.0.0.2",
                    "--ip6",
                    "2001:db8::2",
                    "--link-local-ip",
                    "169.254.1.1",
                    "--link-local-ip",
                    "fe80::1",
                ],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {"foo": {"IPAMConfig": {
                    "IPv4Address": "10.0.0.2", "IPv6Address": "2001:db8::2",
                    "LinkLocalIPs": ["169.254.1.1", "fe80::1"]}}}}),
            ),
            // On a user-defined network links are also endpoint aliases...
            (
                &["--network", "foo", "--link", "c1", "--link", "c2:al"],
                json!({"NetworkMode": "foo", "Links": ["c1", "c2:al"],
                       "EndpointsConfig": {"foo": {"Links": ["c1", "c2:al"]}}}),
            ),
            // ...elsewhere only legacy links.
            (
                &["--network", "none", "--link", "c1"],
                json!({"NetworkMode": "none", "Links": ["c1"], "EndpointsConfig": {}}),
            ),
            (
                &["--link", "c1:al"],
                json!({"NetworkMode": "default", "Links": ["c1:al"],
                       "EndpointsConfig": {"default": {}}}),
            ),
            (
                &["--link", "/c1:/me/al"],
                json!({"NetworkMode": "default", "Links": ["/c1:/me/al"],
                       "EndpointsConfig": {"default": {}}}),
            ),
            (
                &[
                    "--network",
                    "name=foo,alias=x,alias=y,ip=10.0.0.3,driver-opt=com.x=Y,gw-priority=5",
                ],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {"foo": {
                    "Aliases": ["x", "y"], "DriverOpts": {"com.x": "y"}, "GwPriority": 5,
                    "IPAMConfig": {"IPv4Address": "10.0.0.3"}}}}),
            ),
            // The advanced syntax is lower-cased whole, names included.
            (
                &["--network", "name=MyNet,Alias=XY"],
                json!({"NetworkMode": "mynet", "Links": [],
                       "EndpointsConfig": {"mynet": {"Aliases": ["xy"]}}}),
            ),
            (
                &["--network", "name=foo, alias = a "],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": ["a"]}}}),
            ),
            (
                &["--network", "name=foo,alias="],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": [""]}}}),
            ),
            (
                &["--network", "name=foo,\"alias=a\"\"b\""],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": ["a\"b"]}}}),
            ),
            (
                &["--network", "\"name=foo\",\"alias=a,b\""],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": ["a,b"]}}}),
            ),
            (
                &[
                    "--network",
                    "name=foo,link-local-ip=169.254.0.1,link-local-ip=fe80::2,ip6=2001:db8::5",
                ],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {"foo": {"IPAMConfig": {
                    "IPv6Address": "2001:db8::5", "LinkLocalIPs": ["169.254.0.1", "fe80::2"]}}}}),
            ),
            (
                &["--network", "name=foo,gw-priority=-3"],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"GwPriority": -3}}}),
            ),
            (
                &["--network", "name=foo,gw-priority=+4"],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"GwPriority": 4}}}),
            ),
            (
                &["--network", "name=a,name=b"],
                json!({"NetworkMode": "b", "Links": [], "EndpointsConfig": {}}),
            ),
            // Only a word character on both sides of `=` means the advanced
            // syntax; anything else is a network name.
            (
                &["--network", "name=-x"],
                json!({"NetworkMode": "name=-x", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "name=foo\nalias=b"],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "\nname=foo"],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {}}),
            ),
            // Mode names are case-sensitive, and `container` needs a colon.
            (
                &["--network", "Container:x", "--network-alias", "a"],
                json!({"NetworkMode": "Container:x", "Links": [],
                       "EndpointsConfig": {"Container:x": {"Aliases": ["a"]}}}),
            ),
            (
                &["--network", "name=container:x"],
                json!({"NetworkMode": "container:x", "Links": [], "EndpointsConfig": {}}),
            ),
            (
                &["--network", "name=foo", "--network-alias", "a"],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"Aliases": ["a"]}}}),
            ),
            (
                &["--network", "foo", "--ip", ""],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {}}),
            ),
        ];
        for (line, expected) in cases {
            for api in [OLD, NEW] {
                let got = resolve(line, api).map(|n| body(&n));
                assert_eq!(got, Ok(expected.clone()), "{line:?} at {api:?}");
            }
        }
    }

    #[test]
    fn several_networks_are_sent_whatever_the_api() {
        use serde_json::json;
        let line: &[&str] = &["--network", "foo", "--network", "bar", "--ip", "10.0.0.1"];
        assert_eq!(
            resolve(line, NEW).map(|n| body(&n)),
            Ok(
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {
                "foo": {"IPAMConfig": {"IPv4Address": "10.0.0.1"}}, "bar": {}}})
            )
        );
        assert_eq!(resolve(line, OLD), resolve(line, NEW));
    }

    #[test]
    fn mac_addresses_go_on_the_endpoint_from_api_1_44() {
        use serde_json::json;
        let cases: Vec<(&[&str], serde_json::Value)> = vec![
            (
                &["--network", "foo", "--mac-address", "02:42:ac:11:00:02"],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"MacAddress": "02:42:ac:11:00:02"}}}),
            ),
            (
                &["--mac-address", "02:42:ac:11:00:02"],
                json!({"NetworkMode": "default", "Links": [],
                       "EndpointsConfig": {"default": {"MacAddress": "02:42:ac:11:00:02"}}}),
            ),
            (
                &[
                    "--network",
                    "foo",
                    "--network",
                    "bar",
                    "--mac-address",
                    "02:42:ac:11:00:02",
                ],
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {
                    "foo": {"MacAddress": "02:42:ac:11:00:02"}, "bar": {}}}),
            ),
            (
                &["--network", "name=foo,mac-address=02:42:AC:11:00:02"],
                json!({"NetworkMode": "foo", "Links": [],
                       "EndpointsConfig": {"foo": {"MacAddress": "02:42:ac:11:00:02"}}}),
            ),
        ];
        let refused = "\"specify mac-address per network\" requires API version 1.44, \
                       but the Docker daemon API version is 1.41";
        for (line, expected) in cases {
            let got = resolve(line, NEW);
            assert_eq!(got.as_ref().map(body), Ok(expected), "{line:?}");
            assert_eq!(got.map(|n| n.config_mac_address), Ok(None));
            assert_eq!(resolve(line, OLD), Err(refused.to_owned()), "{line:?}");
        }
    }

    #[test]
    fn network_errors() {
        let bad = |value: &str, reason: &str| invalid_argument("--network", value, reason);
        let cases: Vec<(&[&str], String)> = vec![
            (
                &["--network", "foo=bar"],
                bad("foo=bar", "invalid field key foo"),
            ),
            (
                &["--network", "name=foo,alias"],
                bad("name=foo,alias", "invalid field alias"),
            ),
            (
                &["--network", "name=foo,,alias=a"],
                bad("name=foo,,alias=a", "invalid field "),
            ),
            (
                &["--network", "my-net,alias=a"],
                bad("my-net,alias=a", "invalid field my-net"),
            ),
            (
                &["--network", "name=foo, =x"],
                bad("name=foo, =x", "invalid field key "),
            ),
            (
                &["--network", "alias=a"],
                bad("alias=a", "network name/id is not specified"),
            ),
            (
                &["--network", "name= ,alias=a"],
                bad("name= ,alias=a", "network name/id is not specified"),
            ),
            (
                &["--network", "name=foo,gw-priority=x"],
                bad("name=foo,gw-priority=x", "invalid gw-priority (x): invalid syntax"),
            ),
            (
                &["--network", "name=foo,gw-priority=99999999999999999999"],
                bad(
                    "name=foo,gw-priority=99999999999999999999",
                    "invalid gw-priority (99999999999999999999): value out of range",
                ),
            ),
            (
                &["--network", "name=foo,gw-priority=9223372036854775808x"],
                bad(
                    "name=foo,gw-priority=9223372036854775808x",
                    "invalid gw-priority (9223372036854775808x): invalid syntax",
                ),
            ),
            (
                &["--network", "name=foo,driver-opt=x"],
                bad(
                    "name=foo,driver-opt=x",
                    "invalid key value pair format in driver options",
                ),
            ),
            (
                &["--network", "name=foo,driver-opt==x"],
                bad(
                    "name=foo,driver-opt==x",
                    "invalid key value pair format in driver options",
                ),
            ),
            (
                &["--network", "name=foo,\"alias=a"],
                bad(
                    "name=foo,\"alias=a",
                    "parse error on line 1, column 18: extraneous or missing \" in quoted-field",
                ),
            ),
            (
                &["--network", "name=foo,al\"ias=a"],
                bad(
                    "name=foo,al\"ias=a",
                    "parse error on line 1, column 12: bare \" in non-quoted-field",
                ),
            ),
            (
                &["--network", "name=\"foo\"x,alias=a"],
                bad(
                    "name=\"foo\"x,alias=a",
                    "parse error on line 1, column 6: bare \" in non-quoted-field",
                ),
            ),
            (
                &["--network", "\"name=foo\"x,alias=a"],
                bad(
                    "\"name=foo\"x,alias=a",
                    "parse error on line 1, column 10: extraneous or missing \" in quoted-field",
                ),
            ),
            (
                &["--network", "\"name=foo\"\",alias=a"],
                bad(
                    "\"name=foo\"\",alias=a",
                    "parse error on line 1, column 20: extraneous or missing \" in quoted-field",
                ),
            ),
            (
                &["--network", "\"name=\nfoo\"x,a=b"],
                bad(
                    "\"name=\nfoo\"x,a=b",
                    "record on line 1; parse error on line 2, column 4: \
                     extraneous or missing \" in quoted-field",
                ),
            ),
            (
                &["--network", "\"name=foo\n"],
                bad(
                    "\"name=foo\n",
                    "parse error on line 1, column 11: extraneous or missing \" in quoted-field",
                ),
            ),
            (
                &["--network", "näme=foo,\"x=1\"z"],
                bad(
                    "näme=foo,\"x=1\"z",
                    "parse error on line 1, column 15: extraneous or missing \" in quoted-field",
                ),
            ),
            (&["--network", ""], bad("", "no name set for network")),
            (&["--network", " "], bad(" ", "no name set for network")),
            (
                &["--network", "foo", "--network", "foo"],
                "network \"foo\" is specified multiple times".to_owned(),
            ),
            (
                &["--network", "bridge", "--network", "foo"],
                "conflicting options: cannot attach both user-defined and \
                 non-user-defined network-modes"
                    .to_owned(),
            ),
            (
                &["--network", "none", "--network", "bar"],
                "conflicting options: cannot attach both user-defined and \
                 non-user-defined network-modes"
                    .to_owned(),
            ),
            (
                &["--network", "none", "--network-alias", "a"],
                "network-scoped aliases are only supported for user-defined networks".to_owned(),
            ),
            (
                &["--network-alias", "a"],
                "network-scoped aliases are only supported for user-defined networks".to_owned(),
            ),
            (
                &["--network", "container:x", "--network-alias", "a"],
                "network-scoped aliases are only supported for user-defined networks".to_owned(),
            ),
            (
                &["--network", "name=none,alias=a"],
                "network-scoped aliases are only supported for user-defined networks".to_owned(),
            ),
            (
                &["--network", "name=foo,alias=x", "--network-alias", "a"],
                "conflicting options: cannot specify both --network-alias and per-network alias"
                    .to_owned(),
            ),
            (
                &["--network", "name=foo,ip=1.2.3.4", "--ip", "1.2.3.5"],
                "conflicting options: cannot specify both --ip and per-network IPv4 address"
                    .to_owned(),
            ),
            (
                &["--network", "name=foo,ip6=::1", "--ip6", "::2"],
                "conflicting options: cannot specify both --ip6 and per-network IPv6 address"
                    .to_owned(),
            ),
            (
                &[
                    "--network", "name=foo,mac-address=02:42:ac:11:00:02",
                    "--mac-address", "02:42:ac:11:00:03",
                ],
                "conflicting options: cannot specify both --mac-address and per-network MAC address"
                    .to_owned(),
            ),
            (
                &["--network", "name=foo,link-local-ip=fe80::1", "--link-local-ip", "fe80::2"],
                "conflicting options: cannot specify both --link-local-ip and per-network \
                 link-local IP addresses"
                    .to_owned(),
            ),
            (
                &["--network", "name=foo,mac-address=zz"],
                "zz is not a valid mac address".to_owned(),
            ),
            (
                &["--mac-address", "zz"],
                invalid_argument("--mac-address", "zz", "zz is not a valid mac address"),
            ),
            (
                &["--link", ""],
                invalid_argument("--link", "", "empty string specified for links"),
            ),
            (
                &["--link", "a:b:c"],
                invalid_argument("--link", "a:b:c", "bad format for links: a:b:c"),
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(resolve(line, NEW), Err(expected), "{line:?}");
        }
    }

    #[test]
    fn later_networks_keep_their_own_settings() {
        use serde_json::json;
        let line: &[&str] = &[
            "--network",
            "foo",
            "--network",
            "name=bar,alias=x",
            "--network-alias",
            "y",
        ];
        assert_eq!(
            resolve(line, NEW).map(|n| body(&n)),
            Ok(
                json!({"NetworkMode": "foo", "Links": [], "EndpointsConfig": {
                "foo": {"Aliases": ["y"]}, "bar": {"Aliases": ["x"]}}})
            )
        );
        let links: &[&str] = &["--network", "foo", "--link", "a:b", "--network", "bar"];
        assert_eq!(
            resolve(links, NEW).map(|n| body(&n)),
            Ok(
                json!({"NetworkMode": "foo", "Links": ["a:b"], "EndpointsConfig": {
                "foo": {"Links": ["a:b"]}, "bar": {}}})
            )
        );
    }
}
