//! Generates dpty's shell completions and man pages from the clap definition the library exports
//! (`dpty::cli`), so there is one definition and nothing here can drift from it. An example
//! rather than a binary or a build script: it is never installed, and `cargo build` does not build it.
//!
//! ```text
//! cargo run --example gen_docs -- COMPLETIONS_DIR MAN_DIR
//! ```
//!
//! `scripts/gen-docs.sh` runs it on the checked-in `completions/` and `man/`, and `scripts/check-docs.sh`
//! on a temporary directory, to fail when those are stale. The output depends only on `src/cli/`, the
//! hand-written `completions/dynamic.{bash,zsh,fish}` (completion of container and image names, which
//! clap_complete cannot do) and the versions of clap, clap_complete and clap_mangen: no dates, nothing
//! from the environment, so regenerating gives the same bytes.

use dpty::cli;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, ensure, Context as _};
use clap::{Command, CommandFactory as _, ValueEnum as _};
use clap_complete::{Generator as _, Shell};

const BIN: &str = "dpty";

/// Hand-written shell code that completes container and image names from the engine, for bash, zsh
/// and fish, joined to what clap_complete generates for them; and the POSIX sh script they share,
/// which finds the engine dpty would use and asks it for the names.
const DYNAMIC_SH: &str = include_str!("../completions/dynamic.sh");
const DYNAMIC_BASH: &str = include_str!("../completions/dynamic.bash");
const DYNAMIC_ZSH: &str = include_str!("../completions/dynamic.zsh");
const DYNAMIC_FISH: &str = include_str!("../completions/dynamic.fish");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gen_docs: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [completions, man] = dirs.as_slice() else {
        bail!("usage: cargo run --example gen_docs -- COMPLETIONS_DIR MAN_DIR");
    };
    let mut cmd = cli::Cli::command();
    cmd.build();
    check_what_the_snippets_assume(&cmd)?;

    for &shell in Shell::value_variants() {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), BIN, &mut script);
        let mut script = String::from_utf8(script).context("clap_complete wrote non-UTF-8")?;
        script = match shell {
            Shell::Bash => bash_with_names(script, &cmd)?,
            Shell::Zsh => zsh_with_names(script, &cmd)?,
            Shell::Fish => fish_with_names(script, &cmd)?,
            _ => script,
        };
        write(&completions.join(shell.file_name(BIN)), &script)?;
    }

    std::fs::create_dir_all(man).with_context(|| format!("creating {}", man.display()))?;
    let source = format!("{BIN} {}", cmd.get_version().unwrap_or_default());
    write_man_pages(&cmd, man, &source)?;
    Ok(())
}

/// `dpty.1`, then `dpty-run.1` and so on for every subcommand that is not hidden. Every page names
/// dpty and its version in its footer (clap_mangen would name the subcommand: "run 0.1.0").
fn write_man_pages(cmd: &Command, dir: &Path, source: &str) -> anyhow::Result<()> {
    let page = clap_mangen::Man::new(cmd.clone()).source(source);
    let path = dir.join(page.get_filename());
    let mut roff = Vec::new();
    page.render(&mut roff)
        .with_context(|| format!("rendering {}", path.display()))?;
    std::fs::write(&path, roff).with_context(|| format!("writing {}", path.display()))?;
    for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_man_pages(sub, dir, source)?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The generated bash completion, followed by what dynamic.bash needs (see `shared_definitions`) and
/// by dynamic.bash, whose `complete` replaces the generated one.
fn bash_with_names(generated: String, cmd: &Command) -> anyhow::Result<String> {
    let shared = shared_definitions(cmd, Shell::Bash)?;
    Ok(format!(
        "{generated}\n{shared}\
         # Everything below this line is completions/dynamic.bash.\n\n{DYNAMIC_BASH}"
    ))
}

/// The generated fish completion, followed by what dynamic.fish needs and by dynamic.fish, whose
/// completion of names adds to the generated ones.
fn fish_with_names(generated: String, cmd: &Command) -> anyhow::Result<String> {
    let generated = fish_values_after_equals_only(generated, cmd)?;
    let shared = shared_definitions(cmd, Shell::Fish)?;
    Ok(format!(
        "{generated}\n{shared}\
         # Everything below this line is completions/dynamic.fish.\n\n{DYNAMIC_FISH}"
    ))
}

/// clap_complete marks every option that takes a value `-r` for fish, which then completes the next
/// word as the option's value: after `dpty run --rm ` it offered `true` and `false` instead of images.
/// An option whose value only ever follows `=` (`--rm`, `-d`, `--sig-proxy`) loses the `-r` here, and
/// fish offers its values after `--rm=` alone.
fn fish_values_after_equals_only(generated: String, cmd: &Command) -> anyhow::Result<String> {
    let mut longs = Vec::new();
    let mut pending = vec![cmd];
    while let Some(cmd) = pending.pop() {
        pending.extend(cmd.get_subcommands());
        longs.extend(
            cmd.get_arguments()
                .filter(|arg| {
                    arg.is_require_equals_set()
                        && arg.get_num_args().is_some_and(|n| n.takes_values())
                })
                .filter_map(|arg| arg.get_long()),
        );
    }
    let mut lines: Vec<String> = generated.split('\n').map(str::to_owned).collect();
    let mut changed = 0;
    for line in &mut lines {
        let Some(long) = longs.iter().find(|long| {
            line.starts_with("complete -c ") && line.contains(&format!(" -l {long} "))
        }) else {
            continue;
        };
        let rest = after_fish_description(line, long)
            .with_context(|| format!("cannot read the fish completion of --{long}: {line}"))?;
        // A flag of the same name elsewhere has no -r; the count below tells whether that was all.
        if rest == " -r" || rest.starts_with(" -r ") {
            let at = line.len() - rest.len();
            line.replace_range(at..at + " -r".len(), "");
            changed += 1;
        }
    }
    ensure!(
        changed == longs.len(),
        "{} options take their value after `=` only, but {changed} fish completions had -r; \
         did clap_complete change how it writes them?",
        longs.len()
    );
    Ok(lines.join("\n"))
}

/// What follows `-l LONG` and its `-d '...'` description, if any, in a line of the fish completion.
fn after_fish_description<'a>(line: &'a str, long: &str) -> Option<&'a str> {
    let flag = format!(" -l {long}");
    let rest = &line[line.find(&flag)? + flag.len()..];
    let Some(description) = rest.strip_prefix(" -d '") else {
        return Some(rest);
    };
    // Inside fish's single quotes, `\\` and `\'` are escapes; the first other `'` ends the string.
    let mut chars = description.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' => return Some(&description[at + 1..]),
            _ => {}
        }
    }
    None
}

