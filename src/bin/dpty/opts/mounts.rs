//! `-v/--volume`, `--mount` and `--tmpfs`: the three ways `docker run`
//! mounts things, turned into the binds, anonymous volumes, mounts and
//! tmpfs map of the create request, as docker 28 builds them
//! (`opts.go`'s `parse`, `compose/loader`'s `ParseVolume`, `opts/mount.go`).
//!
//! The docker CLI checks only the syntax and leaves the meaning to the
//! engine: an unknown `--mount` type or a relative `--tmpfs` path is sent,
//! and the engine refuses it. Values are passed through the same way here,
//! except where the API model cannot carry them (a mount type or bind
//! propagation outside the engine's list); those are refused here with
//! the words the engine would use.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use bollard::models::{
    Mount, MountBindOptions, MountBindOptionsPropagationEnum, MountImageOptions, MountTmpfsOptions,
    MountType, MountVolumeOptions, MountVolumeOptionsDriverConfig,
};
use serde_json::json;

use super::go::{clean_path, csv_record, go_bool, parse_uint};
use super::units::ram_in_bytes;
use super::{empty_objects, invalid_argument, to_value, Body};
use crate::cli::ContainerArgs;

const VOLUME: &str = "-v, --volume";
const MOUNT: &str = "--mount";

/// What the container mounts and how its root file system behaves: `-v`,
/// `--tmpfs`, `--mount`, `--volumes-from`, `--volume-driver`, `--read-only`
/// and `--storage-opt`. Returns the mounts, for the checks that wait for
/// the engine's version.
pub(super) fn storage(
    c: &ContainerArgs,
    cwd: &Path,
    body: &mut Body,
) -> Result<Vec<Mount>, String> {
    let volumes = volumes(&c.volumes, cwd)?;
    let tmpfs = tmpfs(&c.tmpfs)?;
    let mount_list = mounts(&c.mounts)?;
    let storage_opts = super::misc::key_values("--storage-opt", &c.storage_opts)?;
    if !volumes.anonymous.is_empty() {
        body.config(json!({ "Volumes": empty_objects(&volumes.anonymous) }));
    }
    body.host(json!({
        "Binds": volumes.binds,
        "VolumeDriver": c.volume_driver.clone().unwrap_or_default(),
        "VolumesFrom": c.volumes_from,
        "ReadonlyRootfs": c.read_only,
        "StorageOpt": storage_opts,
        "Tmpfs": tmpfs,
        "Mounts": to_value(&mount_list),
    }));
    Ok(mount_list)
}

/// What `-v` puts in the create request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Volumes {
    /// `HostConfig.Binds`: specs with a source (a host path or a named
    /// volume), each once, in the order first given. A host path that
    /// starts with `.` is made absolute.
    pub binds: Vec<String>,
    /// The keys of `Config.Volumes`: specs with only a container path
    /// (`-v /data`), each once, sorted as docker's JSON lists them.
    pub anonymous: Vec<String>,
}

/// The values of `-v/--volume`, with `cwd` the directory relative host
/// paths are taken from (see [`working_dir`]).
///
/// docker reads the values through a map, so a repeated value counts once,
/// and its binds come out in no particular order; this keeps the order of
/// first appearance, one of the orders docker may send.
pub fn volumes(values: &[String], cwd: &Path) -> Result<Volumes, String> {
    let mut seen = HashSet::new();
    let mut binds = Vec::new();
    let mut anonymous = BTreeSet::new();
    for value in values {
        if !seen.insert(value.as_str()) {
            continue;
        }
        let source = volume_source(value).map_err(|why| invalid_argument(VOLUME, value, &why))?;
        if source.is_empty() {
            anonymous.insert(value.clone());
        } else if is_file_path(&source) {
            binds.push(absolute_host_part(value, cwd));
        } else {
            binds.push(value.clone());
        }
    }
    Ok(Volumes {
        binds,
        anonymous: anonymous.into_iter().collect(),
    })
}

