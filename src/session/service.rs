//! A task of a Swarm service as a session's target. The docker CLI has no
//! `service exec` (moby/moby#27552): a task runs on whichever node the
//! swarm chose, so its container must first be found through a manager and
//! its node reached. [`ServiceTask::find`] does the finding (`web`,
//! `web.2`, `agent.node-b` or a task id); [`ServiceTask::connect`] reaches
//! the node: the engine dpty is connected to when the task runs there, else
//! a docker context named after the node, else ssh to the node's address.
//! What follows is a session like any other, on that client.

use std::fmt;
use std::path::PathBuf;

use crate::docker::swarm::{self, Node, Service, SwarmInfo, Task};
use crate::docker::{context, ApiError, Client, Engine};
use crate::error::Result;

/// How the tasks of a swarm are found and their nodes reached.
///
/// ```
/// let reach = dpty::Reach {
///     node: Some("node-b".into()),
///     ssh_user: Some("ops".into()),
///     ssh_options: vec!["-J bastion".into()],
///     ..Default::default()
/// };
/// # drop(reach);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// Only the task on this node (its hostname or id).
    pub node: Option<String>,
    /// The user ssh logs in as on a node; ssh's own choice by default.
    pub ssh_user: Option<String>,
    /// More for `ssh`: an option that starts with `-` is its words
    /// (`-J bastion`), anything else is an `-o` option (`ProxyJump=bastion`).
    pub ssh_options: Vec<String>,
    /// The docker config directory whose contexts name nodes; `DOCKER_CONFIG`
    /// (default `~/.docker`) when `None`.
    pub config_dir: Option<PathBuf>,
}

/// A node of the swarm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwarmNode {
    /// Its id.
    pub id: String,
    /// Its hostname.
    pub hostname: String,
    /// Its address as the manager knows it; empty when it has none.
    pub addr: String,
    /// What the manager says of it: `ready`, `down`, `disconnected`, ...
    pub state: String,
}

/// How a task's node is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// It runs on the engine dpty is connected to: no hop at all.
    Connected,
    /// Through the docker context of this name (the node's hostname or id).
    Context {
        /// The context's name.
        name: String,
        /// The engine it points at.
        engine: Engine,
    },
    /// Over ssh to the node's address (or its hostname, when it has none).
    Ssh(Engine),
}

/// A running task of a service: its container, its node and how to reach it.
///
/// Resolve, then join it as any other target, on the node's client:
///
/// ```no_run
/// # async fn demo(manager: dpty::Client) -> dpty::Result<()> {
/// let task = dpty::ServiceTask::find(&manager, "web.2", &dpty::Reach::default()).await?;
/// eprintln!("{}", task.describe()); // web.2 runs on node-b (10.0.0.12), reached over ssh://...
/// let node = task.connect(&manager, 2).await?;
/// let end = dpty::Session::exec(&task.container, dpty::Process::new(["sh"]))
///     .tty(true)
///     .stdin(true)
///     .run(&node)
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTask {
    /// What addresses it: `web.2` for a replicated service's slot,
    /// `agent.node-b` for a global service's task on a node.
    pub name: String,
    /// The service's name.
    pub service: String,
    /// The task's id.
    pub task_id: String,
    /// Its slot, for a replicated service.
    pub slot: Option<u64>,
    /// The node it runs on.
    pub node: SwarmNode,
    /// Its container's id, on that node's engine.
    pub container: String,
    /// How that node is reached.
    pub route: Route,
}

/// What a target names, once it is known which service it is about.
enum Pick {
    /// Any running task: the one here, else the lowest slot.
    Any,
    /// A replicated service's slot.
    Slot(u64),
    /// A global service's task on this node.
    Node(String),
}

impl ServiceTask {
    /// Finds the running task `target` names, asking `manager` (the engine
    /// dpty is connected to, a swarm manager): `SERVICE` (its task on the
    /// connected engine's node if it has one, else the lowest slot),
    /// `SERVICE.SLOT`, `SERVICE.NODE` for a global service (hostname or id),
    /// or a task id or unique prefix of one. [`Reach::node`] picks the task
    /// on that node. Nothing that cannot be found is guessed: a missing
    /// service, slot, node or running task is an error saying which (with
    /// the state and error of the latest task when none runs).
    pub async fn find(manager: &Client, target: &str, reach: &Reach) -> Result<ServiceTask> {
        Ok(find(manager, target, reach).await?)
    }