/// The generated zsh completion with the first argument of `exec`, `attach`, `run`, `service exec`
/// and `service attach` completed by the functions of dynamic.zsh, which go in, after dynamic.sh,
/// before the lines that start the completion. The specs are found by the argument ids, which are src/cli/'s field names.
fn zsh_with_names(generated: String, cmd: &Command) -> anyhow::Result<String> {
    let mut script = generated;
    for (spec, action) in [
        (
            "'*::container_and_command -- ",
            "_dpty_first_then_default containers",
        ),
        (
            "'*::image_and_command -- ",
            "_dpty_first_then_default images",
        ),
        ("':target -- ", "_dpty_attach_target"),
        (
            "'*::task_and_command -- ",
            "_dpty_first_then_default services",
        ),
        ("':task -- ", "_dpty_names services"),
        (
            "'*::target_and_command -- ",
            "_dpty_first_then_default containers",
        ),
    ] {
        let default_action = ":_default' \\";
        let mut lines = script.lines().filter(|line| line.starts_with(spec));
        let (Some(line), None) = (lines.next(), lines.next()) else {
            bail!(
                "the zsh completion has no single spec starting with {spec}; was src/cli/ changed?"
            );
        };
        let Some(kept) = line.strip_suffix(default_action) else {
            bail!("the zsh spec {line:?} does not end with {default_action:?}");
        };
        script = script.replacen(line, &format!("{kept}:{action}' \\"), 1);
    }
    let start = "if [ \"$funcstack[1]\" = \"_dpty\" ]; then";
    ensure!(
        script.matches(start).count() == 1,
        "the zsh completion has no single line {start:?} to put completions/dynamic.zsh before"
    );
    let shared = shared_definitions(cmd, Shell::Zsh)?;
    Ok(script.replacen(start, &format!("{shared}\n{DYNAMIC_ZSH}{start}"), 1))
}

/// The variables the snippets share: dynamic.sh as a string (`_dpty_engine_sh`, in fish
/// `__dpty_engine_sh`), and for bash and fish, whose snippets find positional arguments themselves,
/// the options that take their value in the next word (`_dpty_value_options`), from the definition
/// rather than a copy of it. zsh's `_arguments` finds positional arguments on its own.
fn shared_definitions(cmd: &Command, shell: Shell) -> anyhow::Result<String> {
    let options = options_taking_next_word(cmd)?.join(" ");
    let definitions = match shell {
        Shell::Fish => format!(
            "set -g __dpty_value_options {options}\nset -g __dpty_engine_sh {}\n",
            fish_quote(DYNAMIC_SH)
        ),
        // zsh runs this inside the function that autoloading makes of the file: `-g` keeps it.
        Shell::Zsh => format!("typeset -g _dpty_engine_sh={}\n", sh_quote(DYNAMIC_SH)),
        _ => format!(
            "_dpty_value_options=' {options} '\n_dpty_engine_sh={}\n",
            sh_quote(DYNAMIC_SH)
        ),
    };
    Ok(format!(
        "# Generated by examples/gen_docs.rs from src/cli/ and completions/dynamic.sh.\n\
         {definitions}"
    ))
}

