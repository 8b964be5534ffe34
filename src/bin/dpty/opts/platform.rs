//! `--platform`, read as the docker CLI reads it (containerd's platform
//! specifiers): `os[(version)][/arch[/variant]]`, or an OS or architecture
//! alone, normalised (`Linux/x86_64` is `linux/amd64`, `arm64/v8` is
//! `arm64`). The create request carries the normalised form; the pull takes
//! the value as typed, as with docker.

/// An OS, architecture and variant, after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: String,
}

impl Platform {
    /// The `platform` query parameter of the create request: the non-empty
    /// parts joined by `/` (an OS version is not sent).
    pub fn query(&self) -> String {
        [&self.os, &self.architecture, &self.variant]
            .into_iter()
            .filter(|part| !part.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("/")
    }
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// `--platform` if it was given a value, parsed; an empty value is none.
pub fn requested(value: Option<&str>) -> Result<Option<Platform>, String> {
    value.filter(|p| !p.is_empty()).map(parse).transpose()
}

/// Parses a platform specifier; the error is the whole line docker prints.
pub fn parse(spec: &str) -> Result<Platform, String> {
    let fail = |why: String| format!("error parsing specified platform: {why}: invalid argument");
    if spec.contains('*') {
        return Err(fail(format!("\"{spec}\": wildcards not yet supported")));
    }
    let parts: Vec<&str> = spec.splitn(4, '/').collect();
    let (os, _version) = split_os(parts[0]).ok_or_else(|| {
        fail(format!(
            "\"{}\" is an invalid OS component of \"{spec}\"",
            parts[0]
        ))
    })?;
    for part in &parts[1..] {
        if part.is_empty() || !part.chars().all(is_word) {
            return Err(fail(format!(
                "\"{part}\" is an invalid component of \"{spec}\""
            )));
        }
    }
    let os = normalize_os(os);
    match parts.len() {
        1 if KNOWN_OS.contains(&os.as_str()) => Ok(Platform {
            os,
            architecture: local_arch().to_owned(),
            variant: String::new(),
        }),
        1 => {
            let (architecture, mut variant) = normalize_arch(parts[0], "");
            if architecture == "arm" && variant == "v7" {
                variant.clear();
            }
            if !KNOWN_ARCH.contains(&architecture.as_str()) {
                return Err(fail(format!(
                    "\"{spec}\": unknown operating system or architecture"
                )));
            }
            Ok(Platform {
                os: "linux".to_owned(),
                architecture,
                variant,
            })
        }
        2 => {
            let (architecture, mut variant) = normalize_arch(parts[1], "");
            if architecture == "arm" && variant == "v7" {
                variant.clear();
            }
            Ok(Platform {
                os,
                architecture,
                variant,
            })
        }
        3 => {
            let (architecture, mut variant) = normalize_arch(parts[1], parts[2]);
            if architecture == "arm64" && variant.is_empty() {
                variant = "v8".to_owned();
            }
            Ok(Platform {
                os,
                architecture,
                variant,
            })
        }
        _ => Err(fail(format!("\"{spec}\": cannot parse platform specifier"))),
    }
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// `os` or `os(version)`.
fn split_os(part: &str) -> Option<(&str, &str)> {
    let (os, version) = match part.split_once('(') {
        Some((os, rest)) => (os, rest.strip_suffix(')')?),
        None => (part, ""),
    };
    let version_ok = version.chars().all(|c| is_word(c) || c == '.');
    (!os.is_empty() && os.chars().all(is_word) && version_ok).then_some((os, version))
}

fn normalize_os(os: &str) -> String {
    match os.to_ascii_lowercase().as_str() {
        "macos" => "darwin".to_owned(),
        other => other.to_owned(),
    }
}

fn normalize_arch(arch: &str, variant: &str) -> (String, String) {
    let arch = arch.to_ascii_lowercase();
    let variant = variant.to_ascii_lowercase();
    match arch.as_str() {
        "i386" => ("386".into(), String::new()),
        "x86_64" | "x86-64" | "amd64" => {
            let variant = if variant == "v1" {
                String::new()
            } else {
                variant
            };
            ("amd64".into(), variant)
        }
        "aarch64" | "arm64" => {
            let variant = match variant.as_str() {
                "8" | "v8" | "v8.0" => String::new(),
                "9" | "9.0" | "v9.0" => "v9".into(),
                _ => variant,
            };
            ("arm64".into(), variant)
        }
        "armhf" => ("arm".into(), "v7".into()),
        "armel" => ("arm".into(), "v6".into()),
        "arm" => {
            let variant = match variant.as_str() {
                "" | "7" => "v7".into(),
                "5" | "6" | "8" => format!("v{variant}"),
                _ => variant,
            };
            ("arm".into(), variant)
        }
        _ => (arch, variant),
    }
}

/// This machine's architecture in Go's words, which an OS given alone gets.
fn local_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifiers_normalise_as_docker_s() {
        let cases = [
            ("linux/amd64", "linux/amd64"),
            ("Linux/X86_64", "linux/amd64"),
            ("linux/arm64/v8", "linux/arm64/v8"),
            ("linux/aarch64", "linux/arm64"),
            ("linux/arm", "linux/arm"),
            ("linux/arm/v6", "linux/arm/v6"),
            ("linux/armhf", "linux/arm"),
            ("linux/i386", "linux/386"),
            ("windows(10.0.17763)/amd64", "windows/amd64"),
            ("amd64", "linux/amd64"),
            ("arm64", "linux/arm64"),
            ("macos/arm64", "darwin/arm64"),
        ];
        for (spec, query) in cases {
            assert_eq!(
                parse(spec).map(|p| p.query()),
                Ok(query.to_owned()),
                "{spec}"
            );
        }
        assert_eq!(parse("linux").unwrap().os, "linux");
        assert_eq!(parse("linux").unwrap().architecture, local_arch());
    }

    #[test]
    fn bad_specifiers_are_refused_in_one_line() {
        for (spec, says) in [
            ("nonsense", "unknown operating system or architecture"),
            ("linux/*", "wildcards not yet supported"),
            ("linux/a/b/c", "cannot parse platform specifier"),
            ("linux//amd64", "invalid component"),
            ("li nux/amd64", "invalid OS component"),
        ] {
            let error = parse(spec).unwrap_err();
            assert!(
                error.contains(says) && error.contains(spec),
                "{spec}: {error}"
            );
            assert!(
                error.starts_with("error parsing specified platform: "),
                "{error}"
            );
        }
    }
}