    /// Every running task of `service`, by slot (or by node, for a global
    /// service); only those on [`Reach::node`] when it is set.
    pub async fn every(manager: &Client, service: &str, reach: &Reach) -> Result<Vec<ServiceTask>> {
        Ok(every(manager, service, reach).await?)
    }

    /// A client for the task's node: `manager` itself when the task runs
    /// there, else a new connection (see [`Client::connect_with`] for
    /// `connections`). A node that cannot be reached is
    /// [`ErrorKind::Unreachable`](crate::ErrorKind::Unreachable), with
    /// ssh's own last words when it went over ssh.
    pub async fn connect(&self, manager: &Client, connections: usize) -> Result<Client> {
        let engine = match &self.route {
            Route::Connected => return Ok(manager.clone()),
            Route::Context { engine, .. } | Route::Ssh(engine) => engine,
        };
        let node = &self.node;
        let state = match node.state.as_str() {
            "ready" | "" => String::new(),
            state => format!(", which the manager says is {state}"),
        };
        Client::connect_with(engine, connections)
            .await
            .map_err(|error| {
                let step = format!("reaching {} on {}{state}", self.name, node.hostname);
                error.into_inner().context(step).into()
            })
    }

    /// Where it runs and how it is reached, in a line for the user:
    /// `web.2 runs on node-b (10.0.0.12), reached over ssh://10.0.0.12`.
    pub fn describe(&self) -> String {
        let at = match self.node.addr.as_str() {
            "" => String::new(),
            addr => format!(" ({addr})"),
        };
        let how = match &self.route {
            Route::Connected => "the engine dpty is connected to".to_owned(),
            Route::Context { name, .. } => format!("reached through context {name}"),
            Route::Ssh(engine) => format!("reached over {engine}"),
        };
        format!("{} runs on {}{at}, {how}", self.name, self.node.hostname)
    }

    /// `web.2@node-b`: the task and its node, as `docker service logs`
    /// names where a line comes from.
    pub fn label(&self) -> String {
        format!("{}@{}", self.name, self.node.hostname)
    }
}

impl fmt::Display for ServiceTask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A refusal worded as the engine's, with the status the engine gives the
/// same refusal: 404 for what does not exist, 503 for an engine that cannot
/// answer for the swarm.
fn refused(status: u16, message: String) -> anyhow::Error {
    ApiError { status, message }.into()
}

/// The connected engine's place in the swarm, when it is a manager.
async fn manager_info(client: &Client) -> anyhow::Result<SwarmInfo> {
    let address = client.address();
    if client.is_podman() {
        return Err(refused(
            503,
            format!(
                "the engine at {address} is Podman, which has no swarm: dpty service needs a \
                 Docker Engine that is a swarm manager"
            ),
        ));
    }
    let info = swarm::swarm_info(client).await?;
    match info.state.as_str() {
        "active" if info.manager => Ok(info),
        "active" => Err(refused(
            503,
            format!(
                "the engine at {address} is a swarm worker, and only a manager knows the \
                 services: choose a manager with -H or --context"
            ),
        )),
        "" | "inactive" => Err(refused(
            503,
            format!(
                "the engine at {address} is not in a swarm: choose a swarm manager with -H or \
                 --context"
            ),
        )),
        state => {
            let why = match info.error.as_str() {
                "" => String::new(),
                error => format!(": {error}"),
            };
            Err(refused(
                503,
                format!("the engine at {address} is in swarm state {state}{why}"),
            ))
        }
    }
}

/// The node `name` (hostname or id) names, or an error saying it is unknown.
async fn node_named(client: &Client, name: &str) -> anyhow::Result<Node> {
    swarm::node(client, name)
        .await?
        .ok_or_else(|| refused(404, format!("no such node: {name}")))
}