/// The source of a `-v` spec (empty for an anonymous volume), checked as
/// compose's `ParseVolume` checks it: `source:target[:options]`, where a
/// one-letter section followed by `:` is a Windows drive (`c:\x:/y`), and
/// options are not checked at all (the engine does that).
fn volume_source(spec: &str) -> Result<String, String> {
    match spec.len() {
        0 => return Err("invalid empty volume spec".to_string()),
        // Too short for a colon between two sections.
        1 | 2 => return Ok(String::new()),
        _ => {}
    }
    let invalid = |why: &str| format!("invalid spec: {spec}: {why}");
    let (mut source, mut target) = (String::new(), String::new());
    let mut section: Vec<char> = Vec::new();
    // docker marks the end of the spec with a NUL and treats every NUL
    // alike, so one inside the spec ends a section too.
    for c in spec.chars().chain(std::iter::once('\0')) {
        let drive_letter = c == ':' && section.len() == 1 && section[0].is_alphabetic();
        if drive_letter || (c != ':' && c != '\0') {
            section.push(c);
            continue;
        }
        let text: String = section.drain(..).collect();
        if text.is_empty() {
            return Err(invalid("empty section between colons"));
        }
        if source.is_empty() && c == '\0' {
            target = text;
        } else if source.is_empty() {
            source = text;
        } else if target.is_empty() {
            target = text;
        } else if c == ':' {
            return Err(invalid("too many colons"));
        }
    }
    Ok(source)
}

/// Whether a `-v` source is a host path (a bind) rather than a volume name.
fn is_file_path(source: &str) -> bool {
    let mut chars = source.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '.' | '/' | '~') {
        return true;
    }
    if chars.next().is_none() {
        return false;
    }
    // A Windows pipe (\\.\pipe\x) or drive (c:...).
    source.starts_with("\\\\")
        || (first.is_alphabetic() && source.as_bytes().get(first.len_utf8()) == Some(&b':'))
}

/// A bind spec with a relative host path starting with `.` made absolute
/// against `cwd`, as docker does (`./data:/data`, `.:/src`, `..:/up`).
fn absolute_host_part(spec: &str, cwd: &Path) -> String {
    match spec.split_once(':') {
        Some((host, rest)) if !host.starts_with('/') && host.starts_with('.') => {
            format!("{}:{rest}", absolute(host, cwd))
        }
        _ => spec.to_string(),
    }
}

/// Go's `filepath.Abs` for a relative path: joined to `cwd` and cleaned.
fn absolute(path: &str, cwd: &Path) -> String {
    clean_path(&format!("{}/{path}", cwd.to_string_lossy()))
}

/// The working directory as Go's `os.Getwd` gives it, which is what docker
/// makes relative paths absolute against: `$PWD` when that names the
/// current directory (keeping the symlinks the shell followed), otherwise
/// the kernel's answer.
pub fn working_dir() -> Option<PathBuf> {
    use std::os::unix::fs::MetadataExt;
    if let Some(pwd) = std::env::var_os("PWD").map(PathBuf::from) {
        if pwd.is_absolute() {
            if let (Ok(dot), Ok(named)) = (std::fs::metadata("."), std::fs::metadata(&pwd)) {
                if dot.dev() == named.dev() && dot.ino() == named.ino() {
                    return Some(pwd);
                }
            }
        }
    }
    std::env::current_dir().ok()
}

/// The values of `--mount`, with relative sources made absolute against
/// the working directory as docker finds it.
pub fn mounts(values: &[String]) -> Result<Vec<Mount>, String> {
    mounts_relative_to(values, working_dir().as_deref())
}

/// [`mounts`] with the working directory given; `None` (no working
/// directory) leaves relative sources as they are, as docker does.
pub fn mounts_relative_to(values: &[String], cwd: Option<&Path>) -> Result<Vec<Mount>, String> {
    values
        .iter()
        .map(|value| mount(value, cwd).map_err(|why| invalid_argument(MOUNT, value, &why)))
        .collect()
}

/// What docker prints as warnings while reading these `--mount` values
/// (before it refuses any of them), for the caller to show the same way.
pub fn mount_warnings(values: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    for value in values {
        for field in csv_record(value).unwrap_or_default() {
            if let Some((key, value)) = field.split_once('=') {
                if key.eq_ignore_ascii_case("bind-nonrecursive") && go_bool(value).is_some() {
                    warnings.push(
                        "bind-nonrecursive is deprecated, use bind-recursive=disabled instead"
                            .to_string(),
                    );
                }
            }
        }
    }
    warnings
}

