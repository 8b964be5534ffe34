//! The device options of `docker run`: `--device` (host devices, and CDI
//! device names), `--device-cgroup-rule`, the block-IO limits
//! (`--device-read-bps` and friends, `--blkio-weight-device`) and
//! `--gpus`, turned into the resources of the create request as docker 28
//! fills them (`opts.go`, `opts/throttledevice.go`, `opts/weightdevice.go`,
//! `opts/gpus.go`).
//!
//! docker checks these on its side before anything is sent, for a Linux
//! engine; so does this module, with docker's messages.

use std::collections::{HashMap, HashSet};

use bollard::models::{DeviceMapping, DeviceRequest, ResourcesBlkioWeightDevice, ThrottleDevice};
use serde_json::json;

use super::go::{clean_path, csv_record, parse_int, parse_uint};
use super::units::ram_in_bytes;
use super::{invalid_argument, to_value, Body};
use crate::cli::ContainerArgs;

const DEVICE: &str = "--device";
const CGROUP_RULE: &str = "--device-cgroup-rule";
const WEIGHT_DEVICE: &str = "--blkio-weight-device";
const GPUS: &str = "--gpus";

/// The host's devices the container may use, and the limits on their IO:
/// `--device`, `--gpus`, `--device-cgroup-rule`, `--blkio-weight-device`
/// and `--device-{read,write}-{bps,iops}`.
pub(super) fn host_devices(c: &ContainerArgs, body: &mut Body) -> Result<(), String> {
    let devices = devices(&c.devices)?;
    let mut device_requests = gpus(&c.gpus)?;
    device_requests.extend(devices.requests);
    let cgroup_rules = cgroup_rules(&c.device_cgroup_rules)?;
    let weight_devices = weight_devices(&c.blkio_weight_devices)?;
    let read_bps = throttle_bps("--device-read-bps", &c.device_read_bps)?;
    let write_bps = throttle_bps("--device-write-bps", &c.device_write_bps)?;
    let read_iops = throttle_iops("--device-read-iops", &c.device_read_iops)?;
    let write_iops = throttle_iops("--device-write-iops", &c.device_write_iops)?;
    body.host(json!({
        "Devices": to_value(&devices.mappings),
        "DeviceCgroupRules": cgroup_rules,
        "DeviceRequests": to_value(&device_requests),
        "BlkioWeightDevice": to_value(&weight_devices),
        "BlkioDeviceReadBps": to_value(&read_bps),
        "BlkioDeviceWriteBps": to_value(&write_bps),
        "BlkioDeviceReadIOps": to_value(&read_iops),
        "BlkioDeviceWriteIOps": to_value(&write_iops),
    }));
    Ok(())
}

/// What `--device` puts in the create request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Devices {
    /// `HostConfig.Devices`, in the order given.
    pub mappings: Vec<DeviceMapping>,
    /// At most one request for the `cdi` driver naming every CDI device
    /// given. docker appends it to `HostConfig.DeviceRequests` after the
    /// requests of `--gpus`.
    pub requests: Vec<DeviceRequest>,
}

/// The values of `--device`: `/dev/sda`, `/dev/sda:/dev/xvda`,
/// `/dev/sda:/dev/xvda:rwm`, `/dev/sda:rw`, or a CDI device name
/// (`vendor.com/class=name`), which docker sends as a device request for
/// the `cdi` driver whatever the engine's API version (engines without CDI
/// support refuse it when the container starts).
pub fn devices(values: &[String]) -> Result<Devices, String> {
    let mut mappings = Vec::new();
    let mut cdi_names = Vec::new();
    for value in values {
        if is_cdi_name(value) {
            cdi_names.push(value.clone());
            continue;
        }
        let checked = device_path(value).map_err(|why| invalid_argument(DEVICE, value, &why))?;
        mappings
            .push(device_mapping(&checked).map_err(|why| invalid_argument(DEVICE, value, &why))?);
    }
    let requests = if cdi_names.is_empty() {
        Vec::new()
    } else {
        vec![DeviceRequest {
            driver: Some("cdi".to_string()),
            count: Some(0),
            device_ids: Some(cdi_names),
            capabilities: None,
            options: None,
        }]
    };
    Ok(Devices { mappings, requests })
}