/// The service `name` names: its name, id or id prefix.
async fn service_named(client: &Client, name: &str, target: &str) -> anyhow::Result<Service> {
    let found = swarm::service(client, name).await?;
    found.ok_or_else(|| match name == target {
        true => refused(404, format!("no such service: {name}")),
        false => refused(404, format!("no such service: {name} (in {target})")),
    })
}

async fn find(client: &Client, target: &str, reach: &Reach) -> anyhow::Result<ServiceTask> {
    let info = manager_info(client).await?;
    let wanted_node = match &reach.node {
        Some(name) => Some(node_named(client, name).await?),
        None => None,
    };
    // Service names have no dots (nor do ids): the first one ends the name,
    // and a node's hostname after it may have more.
    let (service, pick) = match target.split_once('.') {
        Some((name, rest)) => {
            let service = service_named(client, name, target).await?;
            let pick = match (service.is_global(), rest.parse::<u64>()) {
                (true, _) => Pick::Node(rest.to_owned()),
                (false, Ok(slot)) => Pick::Slot(slot),
                (false, Err(_)) => {
                    return Err(refused(
                        404,
                        format!(
                            "no such task: {target} (service {} is replicated: its tasks are \
                             {}.SLOT, a number)",
                            service.name(),
                            service.name()
                        ),
                    ))
                }
            };
            (service, pick)
        }
        None => {
            let service = swarm::service(client, target).await?;
            match service {
                Some(service) if service.name() == target => (service, Pick::Any),
                service => match swarm::task(client, target).await? {
                    Some(task) => return by_id(client, &info, task, wanted_node, reach).await,
                    None => match service {
                        Some(service) => (service, Pick::Any),
                        None => {
                            return Err(refused(404, format!("no such service or task: {target}")))
                        }
                    },
                },
            }
        }
    };
    let tasks = swarm::tasks(client, &service.id, false).await?;
    let running = |task: &&Task| task.is_running();
    let on_wanted = |task: &&Task| wanted_node.as_ref().is_none_or(|n| n.id == task.node_id);
    let chosen = match &pick {
        Pick::Any => {
            let mut candidates: Vec<&Task> =
                tasks.iter().filter(running).filter(on_wanted).collect();
            // Here first, then by slot (or, for global tasks, by node).
            candidates.sort_by_key(|t| (t.node_id != info.node_id, t.slot, t.node_id.clone()));
            match candidates.first() {
                Some(task) => (*task).clone(),
                None => return Err(none_running(&service, &tasks, wanted_node.as_ref())),
            }
        }
        Pick::Slot(slot) => {
            let in_slot: Vec<&Task> = tasks.iter().filter(|t| t.slot == Some(*slot)).collect();
            match in_slot.iter().copied().filter(running).max_by(by_update) {
                Some(task) => task.clone(),
                None => return Err(slot_not_running(&service, target, &in_slot)),
            }
        }
        Pick::Node(name) => {
            let node = match swarm::node(client, name).await? {
                Some(node) => node,
                None => return Err(refused(404, format!("no such node: {name} (in {target})"))),
            };
            let on_node: Vec<&Task> = tasks.iter().filter(|t| t.node_id == node.id).collect();
            match on_node.iter().copied().filter(running).max_by(by_update) {
                Some(task) => task.clone(),
                None => {
                    let latest = latest_of(&on_node);
                    return Err(refused(
                        404,
                        format!(
                            "{target} is not running: service {} has no running task on {}{latest}",
                            service.name(),
                            node.hostname()
                        ),
                    ));
                }
            }
        }
    };
    if let Some(wanted) = &wanted_node {
        if wanted.id != chosen.node_id {
            let node = swarm::node(client, &chosen.node_id).await?;
            let runs_on = node
                .as_ref()
                .map_or(chosen.node_id.as_str(), Node::hostname);
            return Err(refused(
                404,
                format!("{target} runs on {runs_on}, not on {}", wanted.hostname()),
            ));
        }
    }
    located(client, &info, &service, chosen, reach).await
}