/// docker's client refuses some bind options on engines too old to honour
/// them, when it sends the request; this is that check, for the engine's
/// API version (e.g. "1.41").
pub fn check_api_version(mounts: &[Mount], api_version: &str) -> Result<(), String> {
    if !version_less(api_version, "1.44") {
        return Ok(());
    }
    for options in mounts.iter().filter_map(|m| m.bind_options.as_ref()) {
        if options.read_only_force_recursive == Some(true) {
            return Err("bind-recursive=readonly requires API v1.44 or later".to_string());
        }
        if options.non_recursive == Some(true) && version_less(api_version, "1.40") {
            return Err("bind-recursive=disabled requires API v1.40 or later".to_string());
        }
    }
    Ok(())
}

/// Whether API version `a` is older than `b`, comparing the numbers
/// between dots (a missing or non-numeric part counts as 0).
fn version_less(a: &str, b: &str) -> bool {
    let numbers = |v: &str| -> Vec<u64> { v.split('.').map(|n| n.parse().unwrap_or(0)).collect() };
    let (a, b) = (numbers(a), numbers(b));
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (
            a.get(i).copied().unwrap_or(0),
            b.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x < y;
        }
    }
    false
}

/// The `bind-*` keys of one `--mount`.
#[derive(Default)]
struct BindSettings {
    propagation: String,
    non_recursive: bool,
    read_only_non_recursive: bool,
    read_only_force_recursive: bool,
}

/// The `volume-*` keys of one `--mount`.
#[derive(Default)]
struct VolumeSettings {
    no_copy: bool,
    labels: HashMap<String, String>,
    subpath: String,
    driver: String,
    driver_options: HashMap<String, String>,
}

/// The `tmpfs-*` keys of one `--mount`.
#[derive(Default)]
struct TmpfsSettings {
    size: i64,
    mode: u64,
}