/// Whether `device` is a qualified CDI name, `vendor/class=name`: vendor
/// and class of ASCII letters, digits, `_`, `-` and `.`, starting with a
/// letter and ending with a letter or digit; the name of the same plus
/// `:`, starting and ending with a letter or digit.
///
/// docker's own check crashes on a one-character vendor or class; here
/// such a name counts as qualified, as its rules say it should.
fn is_cdi_name(device: &str) -> bool {
    let Some((qualifier, name)) = device.split_once('=') else {
        return false;
    };
    let Some((vendor, class)) = qualifier.split_once('/') else {
        return false;
    };
    !device.starts_with('/')
        && cdi_word(vendor, |c| c.is_ascii_alphabetic(), |_| false)
        && cdi_word(class, |c| c.is_ascii_alphabetic(), |_| false)
        && cdi_word(name, |c| c.is_ascii_alphanumeric(), |c| c == b':')
}

/// A non-empty CDI name part: `first` holds for its first byte, its last
/// byte is a letter or digit, and those between are letters, digits, `_`,
/// `-`, `.` or bytes `extra` allows.
fn cdi_word(word: &str, first: impl Fn(u8) -> bool, extra: impl Fn(u8) -> bool) -> bool {
    let bytes = word.as_bytes();
    let (Some(&head), Some(&tail)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    let middle = bytes.get(1..bytes.len() - 1).unwrap_or_default();
    first(head)
        && tail.is_ascii_alphanumeric()
        && middle
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.') || extra(c))
}

/// Checks `[host-path:]container-path[:mode]` as docker does for a Linux
/// engine and returns it with the container path cleaned (except when all
/// three parts are given, which docker leaves as written).
fn device_path(value: &str) -> Result<String, String> {
    let bad_format = || format!("bad format for path: {value}");
    if value.matches(':').count() > 2 {
        return Err(bad_format());
    }
    let parts: Vec<&str> = value.splitn(3, ':').collect();
    if parts[0].is_empty() {
        return Err(bad_format());
    }
    let (container_path, checked) = match parts[..] {
        [path] => (path, clean_path(path)),
        [path, mode] if device_mode(mode) => (path, format!("{}:{mode}", clean_path(path))),
        [host, path] => (path, format!("{host}:{}", clean_path(path))),
        [_, path, mode] => {
            if !device_mode(mode) {
                return Err(format!("bad mode specified: {mode}"));
            }
            (path, value.to_string())
        }
        _ => return Err(bad_format()),
    };
    if !container_path.starts_with('/') {
        return Err(format!("{container_path} is not an absolute path"));
    }
    Ok(checked)
}

/// A checked device spec as a mapping: the container path defaults to the
/// host path, the permissions to `rwm`.
fn device_mapping(checked: &str) -> Result<DeviceMapping, String> {
    let parts: Vec<&str> = checked.splitn(4, ':').collect();
    let (host, container, permissions) = match parts[..] {
        [host] => (host, host, "rwm"),
        [host, mode] if device_mode(mode) => (host, host, mode),
        [host, container] => (host, container, "rwm"),
        [host, container, mode] => (host, container, mode),
        _ => return Err(format!("invalid device specification: {checked}")),
    };
    Ok(DeviceMapping {
        path_on_host: Some(host.to_string()),
        path_in_container: Some(container.to_string()),
        cgroup_permissions: Some(permissions.to_string()),
    })
}

/// A device access mode: some of `r`, `w`, `m`, each at most once.
fn device_mode(mode: &str) -> bool {
    let mut seen = HashSet::new();
    !mode.is_empty()
        && mode
            .chars()
            .all(|c| matches!(c, 'r' | 'w' | 'm') && seen.insert(c))
}

/// The values of `--device-cgroup-rule`, each `type major:minor access`
/// (`c 1:3 mr`, `a *:* rwm`), checked and kept as given.
pub fn cgroup_rules(values: &[String]) -> Result<Vec<String>, String> {
    values
        .iter()
        .map(|rule| {
            if cgroup_rule(rule) {
                Ok(rule.clone())
            } else {
                let why = format!("invalid device cgroup format '{rule}'");
                Err(invalid_argument(CGROUP_RULE, rule, &why))
            }
        })
        .collect()
}

/// docker's pattern for a rule: `[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}`,
/// single spaces, nothing before or after.
fn cgroup_rule(rule: &str) -> bool {
    let number = |n: &str| n == "*" || (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let mut words = rule.splitn(3, ' ');
    let (Some(kind), Some(numbers), Some(access)) = (words.next(), words.next(), words.next())
    else {
        return false;
    };
    let Some((major, minor)) = numbers.split_once(':') else {
        return false;
    };
    matches!(kind, "a" | "b" | "c")
        && number(major)
        && number(minor)
        && (1..=3).contains(&access.len())
        && access.bytes().all(|b| matches!(b, b'r' | b'w' | b'm'))
}

/// The values of `--device-read-bps` or `--device-write-bps` (named by
/// `flag`, e.g. `--device-read-bps`): `/dev/sda:1mb`, a rate in bytes per
/// second with an optional binary unit.
pub fn throttle_bps(flag: &str, values: &[String]) -> Result<Vec<ThrottleDevice>, String> {
    values
        .iter()
        .map(|value| {
            let bad_rate = || {
                format!(
                    "invalid rate for device: {value}. The correct format is \
                     <device-path>:<number>[<unit>]. Number must be a positive integer. \
                     Unit is optional and can be kb, mb, or gb"
                )
            };
            let (path, rate) =
                device_and_value(value).map_err(|why| invalid_argument(flag, value, &why))?;
            let rate = ram_in_bytes(rate)
                .ok()
                .filter(|&rate| rate >= 0)
                .ok_or_else(|| invalid_argument(flag, value, &bad_rate()))?;
            Ok(ThrottleDevice {
                path: Some(path.to_string()),
                rate: Some(rate),
            })
        })
        .collect()
}

/// The values of `--device-read-iops` or `--device-write-iops` (named by
/// `flag`): `/dev/sda:1000`, a whole number of operations per second.
///
/// docker takes any 64-bit unsigned rate; the API model here holds a
/// signed one, so a rate above 2^63-1 is refused like a malformed one.
pub fn throttle_iops(flag: &str, values: &[String]) -> Result<Vec<ThrottleDevice>, String> {
    values
        .iter()
        .map(|value| {
            let bad_rate = || {
                format!(
                    "invalid rate for device: {value}. The correct format is \
                     <device-path>:<number>. Number must be a positive integer"
                )
            };
            let (path, rate) =
                device_and_value(value).map_err(|why| invalid_argument(flag, value, &why))?;
            let rate = parse_uint(rate, 10, 64)
                .ok()
                .and_then(|rate| i64::try_from(rate).ok())
                .ok_or_else(|| invalid_argument(flag, value, &bad_rate()))?;
            Ok(ThrottleDevice {
                path: Some(path.to_string()),
                rate: Some(rate),
            })
        })
        .collect()
}

/// The values of `--blkio-weight-device`: `/dev/sda:200`, a weight from 10
/// to 1000, or 0.
pub fn weight_devices(values: &[String]) -> Result<Vec<ResourcesBlkioWeightDevice>, String> {
    values
        .iter()
        .map(|value| {
            let refuse = |why: String| invalid_argument(WEIGHT_DEVICE, value, &why);
            let (path, weight) = device_and_value(value).map_err(refuse)?;
            let weight = parse_uint(weight, 10, 16)
                .ok()
                .filter(|&w| w == 0 || (10..=1000).contains(&w))
                .ok_or_else(|| refuse(format!("invalid weight for device: {value}")))?;
            Ok(ResourcesBlkioWeightDevice {
                path: Some(path.to_string()),
                weight: Some(weight as usize),
            })
        })
        .collect()
}

/// `/dev/...:value` split at its first colon, with docker's complaints
/// about the device part.
fn device_and_value(value: &str) -> Result<(&str, &str), String> {
    let (path, rest) = value
        .split_once(':')
        .filter(|(path, _)| !path.is_empty())
        .ok_or_else(|| format!("bad format: {value}"))?;
    if !path.starts_with("/dev/") {
        return Err(format!("bad format for device path: {value}"));
    }
    Ok((path, rest))
}

/// The values of `--gpus`, each a device request: `all`, a count (`2`), or
/// CSV fields `count=`, `device=` (ids), `driver=`, `capabilities=`,
/// `options=` (itself CSV of `key=value`). Quote fields that hold commas:
/// `--gpus '"device=1,2"'`. Without a count or devices, the count is 1;
/// the capabilities always end with `gpu`.
pub fn gpus(values: &[String]) -> Result<Vec<DeviceRequest>, String> {
    values
        .iter()
        .map(|value| gpu_request(value).map_err(|why| invalid_argument(GPUS, value, &why)))
        .collect()
}

fn gpu_request(value: &str) -> Result<DeviceRequest, String> {
    let mut driver = String::new();
    let mut count = 0;
    let mut device_ids = None;
    let mut capabilities = None;
    let mut options = None;
    let mut seen = HashSet::new();
    for field in csv_record(value)? {
        let (key, value) = match field.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (field.as_str(), None),
        };
        if !seen.insert(key.to_string()) {
            return Err(format!(
                "gpu request key '{key}' can be specified only once"
            ));
        }
        // A bare field is the count.
        let Some(value) = value else {
            seen.insert("count".to_string());
            count = gpu_count(key)?;
            continue;
        };
        match key {
            "driver" => driver = value.to_string(),
            "count" => count = gpu_count(value)?,
            "device" => device_ids = Some(value.split(',').map(str::to_string).collect()),
            "capabilities" => {
                let mut all: Vec<String> = value.split(',').map(str::to_string).collect();
                all.push("gpu".to_string());
                capabilities = Some(vec![all]);
            }
            "options" => {
                let pairs = csv_record(value)
                    .map_err(|why| format!("failed to read gpu options: {why}"))?;
                let map: HashMap<String, String> = pairs
                    .iter()
                    .map(|pair| {
                        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                        (key.to_string(), value.to_string())
                    })
                    .collect();
                options = Some(map);
            }
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }
    if !seen.contains("count") && device_ids.is_none() {
        count = 1;
    }
    Ok(DeviceRequest {
        driver: Some(driver),
        count: Some(count),
        device_ids,
        capabilities: Some(capabilities.unwrap_or_else(|| vec![vec!["gpu".to_string()]])),
        options: Some(options.unwrap_or_default()),
    })
}

/// A GPU count: `all` (-1) or an integer.
fn gpu_count(text: &str) -> Result<i64, String> {
    if text == "all" {
        return Ok(-1);
    }
    parse_int(text).map_err(|e| {
        format!(
            "invalid count ({text}): value must be either \"all\" or an integer: {}",
            e.reason()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opts::go::go_quote;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    fn mapping(host: &str, container: &str, permissions: &str) -> DeviceMapping {
        DeviceMapping {
            path_on_host: Some(host.to_string()),
            path_in_container: Some(container.to_string()),
            cgroup_permissions: Some(permissions.to_string()),
        }
    }

    #[test]
    fn device_specs_become_mappings() {
        let cases: &[(&str, (&str, &str, &str))] = &[
            ("/dev/sda", ("/dev/sda", "/dev/sda", "rwm")),
            ("/dev/sda:/dev/xvda", ("/dev/sda", "/dev/xvda", "rwm")),
            ("/dev/sda:/dev/xvda:rwm", ("/dev/sda", "/dev/xvda", "rwm")),
            ("/dev/sda:/dev/xvda:r", ("/dev/sda", "/dev/xvda", "r")),
            ("/dev/sda:rw", ("/dev/sda", "/dev/sda", "rw")),
            ("/dev/sda:mrw", ("/dev/sda", "/dev/sda", "mrw")),
            ("/dev//sda/", ("/dev/sda", "/dev/sda", "rwm")),
            ("/dev//null/:r", ("/dev/null", "/dev/null", "r")),
            ("/dev/null:/dev//x/", ("/dev/null", "/dev/x", "rwm")),
            // With all three parts docker cleans nothing.
            ("/dev/null:/dev//x/:r", ("/dev/null", "/dev//x/", "r")),
            ("relative:/dev/x", ("relative", "/dev/x", "rwm")),
        ];
        for &(value, (host, container, permissions)) in cases {
            assert_eq!(
                devices(&strings(&[value])),
                Ok(Devices {
                    mappings: vec![mapping(host, container, permissions)],
                    requests: vec![],
                }),
                "{value:?}"
            );
        }
    }

    #[test]
    fn cdi_names_become_one_request_after_the_mappings() {
        let values = strings(&[
            "vendor.com/class=name",
            "/dev/null",
            "vendor.com/class=na_me:0",
            "a/b=c",
        ]);
        assert_eq!(
            devices(&values),
            Ok(Devices {
                mappings: vec![mapping("/dev/null", "/dev/null", "rwm")],
                requests: vec![DeviceRequest {
                    driver: Some("cdi".to_string()),
                    count: Some(0),
                    device_ids: Some(strings(&[
                        "vendor.com/class=name",
                        "vendor.com/class=na_me:0",
                        "a/b=c"
                    ])),
                    capabilities: None,
                    options: None,
                }],
            })
        );
        assert_eq!(devices(&[]), Ok(Devices::default()));
    }

    #[test]
    fn cdi_names_follow_the_cdi_rules() {
        let qualified = [
            "vendor.com/class=name",
            "v/c=n",
            "Vendor-1_x.io/gpu=0",
            "vendor.com/class=a:b.c-d_e",
        ];
        for name in qualified {
            assert!(is_cdi_name(name), "{name:?}");
        }
        let unqualified = [
            "/vendor.com/class=name",
            "vendor.com/class",
            "vendor.com=name",
            "/class=name",
            "vendor.com/=name",
            "vendor.com/class=",
            "1vendor/class=name",
            "vendor./class=name",
            "vendor.com/cl@ss=name",
            "vendor.com/class/x=name",
            "vendor.com/class=-name",
            "vendor.com/class=name.",
            "vendör/class=name",
        ];
        for name in unqualified {
            assert!(!is_cdi_name(name), "{name:?}");
        }
    }

    #[test]
    fn bad_device_specs_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("/dev/null:", " is not an absolute path"),
            ("/dev/null:rr", "rr is not an absolute path"),
            ("/dev/null:/x:bad", "bad mode specified: bad"),
            ("/dev/null::r", " is not an absolute path"),
            ("a:b:c:d", "bad format for path: a:b:c:d"),
            (
                "/dev/null:/dev/null::",
                "bad format for path: /dev/null:/dev/null::",
            ),
            (":/x", "bad format for path: :/x"),
            ("", "bad format for path: "),
            ("null", "null is not an absolute path"),
            (
                "vendor.com/cl@ss=name",
                "vendor.com/cl@ss=name is not an absolute path",
            ),
            ("/dev/null:relative", "relative is not an absolute path"),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                devices(&strings(&[value])),
                Err(format!(
                    "invalid argument {} for \"--device\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }

    #[test]
    fn cgroup_rules_are_checked_and_kept() {
        let good = [
            "c 1:3 mr",
            "a *:* rwm",
            "b 8:0 r",
            "c 10:200 rwm",
            "c *:3 www",
        ];
        assert_eq!(cgroup_rules(&strings(&good)), Ok(strings(&good)));
        for bad in [
            "c 1:3 rrrr",
            "x 1:3 r",
            "c 1:3",
            "c 1:3 ",
            "c  1:3 r",
            "c 1:3  r",
            "c 1 r",
            "c :3 r",
            "c 1:** r",
            "c 1:3 r\n",
            " c 1:3 r",
            "c 1:3 x",
            "",
        ] {
            assert_eq!(
                cgroup_rules(&strings(&[bad])),
                Err(format!(
                    "invalid argument {} for \"--device-cgroup-rule\" flag: invalid device cgroup format '{bad}'",
                    go_quote(bad)
                )),
                "{bad:?}"
            );
        }
    }

    fn throttle(path: &str, rate: i64) -> ThrottleDevice {
        ThrottleDevice {
            path: Some(path.to_string()),
            rate: Some(rate),
        }
    }

    #[test]
    fn rate_limits_become_throttle_devices() {
        let values = strings(&[
            "/dev/sda:1mb",
            "/dev/sdb:512",
            "/dev/sda:1.5k",
            "/dev/sdc:0",
        ]);
        assert_eq!(
            throttle_bps("--device-read-bps", &values),
            Ok(vec![
                throttle("/dev/sda", 1 << 20),
                throttle("/dev/sdb", 512),
                throttle("/dev/sda", 1536),
                throttle("/dev/sdc", 0),
            ])
        );
        let values = strings(&["/dev/sda:1000", "/dev/sdb:9223372036854775807"]);
        assert_eq!(
            throttle_iops("--device-write-iops", &values),
            Ok(vec![
                throttle("/dev/sda", 1000),
                throttle("/dev/sdb", i64::MAX)
            ])
        );
    }

    #[test]
    fn bad_rate_limits_are_refused_with_docker_words() {
        const BPS: &str = ". The correct format is <device-path>:<number>[<unit>]. \
                           Number must be a positive integer. Unit is optional and can be kb, mb, or gb";
        const IOPS: &str =
            ". The correct format is <device-path>:<number>. Number must be a positive integer";
        let bps: &[(&str, String)] = &[
            ("/dev/sda", "bad format: /dev/sda".to_string()),
            (":1mb", "bad format: :1mb".to_string()),
            ("sda:1mb", "bad format for device path: sda:1mb".to_string()),
            (
                "/dev:1mb",
                "bad format for device path: /dev:1mb".to_string(),
            ),
            (
                "/dev/sda:x",
                format!("invalid rate for device: /dev/sda:x{BPS}"),
            ),
            (
                "/dev/sda:-1",
                format!("invalid rate for device: /dev/sda:-1{BPS}"),
            ),
            (
                "/dev/sda:inf k",
                format!("invalid rate for device: /dev/sda:inf k{BPS}"),
            ),
        ];
        for (value, reason) in bps {
            assert_eq!(
                throttle_bps("--device-read-bps", &strings(&[value])),
                Err(format!(
                    "invalid argument {} for \"--device-read-bps\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
        let iops: &[(&str, String)] = &[
            ("/dev/sda", "bad format: /dev/sda".to_string()),
            ("sda:1", "bad format for device path: sda:1".to_string()),
            (
                "/dev/sda:-1",
                format!("invalid rate for device: /dev/sda:-1{IOPS}"),
            ),
            (
                "/dev/sda:1k",
                format!("invalid rate for device: /dev/sda:1k{IOPS}"),
            ),
            (
                "/dev/sda:18446744073709551616",
                format!("invalid rate for device: /dev/sda:18446744073709551616{IOPS}"),
            ),
            // docker accepts this one; the API model cannot hold it.
            (
                "/dev/sda:18446744073709551615",
                format!("invalid rate for device: /dev/sda:18446744073709551615{IOPS}"),
            ),
        ];
        for (value, reason) in iops {
            assert_eq!(
                throttle_iops("--device-read-iops", &strings(&[value])),
                Err(format!(
                    "invalid argument {} for \"--device-read-iops\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }

    #[test]
    fn weights_become_weight_devices() {
        let values = strings(&["/dev/sda:200", "/dev/sdb:0", "/dev/sdc:10", "/dev/sdd:1000"]);
        let expected: Vec<_> = [
            ("/dev/sda", 200),
            ("/dev/sdb", 0),
            ("/dev/sdc", 10),
            ("/dev/sdd", 1000),
        ]
        .iter()
        .map(|&(path, weight)| ResourcesBlkioWeightDevice {
            path: Some(path.to_string()),
            weight: Some(weight),
        })
        .collect();
        assert_eq!(weight_devices(&values), Ok(expected));
        let cases: &[(&str, &str)] = &[
            ("/dev/sda:5", "invalid weight for device: /dev/sda:5"),
            ("/dev/sda:1001", "invalid weight for device: /dev/sda:1001"),
            (
                "/dev/sda:70000",
                "invalid weight for device: /dev/sda:70000",
            ),
            ("/dev/sda:x", "invalid weight for device: /dev/sda:x"),
            ("/dev/sda", "bad format: /dev/sda"),
            ("sda:200", "bad format for device path: sda:200"),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                weight_devices(&strings(&[value])),
                Err(format!(
                    "invalid argument {} for \"--blkio-weight-device\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }

    fn gpu(driver: &str, count: i64, ids: Option<&[&str]>, capabilities: &[&str]) -> DeviceRequest {
        DeviceRequest {
            driver: Some(driver.to_string()),
            count: Some(count),
            device_ids: ids.map(strings),
            capabilities: Some(vec![strings(capabilities)]),
            options: Some(HashMap::new()),
        }
    }

    #[test]
    fn gpu_values_become_device_requests() {
        let with_options = |request: DeviceRequest, options: &[(&str, &str)]| DeviceRequest {
            options: Some(
                options
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..request
        };
        let cases: Vec<(&str, DeviceRequest)> = vec![
            ("all", gpu("", -1, None, &["gpu"])),
            ("-1", gpu("", -1, None, &["gpu"])),
            ("count=all", gpu("", -1, None, &["gpu"])),
            ("2", gpu("", 2, None, &["gpu"])),
            ("+2", gpu("", 2, None, &["gpu"])),
            ("count=2,all", gpu("", -1, None, &["gpu"])),
            (r#""device=1,2""#, gpu("", 0, Some(&["1", "2"]), &["gpu"])),
            ("device=1", gpu("", 0, Some(&["1"]), &["gpu"])),
            ("device=", gpu("", 0, Some(&[""]), &["gpu"])),
            ("device=1,count=3", gpu("", 3, Some(&["1"]), &["gpu"])),
            (
                "capabilities=compute,driver=nvidia",
                gpu("nvidia", 1, None, &["compute", "gpu"]),
            ),
            (
                r#"driver=nvidia,"capabilities=compute,utility","options=foo=bar,baz=qux""#,
                with_options(
                    gpu("nvidia", 1, None, &["compute", "utility", "gpu"]),
                    &[("foo", "bar"), ("baz", "qux")],
                ),
            ),
            (
                r#"driver=nvidia,"options=a=b,c""#,
                with_options(gpu("nvidia", 1, None, &["gpu"]), &[("a", "b"), ("c", "")]),
            ),
            (
                "options==x",
                with_options(gpu("", 1, None, &["gpu"]), &[("", "x")]),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(gpus(&strings(&[value])), Ok(vec![expected]), "{value:?}");
        }
    }

    #[test]
    fn bad_gpu_values_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("", "EOF"),
            ("all,count=2", "gpu request key 'count' can be specified only once"),
            ("2,2", "gpu request key '2' can be specified only once"),
            ("driver=a,driver=b", "gpu request key 'driver' can be specified only once"),
            (
                "abc",
                "invalid count (abc): value must be either \"all\" or an integer: invalid syntax",
            ),
            (
                "count=invalid-integer",
                "invalid count (invalid-integer): value must be either \"all\" or an integer: invalid syntax",
            ),
            (
                "99999999999999999999",
                "invalid count (99999999999999999999): value must be either \"all\" or an integer: value out of range",
            ),
            ("options=", "failed to read gpu options: EOF"),
            ("foo=bar", "unexpected key 'foo' in 'foo=bar'"),
            ("\"all", "parse error on line 1, column 5: extraneous or missing \" in quoted-field"),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                gpus(&strings(&[value])),
                Err(format!(
                    "invalid argument {} for \"--gpus\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }
}