/// `text` as one single-quoted word for bash, zsh and sh.
fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` as one single-quoted word for fish, where `\` and `'` are escaped inside single quotes.
fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

/// Every option name (aliases too) of the command and its subcommands that takes its value in the next
/// word, sorted. A name that does so in one subcommand and not in another is refused: the snippets keep
/// one list for all of them.
fn options_taking_next_word(cmd: &Command) -> anyhow::Result<Vec<String>> {
    let mut takes_value = BTreeMap::new();
    let mut pending = vec![cmd];
    while let Some(cmd) = pending.pop() {
        pending.extend(cmd.get_subcommands());
        // Help and version end the command line, so nothing after them is completed; that lets
        // `dpty run -h` be --hostname while `dpty exec -h` is help.
        let ends_the_line = |arg: &&clap::Arg| {
            matches!(
                arg.get_action(),
                clap::ArgAction::Help | clap::ArgAction::HelpShort | clap::ArgAction::Version
            )
        };
        for arg in cmd
            .get_arguments()
            .filter(|arg| !arg.is_positional() && !ends_the_line(arg))
        {
            // `--sig-proxy` takes its value only after `=`: the next word is not its value.
            let next_word = arg.get_num_args().is_some_and(|n| n.takes_values())
                && !arg.is_require_equals_set();
            let shorts = arg
                .get_short()
                .into_iter()
                .chain(arg.get_all_short_aliases().unwrap_or_default());
            let longs = arg
                .get_long()
                .into_iter()
                .chain(arg.get_all_aliases().unwrap_or_default());
            let names = shorts
                .map(|short| format!("-{short}"))
                .chain(longs.map(|long| format!("--{long}")));
            for name in names {
                if let Some(before) = takes_value.insert(name.clone(), next_word) {
                    ensure!(
                        before == next_word,
                        "{name} takes a value in one subcommand and not in another; \
                         completions/dynamic.* need a list per subcommand"
                    );
                }
            }
        }
    }
    Ok(takes_value
        .into_iter()
        .filter_map(|(name, next_word)| next_word.then_some(name))
        .collect())
}

/// The snippets know subcommands and flags by name; a rename in src/cli/ must fail here, loudly,
/// rather than quietly stop completing names.
fn check_what_the_snippets_assume(cmd: &Command) -> anyhow::Result<()> {
    let first_positional = |sub: &str, value_name: &str| -> anyhow::Result<()> {
        let sub = cmd.find_subcommand(sub).with_context(|| {
            format!("completions/dynamic.* complete `dpty {sub}`, which is gone")
        })?;
        let names = sub
            .get_positionals()
            .next()
            .and_then(|arg| arg.get_value_names())
            .unwrap_or_default();
        ensure!(
            names.first().map(|name| name.as_str()) == Some(value_name),
            "completions/dynamic.* complete the first argument of `dpty {}` as a {value_name}; \
             src/cli/ changed it",
            sub.get_name()
        );
        Ok(())
    };
    first_positional("exec", "CONTAINER")?;
    first_positional("attach", "CONTAINER")?;
    first_positional("debug", "CONTAINER")?;
    first_positional("run", "IMAGE")?;
    for sub in ["exec", "attach"] {
        let service = cmd.find_subcommand("service");
        let names = service
            .and_then(|service| service.find_subcommand(sub))
            .and_then(|sub| sub.get_positionals().next())
            .and_then(|arg| arg.get_value_names())
            .unwrap_or_default();
        ensure!(
            names.first().map(|name| name.as_str()) == Some("TARGET"),
            "completions/dynamic.* complete the first argument of `dpty service {sub}` as a \
             TARGET; src/cli/ changed it"
        );
    }

    let has = |sub: Option<&str>, short: Option<char>, long: &str| {
        let cmd = sub.map_or(Some(cmd), |sub| cmd.find_subcommand(sub));
        cmd.is_some_and(|cmd| {
            cmd.get_arguments()
                .any(|arg| arg.get_long() == Some(long) && arg.get_short() == short)
        })
    };
    for (short, long) in [
        (Some('H'), "host"),
        (Some('c'), "context"),
        (None, "tls"),
        (None, "tlsverify"),
        (None, "tlscacert"),
        (None, "tlscert"),
        (None, "tlskey"),
    ] {
        ensure!(
            has(None, short, long),
            "completions/dynamic.* choose the engine by --{long}, which src/cli/ no longer has \
             (or no longer as -{})",
            short.unwrap_or(' ')
        );
    }
    ensure!(
        has(Some("attach"), None, "exec"),
        "completions/dynamic.* know `dpty attach --exec`, which src/cli/ no longer has"
    );
    Ok(())
}