/// One `--mount` value: CSV fields `key=value` (keys in any case), or a
/// bare `readonly`/`ro`, `volume-nocopy`, `bind-nonrecursive`.
fn mount(value: &str, cwd: Option<&Path>) -> Result<Mount, String> {
    let mut kind = "volume".to_string();
    let (mut source, mut target, mut consistency) = (String::new(), String::new(), String::new());
    let mut read_only = false;
    let mut bind: Option<BindSettings> = None;
    let mut volume: Option<VolumeSettings> = None;
    let mut image_subpath: Option<String> = None;
    let mut tmpfs: Option<TmpfsSettings> = None;
    for field in csv_record(value)? {
        let Some((key, value)) = field.split_once('=') else {
            match field.to_lowercase().as_str() {
                "readonly" | "ro" => read_only = true,
                "volume-nocopy" => volume.get_or_insert_with(Default::default).no_copy = true,
                "bind-nonrecursive" => {
                    bind.get_or_insert_with(Default::default).non_recursive = true
                }
                _ => return Err(format!("invalid field '{field}' must be a key=value pair")),
            }
            continue;
        };
        let key = key.to_lowercase();
        let invalid = || format!("invalid value for {key}: {value}");
        match key.as_str() {
            "type" => kind = value.to_lowercase(),
            "source" | "src" => {
                source = match cwd {
                    Some(cwd) if !value.starts_with('/') && value.starts_with('.') => {
                        absolute(value, cwd)
                    }
                    _ => value.to_string(),
                }
            }
            "target" | "dst" | "destination" => target = value.to_string(),
            "readonly" | "ro" => read_only = go_bool(value).ok_or_else(invalid)?,
            "consistency" => consistency = value.to_lowercase(),
            "bind-propagation" => {
                bind.get_or_insert_with(Default::default).propagation = value.to_lowercase()
            }
            "bind-nonrecursive" => {
                bind.get_or_insert_with(Default::default).non_recursive =
                    go_bool(value).ok_or_else(invalid)?
            }
            "bind-recursive" => match value {
                // The engine's default: nothing to send.
                "enabled" => {}
                "disabled" => bind.get_or_insert_with(Default::default).non_recursive = true,
                "writable" => {
                    bind.get_or_insert_with(Default::default)
                        .read_only_non_recursive = true
                }
                "readonly" => {
                    bind.get_or_insert_with(Default::default)
                        .read_only_force_recursive = true
                }
                _ => {
                    return Err(format!(
                        "invalid value for {key}: {value} (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")"
                    ))
                }
            },
            "volume-subpath" => {
                volume.get_or_insert_with(Default::default).subpath = value.to_string()
            }
            "volume-nocopy" => {
                volume.get_or_insert_with(Default::default).no_copy = go_bool(value)
                    .ok_or_else(|| format!("invalid value for volume-nocopy: {value}"))?
            }
            "volume-label" => set_pair(
                &mut volume.get_or_insert_with(Default::default).labels,
                value,
            ),
            "volume-driver" => {
                volume.get_or_insert_with(Default::default).driver = value.to_string()
            }
            "volume-opt" => set_pair(
                &mut volume.get_or_insert_with(Default::default).driver_options,
                value,
            ),
            "image-subpath" => image_subpath = Some(value.to_string()),
            "tmpfs-size" => {
                tmpfs.get_or_insert_with(Default::default).size =
                    ram_in_bytes(value).map_err(|_| invalid())?
            }
            "tmpfs-mode" => {
                tmpfs.get_or_insert_with(Default::default).mode =
                    parse_uint(value, 8, 32).map_err(|_| invalid())?
            }
            _ => return Err(format!("unexpected key '{key}' in '{field}'")),
        }
    }

    if kind.is_empty() {
        return Err("type is required".to_string());
    }
    if target.is_empty() {
        return Err("target is required".to_string());
    }
    let mixed = |family: &str| format!("cannot mix '{family}-*' options with mount type '{kind}'");
    if volume.is_some() && kind != "volume" {
        return Err(mixed("volume"));
    }
    if image_subpath.is_some() && kind != "image" {
        return Err(mixed("image"));
    }
    if bind.is_some() && kind != "bind" {
        return Err(mixed("bind"));
    }
    if tmpfs.is_some() && kind != "tmpfs" {
        return Err(mixed("tmpfs"));
    }
    if let Some(bind) = &bind {
        if bind.read_only_non_recursive && !read_only {
            return Err(
                "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"
                    .to_string(),
            );
        }
        if bind.read_only_force_recursive {
            if !read_only {
                return Err("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction".to_string());
            }
            if bind.propagation != "rprivate" {
                return Err("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction".to_string());
            }
        }
    }

    // docker would send these; the engine knows no others and says so.
    let typ = kind
        .parse::<MountType>()
        .map_err(|_| format!("invalid mount config for type \"{kind}\": mount type unknown"))?;
    let bind_options = bind
        .map(|bind| -> Result<MountBindOptions, String> {
            let propagation = match bind.propagation.as_str() {
                "" => None,
                mode => Some(mode.parse::<MountBindOptionsPropagationEnum>().map_err(|_| {
                    format!("invalid mount config for type \"bind\": invalid propagation mode: {mode}")
                })?),
            };
            Ok(MountBindOptions {
                propagation,
                non_recursive: bind.non_recursive.then_some(true),
                create_mountpoint: None,
                read_only_non_recursive: bind.read_only_non_recursive.then_some(true),
                read_only_force_recursive: bind.read_only_force_recursive.then_some(true),
            })
        })
        .transpose()?;
    // Empty strings, false and empty maps are left out of docker's JSON.
    let text = |s: String| (!s.is_empty()).then_some(s);
    let map = |m: HashMap<String, String>| (!m.is_empty()).then_some(m);
    let volume_options = volume.map(|volume| MountVolumeOptions {
        no_copy: volume.no_copy.then_some(true),
        labels: map(volume.labels),
        // docker always sends a driver configuration, if only `{}`.
        driver_config: Some(MountVolumeOptionsDriverConfig {
            name: text(volume.driver),
            options: map(volume.driver_options),
        }),
        subpath: text(volume.subpath),
    });
    Ok(Mount {
        target: Some(target),
        source: text(source),
        typ: Some(typ),
        read_only: read_only.then_some(true),
        consistency: text(consistency),
        bind_options,
        volume_options,
        image_options: image_subpath.map(|subpath| MountImageOptions {
            subpath: text(subpath),
        }),
        tmpfs_options: tmpfs.map(|tmpfs| MountTmpfsOptions {
            size_bytes: (tmpfs.size != 0).then_some(tmpfs.size),
            mode: (tmpfs.mode != 0).then_some(tmpfs.mode as i64),
            options: None,
        }),
    })
}