/// A task named by its id: it must be running, and on the node asked for.
async fn by_id(
    client: &Client,
    info: &SwarmInfo,
    task: Task,
    wanted_node: Option<Node>,
    reach: &Reach,
) -> anyhow::Result<ServiceTask> {
    if !task.is_running() {
        return Err(refused(
            404,
            format!(
                "task {} is not running: {}",
                short_id(&task.id),
                task.state_and_reason()
            ),
        ));
    }
    if let Some(wanted) = wanted_node.filter(|n| n.id != task.node_id) {
        return Err(refused(
            404,
            format!(
                "task {} runs on another node than {}",
                short_id(&task.id),
                wanted.hostname()
            ),
        ));
    }
    let service = service_named(client, &task.service_id, &task.id).await?;
    located(client, info, &service, task, reach).await
}

fn by_update(a: &&Task, b: &&Task) -> std::cmp::Ordering {
    a.updated_at.cmp(&b.updated_at)
}

/// `: its latest task is pending: no suitable node (...)`, or nothing.
fn latest_of(tasks: &[&Task]) -> String {
    match tasks.iter().copied().max_by(by_update) {
        Some(task) => format!(": its latest task is {}", task.state_and_reason()),
        None => String::new(),
    }
}

/// Why a service has no task to join (on the node asked for).
fn none_running(service: &Service, tasks: &[Task], node: Option<&Node>) -> anyhow::Error {
    let name = service.name();
    if let Some(node) = node {
        let on_node: Vec<&Task> = tasks.iter().filter(|t| t.node_id == node.id).collect();
        return refused(
            404,
            format!(
                "service {name} has no running task on {}{}",
                node.hostname(),
                latest_of(&on_node)
            ),
        );
    }
    let all: Vec<&Task> = tasks.iter().collect();
    if all.is_empty() {
        return refused(404, format!("service {name} has no tasks"));
    }
    refused(
        404,
        format!("service {name} has no running task{}", latest_of(&all)),
    )
}

/// Why a slot has no task to join.
fn slot_not_running(service: &Service, target: &str, in_slot: &[&Task]) -> anyhow::Error {
    let name = service.name();
    if in_slot.is_empty() {
        let range = match service.replicas() {
            Some(0) => format!("service {name} has no replicas"),
            Some(1) => format!("its one task is {name}.1"),
            Some(n) => format!("its tasks are {name}.1 to {name}.{n}"),
            None => String::new(),
        };
        let range = match range.is_empty() {
            true => String::new(),
            false => format!(" ({range})"),
        };
        return refused(404, format!("no such task: {target}{range}"));
    }
    refused(
        404,
        format!("{target} is not running{}", latest_of(in_slot)),
    )
}