/// `key=value` into `map`; a value without `=` is a key with an empty
/// value, and an empty key is dropped.
fn set_pair(map: &mut HashMap<String, String>, pair: &str) {
    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
    if !key.is_empty() {
        map.insert(key.to_string(), value.to_string());
    }
}

/// The values of `--tmpfs`, `path[:options]`, as `HostConfig.Tmpfs`; a
/// later value for the same path replaces an earlier one. docker checks
/// nothing here (the engine refuses a path that is not absolute).
pub fn tmpfs(values: &[String]) -> Result<HashMap<String, String>, String> {
    Ok(values
        .iter()
        .map(|value| {
            let (path, options) = value.split_once(':').unwrap_or((value, ""));
            (path.to_string(), options.to_string())
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opts::go::go_quote;

    const CWD: &str = "/home/me/src";

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn volume_specs_become_binds_or_anonymous_volumes() {
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            (&["/data"], &[], &["/data"]),
            (&["/a:/b"], &["/a:/b"], &[]),
            (&["/a:/b:ro"], &["/a:/b:ro"], &[]),
            (
                &["/a:/b:rw,nocopy,rshared,z,bogus"],
                &["/a:/b:rw,nocopy,rshared,z,bogus"],
                &[],
            ),
            (&["myvol:/data"], &["myvol:/data"], &[]),
            (&["./x:/y"], &["/home/me/src/x:/y"], &[]),
            (&[".:/y"], &["/home/me/src:/y"], &[]),
            (&["../x:/y:ro"], &["/home/me/x:/y:ro"], &[]),
            (&[".hidden:/y"], &["/home/me/src/.hidden:/y"], &[]),
            (&["~/x:/y"], &["~/x:/y"], &[]),
            (&["/a/../b/:/c/"], &["/a/../b/:/c/"], &[]),
            // Short or drive-like specs that docker takes as anonymous volumes.
            (&["ab"], &[], &["ab"]),
            (&["a:"], &[], &["a:"]),
            (&["a:b"], &[], &["a:b"]),
            (&["x"], &[], &["x"]),
            // Drive letters keep their colon: these pass and the engine judges them.
            (&["c:/foo:/bar"], &["c:/foo:/bar"], &[]),
            (&["a::b"], &["a::b"], &[]),
            (&["/a:/b:c:d"], &["/a:/b:c:d"], &[]),
            (
                &["/a:/b", "/data", "/a:/b", "/data", "/c:/d", "/e"],
                &["/a:/b", "/c:/d"],
                &["/data", "/e"],
            ),
            (&["/z", "/a"], &[], &["/a", "/z"]),
            (&[], &[], &[]),
        ];
        for &(values, binds, anonymous) in cases {
            assert_eq!(
                volumes(&strings(values), Path::new(CWD)),
                Ok(Volumes {
                    binds: strings(binds),
                    anonymous: strings(anonymous),
                }),
                "{values:?}"
            );
        }
    }

    #[test]
    fn bad_volume_specs_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("", "invalid empty volume spec"),
            ("/a:/b:ro:", "invalid spec: /a:/b:ro:: too many colons"),
            ("/a:/b:ro:x", "invalid spec: /a:/b:ro:x: too many colons"),
            (
                "/a:/b:",
                "invalid spec: /a:/b:: empty section between colons",
            ),
            (":/b", "invalid spec: :/b: empty section between colons"),
            (
                "/a::/b",
                "invalid spec: /a::/b: empty section between colons",
            ),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                volumes(&strings(&[value]), Path::new(CWD)),
                Err(format!(
                    "invalid argument {} for \"-v, --volume\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }

    fn bind(source: &str, target: &str) -> Mount {
        Mount {
            typ: Some(MountType::BIND),
            source: Some(source.to_string()),
            target: Some(target.to_string()),
            ..Default::default()
        }
    }

    fn bind_with(source: &str, target: &str, options: MountBindOptions) -> Mount {
        Mount {
            bind_options: Some(options),
            ..bind(source, target)
        }
    }

    fn pairs(list: &[(&str, &str)]) -> HashMap<String, String> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn mount_values_become_dockers_mounts() {
        let read_only = |m: Mount| Mount {
            read_only: Some(true),
            ..m
        };
        let cases: Vec<(&str, Mount)> =
            vec![
            ("type=bind,src=/tmp,dst=/x", bind("/tmp", "/x")),
            ("type=bind,source=/tmp,target=/x", bind("/tmp", "/x")),
            ("type=bind,src=/tmp,destination=/x", bind("/tmp", "/x")),
            ("type=bind,src=.,dst=/x,ro", read_only(bind(CWD, "/x"))),
            (
                "type=bind,src=./a/../b,dst=/x",
                bind("/home/me/src/b", "/x"),
            ),
            ("type=bind,src=/tmp,dst=/x,readonly=false", bind("/tmp", "/x")),
            ("type=bind,src=/tmp,dst=/x,ro=1", read_only(bind("/tmp", "/x"))),
            ("TYPE=BIND,SRC=/tmp,DST=/x,RO", read_only(bind("/tmp", "/x"))),
            (
                "type=bind,src=/tmp,dst=/x,readonly=1,bind-propagation=RSHARED",
                read_only(bind_with(
                    "/tmp",
                    "/x",
                    MountBindOptions {
                        propagation: Some(MountBindOptionsPropagationEnum::RSHARED),
                        ..Default::default()
                    },
                )),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-propagation=",
                bind_with("/tmp", "/x", MountBindOptions::default()),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-nonrecursive",
                bind_with(
                    "/tmp",
                    "/x",
                    MountBindOptions {
                        non_recursive: Some(true),
                        ..Default::default()
                    },
                ),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-nonrecursive=false",
                bind_with("/tmp", "/x", MountBindOptions::default()),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-recursive=disabled",
                bind_with(
                    "/tmp",
                    "/x",
                    MountBindOptions {
                        non_recursive: Some(true),
                        ..Default::default()
                    },
                ),
            ),
            // "enabled" is the default and sends nothing, not even BindOptions.
            (
                "type=bind,src=/tmp,dst=/x,bind-recursive=enabled",
                bind("/tmp", "/x"),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-recursive=writable,ro",
                read_only(bind_with(
                    "/tmp",
                    "/x",
                    MountBindOptions {
                        read_only_non_recursive: Some(true),
                        ..Default::default()
                    },
                )),
            ),
            (
                "type=bind,src=/tmp,dst=/x,bind-recursive=readonly,ro,bind-propagation=rprivate",
                read_only(bind_with(
                    "/tmp",
                    "/x",
                    MountBindOptions {
                        propagation: Some(MountBindOptionsPropagationEnum::RPRIVATE),
                        read_only_force_recursive: Some(true),
                        ..Default::default()
                    },
                )),
            ),
            (
                "type=bind,src=/tmp,dst=/x,consistency=Cached",
                Mount {
                    consistency: Some("cached".to_string()),
                    ..bind("/tmp", "/x")
                },
            ),
            (
                "dst=/x",
                Mount {
                    typ: Some(MountType::VOLUME),
                    target: Some("/x".to_string()),
                    ..Default::default()
                },
            ),
            (
                "type=volume,src=v1,dst=/x,volume-nocopy,volume-driver=local,\
                 volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-label=a=b,\
                 volume-label=c,volume-subpath=sub",
                Mount {
                    typ: Some(MountType::VOLUME),
                    source: Some("v1".to_string()),
                    target: Some("/x".to_string()),
                    volume_options: Some(MountVolumeOptions {
                        no_copy: Some(true),
                        labels: Some(pairs(&[("a", "b"), ("c", "")])),
                        driver_config: Some(MountVolumeOptionsDriverConfig {
                            name: Some("local".to_string()),
                            options: Some(pairs(&[("type", "tmpfs"), ("device", "tmpfs")])),
                        }),
                        subpath: Some("sub".to_string()),
                    }),
                    ..Default::default()
                },
            ),
            (
                "type=volume,dst=/x,volume-label=,volume-opt=,volume-nocopy=false",
                Mount {
                    typ: Some(MountType::VOLUME),
                    target: Some("/x".to_string()),
                    volume_options: Some(MountVolumeOptions {
                        driver_config: Some(MountVolumeOptionsDriverConfig::default()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ),
            (
                "type=tmpfs,dst=/x,tmpfs-size=64m,tmpfs-mode=1777",
                Mount {
                    typ: Some(MountType::TMPFS),
                    target: Some("/x".to_string()),
                    tmpfs_options: Some(MountTmpfsOptions {
                        size_bytes: Some(64 << 20),
                        mode: Some(0o1777),
                        options: None,
                    }),
                    ..Default::default()
                },
            ),
            (
                "type=tmpfs,dst=/x,tmpfs-size=0",
                Mount {
                    typ: Some(MountType::TMPFS),
                    target: Some("/x".to_string()),
                    tmpfs_options: Some(MountTmpfsOptions::default()),
                    ..Default::default()
                },
            ),
            (
                "type=image,src=busybox,dst=/x,image-subpath=/bin",
                Mount {
                    typ: Some(MountType::IMAGE),
                    source: Some("busybox".to_string()),
                    target: Some("/x".to_string()),
                    image_options: Some(MountImageOptions {
                        subpath: Some("/bin".to_string()),
                    }),
                    ..Default::default()
                },
            ),
            (
                "type=npipe,src=/x,dst=/x",
                Mount {
                    typ: Some(MountType::NPIPE),
                    ..bind("/x", "/x")
                },
            ),
            (
                "type=cluster,src=x,dst=/x",
                Mount {
                    typ: Some(MountType::CLUSTER),
                    ..bind("x", "/x")
                },
            ),
            // CSV quoting, as in docker's own documentation.
            (
                r#"type=volume,dst=/x,"volume-opt=o=addr=1.2.3.4,rw""#,
                Mount {
                    typ: Some(MountType::VOLUME),
                    target: Some("/x".to_string()),
                    volume_options: Some(MountVolumeOptions {
                        driver_config: Some(MountVolumeOptionsDriverConfig {
                            name: None,
                            options: Some(pairs(&[("o", "addr=1.2.3.4,rw")])),
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(
                mounts_relative_to(&strings(&[value]), Some(Path::new(CWD))),
                Ok(vec![expected]),
                "{value:?}"
            );
        }
    }

    #[test]
    fn relative_sources_stay_without_a_working_directory() {
        assert_eq!(
            mounts_relative_to(&strings(&["type=bind,src=./x,dst=/x"]), None),
            Ok(vec![bind("./x", "/x")])
        );
    }

    #[test]
    fn bad_mount_values_are_refused_with_docker_words() {
        let cases: &[(&str, &str)] = &[
            ("", "EOF"),
            ("type=,dst=/x", "type is required"),
            ("type=bind,src=/tmp", "target is required"),
            ("type=bind,src=/tmp,dst=/x,foo", "invalid field 'foo' must be a key=value pair"),
            ("type=bind,src=/tmp,dst=/x,foo=bar", "unexpected key 'foo' in 'foo=bar'"),
            ("type=bind,dst=/x,FOO=bar", "unexpected key 'foo' in 'FOO=bar'"),
            (
                "type=bind,dst=/x,bind-create-host-path=true",
                "unexpected key 'bind-create-host-path' in 'bind-create-host-path=true'",
            ),
            ("type=bind,dst=/x,ro=maybe", "invalid value for ro: maybe"),
            ("type=bind,dst=/x,READONLY=yes", "invalid value for readonly: yes"),
            ("type=bind,dst=/x,bind-nonrecursive=x", "invalid value for bind-nonrecursive: x"),
            (
                "type=bind,dst=/x,bind-recursive=bogus",
                "invalid value for bind-recursive: bogus (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")",
            ),
            (
                "type=bind,dst=/x,bind-recursive=Enabled",
                "invalid value for bind-recursive: Enabled (must be \"enabled\", \"disabled\", \"writable\", or \"readonly\")",
            ),
            ("type=volume,dst=/x,volume-nocopy=x", "invalid value for volume-nocopy: x"),
            ("type=tmpfs,dst=/x,tmpfs-size=-1", "invalid value for tmpfs-size: -1"),
            ("type=tmpfs,dst=/x,tmpfs-mode=9", "invalid value for tmpfs-mode: 9"),
            ("type=tmpfs,dst=/x,tmpfs-mode=0o755", "invalid value for tmpfs-mode: 0o755"),
            (
                "type=tmpfs,dst=/x,volume-nocopy",
                "cannot mix 'volume-*' options with mount type 'tmpfs'",
            ),
            (
                "type=bind,dst=/x,image-subpath=a",
                "cannot mix 'image-*' options with mount type 'bind'",
            ),
            (
                "dst=/x,bind-propagation=shared",
                "cannot mix 'bind-*' options with mount type 'volume'",
            ),
            (
                "type=volume,dst=/x,tmpfs-size=1m",
                "cannot mix 'tmpfs-*' options with mount type 'volume'",
            ),
            (
                "type=foo,dst=/x,bind-propagation=foo",
                "cannot mix 'bind-*' options with mount type 'foo'",
            ),
            (
                "type=bind,dst=/x,bind-recursive=writable",
                "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction",
            ),
            (
                "type=bind,dst=/x,bind-recursive=readonly",
                "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction",
            ),
            (
                "type=bind,dst=/x,bind-recursive=readonly,ro",
                "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction",
            ),
            // docker sends these; the engine refuses them in these words.
            ("type=foo,dst=/x", "invalid mount config for type \"foo\": mount type unknown"),
            (
                "type=bind,src=/tmp,dst=/x,bind-propagation=foo",
                "invalid mount config for type \"bind\": invalid propagation mode: foo",
            ),
            // CSV errors, in Go's words and 1-based byte columns.
            (
                r#"type=bind,"src=/tmp",dst=/x,x"y"#,
                "parse error on line 1, column 30: bare \" in non-quoted-field",
            ),
            (
                r#"type=bind,"src=/tmp"x,dst=/x"#,
                "parse error on line 1, column 20: extraneous or missing \" in quoted-field",
            ),
            (
                r#""type=bind"#,
                "parse error on line 1, column 11: extraneous or missing \" in quoted-field",
            ),
        ];
        for &(value, reason) in cases {
            assert_eq!(
                mounts_relative_to(&strings(&[value]), Some(Path::new(CWD))),
                Err(format!(
                    "invalid argument {} for \"--mount\" flag: {reason}",
                    go_quote(value)
                )),
                "{value:?}"
            );
        }
    }

    #[test]
    fn tmpfs_values_map_paths_to_options() {
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            (&["/run:rw,size=64m"], &[("/run", "rw,size=64m")]),
            (&["/run", "/run:ro"], &[("/run", "ro")]),
            (&["/a:b:c"], &[("/a", "b:c")]),
            (&["relative"], &[("relative", "")]),
            (&[""], &[("", "")]),
            (&[], &[]),
        ];
        for &(values, expected) in cases {
            assert_eq!(tmpfs(&strings(values)), Ok(pairs(expected)), "{values:?}");
        }
    }

    #[test]
    fn deprecated_options_warn_as_docker_does() {
        let values = strings(&[
            "type=bind,src=/a,dst=/b,bind-nonrecursive=true",
            "type=bind,src=/a,dst=/b,bind-nonrecursive",
            "type=bind,src=/a,dst=/b,bind-nonrecursive=maybe",
        ]);
        assert_eq!(
            mount_warnings(&values),
            vec!["bind-nonrecursive is deprecated, use bind-recursive=disabled instead"]
        );
    }

    #[test]
    fn old_engines_refuse_newer_bind_options_before_sending() {
        let force = bind_with(
            "/a",
            "/b",
            MountBindOptions {
                read_only_force_recursive: Some(true),
                ..Default::default()
            },
        );
        let non_recursive = bind_with(
            "/a",
            "/b",
            MountBindOptions {
                non_recursive: Some(true),
                ..Default::default()
            },
        );
        assert_eq!(
            check_api_version(std::slice::from_ref(&force), "1.41"),
            Err("bind-recursive=readonly requires API v1.44 or later".to_string())
        );
        assert_eq!(
            check_api_version(std::slice::from_ref(&force), "1.44"),
            Ok(())
        );
        assert_eq!(
            check_api_version(std::slice::from_ref(&non_recursive), "1.39"),
            Err("bind-recursive=disabled requires API v1.40 or later".to_string())
        );
        assert_eq!(check_api_version(&[non_recursive], "1.41"), Ok(()));
    }
}