/// The first characters of an id, as `docker service ps` shows it.
fn short_id(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// The task with its node and the way there.
async fn located(
    client: &Client,
    info: &SwarmInfo,
    service: &Service,
    task: Task,
    reach: &Reach,
) -> anyhow::Result<ServiceTask> {
    let node = match swarm::node(client, &task.node_id).await? {
        Some(node) => node,
        None => {
            return Err(refused(
                404,
                format!("the node of task {} is gone", short_id(&task.id)),
            ))
        }
    };
    with_node(info, service, task, &node, reach)
}

fn with_node(
    info: &SwarmInfo,
    service: &Service,
    task: Task,
    node: &Node,
    reach: &Reach,
) -> anyhow::Result<ServiceTask> {
    let node = SwarmNode {
        id: node.id.clone(),
        hostname: node.hostname().to_owned(),
        addr: node.addr().to_owned(),
        state: node.state().to_owned(),
    };
    let name = match (service.is_global(), task.slot) {
        (false, Some(slot)) => format!("{}.{slot}", service.name()),
        _ => format!("{}.{}", service.name(), node.hostname),
    };
    let route = route(info, &node, reach)?;
    let container = task.container_id().unwrap_or_default().to_owned();
    Ok(ServiceTask {
        name,
        service: service.name().to_owned(),
        task_id: task.id,
        slot: task.slot,
        node,
        container,
        route,
    })
}

/// How long ssh may take to reach a node unless told otherwise: a node
/// that is down must be reported within seconds, not after ssh's usual
/// wait for an address that does not answer.
const NODE_CONNECT_TIMEOUT: u32 = 10;

/// The way to a node, in the order the issue of reaching it is settled by
/// the user's own set-up: no hop, a context named after it, then ssh.
fn route(info: &SwarmInfo, node: &SwarmNode, reach: &Reach) -> anyhow::Result<Route> {
    if node.id == info.node_id {
        return Ok(Route::Connected);
    }
    let config_dir = match &reach.config_dir {
        Some(dir) => dir.clone(),
        None => context::config_dir(|key| std::env::var(key).ok()),
    };
    for name in [&node.hostname, &node.id] {
        if !name.is_empty() && context::exists(&config_dir, name) {
            let engine = Engine::in_context(&config_dir, name)?;
            return Ok(Route::Context {
                name: name.clone(),
                engine,
            });
        }
    }
    let host = match (node.addr.as_str(), node.hostname.as_str()) {
        ("", "") => {
            return Err(refused(
                503,
                format!(
                    "node {} has neither an address nor a hostname to reach it by",
                    node.id
                ),
            ))
        }
        ("", hostname) => hostname,
        (addr, _) => addr,
    };
    let options = ssh_options(&reach.ssh_options);
    Ok(Route::Ssh(swarm::over_ssh(
        reach.ssh_user.as_deref(),
        host,
        &options,
    )))
}

/// `--ssh-option`s as ssh's arguments: `-J bastion` as its words,
/// `ProxyJump=bastion` as `-o ProxyJump=bastion`; and a connect timeout of
/// our own unless one was given.
fn ssh_options(given: &[String]) -> Vec<String> {
    let mut options = Vec::new();
    for option in given {
        match option.starts_with('-') {
            true => options.extend(option.split_whitespace().map(str::to_owned)),
            false => options.extend(["-o".to_owned(), option.clone()]),
        }
    }
    let has_timeout = options
        .iter()
        .any(|word| word.to_ascii_lowercase().contains("connecttimeout"));
    if !has_timeout {
        options.extend([
            "-o".to_owned(),
            format!("ConnectTimeout={NODE_CONNECT_TIMEOUT}"),
        ]);
    }
    options
}

async fn every(client: &Client, name: &str, reach: &Reach) -> anyhow::Result<Vec<ServiceTask>> {
    let info = manager_info(client).await?;
    let service = service_named(client, name, name).await?;
    if service.name() != name && !service.id.starts_with(name) {
        return Err(refused(404, format!("no such service: {name}")));
    }
    let wanted_node = match &reach.node {
        Some(node) => Some(node_named(client, node).await?),
        None => None,
    };
    let tasks = swarm::tasks(client, &service.id, false).await?;
    let mut running: Vec<&Task> = tasks
        .iter()
        .filter(|t| t.is_running())
        .filter(|t| wanted_node.as_ref().is_none_or(|n| n.id == t.node_id))
        .collect();
    if running.is_empty() {
        return Err(none_running(&service, &tasks, wanted_node.as_ref()));
    }
    let nodes = swarm::nodes(client).await?;
    let hostname = |id: &str| {
        let node = nodes.iter().find(|n| n.id == id);
        node.map_or(String::new(), |n| n.hostname().to_owned())
    };
    running.sort_by_key(|t| (t.slot, hostname(&t.node_id)));
    let mut found = Vec::new();
    for task in running {
        let Some(node) = nodes.iter().find(|n| n.id == task.node_id) else {
            continue;
        };
        found.push(with_node(&info, &service, task.clone(), node, reach)?);
    }
    Ok(found)
}

/// What to tell the user who asked to `verb` (exec, attach) a container
/// the engine does not have, when the name is one of a swarm's: the same
/// refusal, with the command that does what was meant. `None` when the name
/// means nothing to the swarm (or there is none to ask).
pub(crate) async fn missing_container(client: &Client, name: &str, verb: &str) -> Option<String> {
    if client.is_podman() || name.is_empty() {
        return None;
    }
    let info = swarm::swarm_info(client).await.ok()?;
    if info.state != "active" || !info.manager {
        return None;
    }
    let (service, what) = match name.split_once('.') {
        Some((service, _)) => (service, format!("a task of service {service}")),
        None => (name, "a service".to_owned()),
    };
    let found = swarm::service(client, service).await.ok()??;
    (found.name() == service)
        .then(|| format!("no such container: {name} ({what}: dpty service {verb} {name})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_options_are_words_or_o_options_with_a_timeout_of_our_own() {
        assert_eq!(
            ssh_options(&["-J bastion".into(), "Port=2222".into()]),
            [
                "-J",
                "bastion",
                "-o",
                "Port=2222",
                "-o",
                "ConnectTimeout=10"
            ]
        );
        assert_eq!(
            ssh_options(&["ConnectTimeout=3".into()]),
            ["-o", "ConnectTimeout=3"]
        );
        assert_eq!(ssh_options(&[]), ["-o", "ConnectTimeout=10"]);
    }

    fn task_on(route: Route, addr: &str) -> ServiceTask {
        ServiceTask {
            name: "web.2".into(),
            service: "web".into(),
            task_id: "t".into(),
            slot: Some(2),
            node: SwarmNode {
                id: "n2".into(),
                hostname: "node-b".into(),
                addr: addr.into(),
                state: "ready".into(),
            },
            container: "c".into(),
            route,
        }
    }

    #[test]
    fn the_line_says_where_and_how() {
        let ssh = swarm::over_ssh(None, "10.0.0.12", &[]);
        assert_eq!(
            task_on(Route::Ssh(ssh), "10.0.0.12").describe(),
            "web.2 runs on node-b (10.0.0.12), reached over ssh://10.0.0.12"
        );
        assert_eq!(
            task_on(Route::Connected, "").describe(),
            "web.2 runs on node-b, the engine dpty is connected to"
        );
        let engine = Engine::parse("unix:///run/b.sock").unwrap();
        let context = Route::Context {
            name: "node-b".into(),
            engine,
        };
        assert_eq!(
            task_on(context, "10.0.0.12").describe(),
            "web.2 runs on node-b (10.0.0.12), reached through context node-b"
        );
        assert_eq!(task_on(Route::Connected, "").label(), "web.2@node-b");
    }

    #[test]
    fn a_node_is_reached_here_then_by_context_then_over_ssh() {
        let dir = std::env::temp_dir().join(format!("dpty-route-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let info = SwarmInfo {
            node_id: "n1".into(),
            state: "active".into(),
            manager: true,
            error: String::new(),
        };
        let node = |id: &str, hostname: &str, addr: &str| SwarmNode {
            id: id.into(),
            hostname: hostname.into(),
            addr: addr.into(),
            state: "ready".into(),
        };
        let reach = Reach {
            ssh_user: Some("ops".into()),
            config_dir: Some(dir.clone()),
            ..Reach::default()
        };
        assert_eq!(
            route(&info, &node("n1", "a", "10.0.0.11"), &reach).unwrap(),
            Route::Connected
        );
        let Route::Ssh(engine) = route(&info, &node("n2", "b", "10.0.0.12"), &reach).unwrap()
        else {
            panic!("not over ssh");
        };
        assert_eq!(engine.to_string(), "ssh://ops@10.0.0.12");
        let Route::Ssh(engine) = route(&info, &node("n2", "b", ""), &reach).unwrap() else {
            panic!("not over ssh");
        };
        assert_eq!(engine.to_string(), "ssh://ops@b");
        // A context named after the node's id, as the docker CLI writes it.
        use sha2::Digest as _;
        let hash = format!("{:x}", sha2::Sha256::digest(b"n2"));
        let meta = dir.join("contexts/meta").join(hash);
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("meta.json"),
            r#"{"Name":"n2","Endpoints":{"docker":{"Host":"unix:///run/b.sock"}}}"#,
        )
        .unwrap();
        let Route::Context { name, engine } =
            route(&info, &node("n2", "b", "10.0.0.12"), &reach).unwrap()
        else {
            panic!("not through the context");
        };
        assert_eq!(
            (name.as_str(), engine.to_string()),
            ("n2", "unix:///run/b.sock".into())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
