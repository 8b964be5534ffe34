//! What a Swarm manager knows that `dpty service` needs: whether the engine
//! is in a swarm and may be asked, its services, their tasks and the nodes
//! those run on; and the engines of other nodes, reached over ssh.
//!
//! Only the fields used are read, into types of our own: bollard's swarm
//! models follow the newest API and make every field optional, and a
//! lookup here must say plainly what it did not find.

use hyper::Method;
use serde::Deserialize;

use super::ssh::SshSpec;
use super::{read_json, ApiError, Client, Endpoint, Engine};

/// The engine's own place in a swarm, from `GET /info`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SwarmInfo {
    /// Its node's id; empty outside a swarm.
    #[serde(rename = "NodeID", default)]
    pub node_id: String,
    /// `active` in a swarm; `inactive`, `pending`, `error` or `locked` otherwise.
    #[serde(rename = "LocalNodeState", default)]
    pub state: String,
    /// It is a manager, which can answer for the whole swarm.
    #[serde(rename = "ControlAvailable", default)]
    pub manager: bool,
    /// What went wrong, when the state is `error`.
    #[serde(rename = "Error", default)]
    pub error: String,
}

/// A service, as far as finding its tasks goes.
#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Spec")]
    spec: ServiceSpec,
}

#[derive(Debug, Clone, Deserialize)]
struct ServiceSpec {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Mode", default)]
    mode: serde_json::Value,
}

impl Service {
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// One task per node (`global` or `global-job`) rather than numbered slots.
    pub fn is_global(&self) -> bool {
        let mode = &self.spec.mode;
        mode.get("Global").is_some() || mode.get("GlobalJob").is_some()
    }

    /// How many tasks a replicated service asks for.
    pub fn replicas(&self) -> Option<u64> {
        self.spec.mode.get("Replicated")?.get("Replicas")?.as_u64()
    }
}

/// One task of a service.
#[derive(Debug, Clone, Deserialize)]
pub struct Task {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "ServiceID", default)]
    pub service_id: String,
    /// Its slot in a replicated service; global tasks have none.
    #[serde(rename = "Slot", default)]
    pub slot: Option<u64>,
    /// The node it was given to; empty while it waits for one.
    #[serde(rename = "NodeID", default)]
    pub node_id: String,
    #[serde(rename = "DesiredState", default)]
    pub desired_state: String,
    #[serde(rename = "Status", default)]
    pub status: TaskStatus,
    #[serde(rename = "UpdatedAt", default)]
    pub updated_at: String,
}

/// Where a task is in its life, and why.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskStatus {
    #[serde(rename = "State", default)]
    pub state: String,
    #[serde(rename = "Message", default)]
    pub message: String,
    #[serde(rename = "Err", default)]
    pub err: String,
    #[serde(rename = "ContainerStatus", default)]
    pub container: Option<ContainerStatus>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContainerStatus {
    #[serde(rename = "ContainerID", default)]
    pub id: String,
}

impl Task {
    /// Its container, once it has one.
    pub fn container_id(&self) -> Option<&str> {
        let id = self.status.container.as_ref()?.id.as_str();
        (!id.is_empty()).then_some(id)
    }

    /// Running now, in a container, and meant to go on running.
    pub fn is_running(&self) -> bool {
        self.status.state == "running"
            && self.desired_state == "running"
            && self.container_id().is_some()
    }

    /// Its state and why, as `docker service ps` shows them: `pending: no
    /// suitable node (...)`, `failed: task: non-zero exit (1)`.
    pub fn state_and_reason(&self) -> String {
        let status = &self.status;
        let reason = [&status.err, &status.message]
            .into_iter()
            .find(|text| !text.is_empty());
        match reason {
            Some(reason) => format!("{}: {reason}", status.state),
            None => status.state.clone(),
        }
    }
}

/// A node of the swarm, as far as reaching it goes.
#[derive(Debug, Clone, Deserialize)]
pub struct Node {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "Description", default)]
    description: NodeDescription,
    #[serde(rename = "Status", default)]
    status: NodeStatus,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct NodeDescription {
    #[serde(rename = "Hostname", default)]
    hostname: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct NodeStatus {
    #[serde(rename = "State", default)]
    state: String,
    #[serde(rename = "Addr", default)]
    addr: String,
}

impl Node {
    pub fn hostname(&self) -> &str {
        &self.description.hostname
    }

    /// The address it is reached at, as the manager sees it; empty when it
    /// has none worth using (`0.0.0.0`).
    pub fn addr(&self) -> &str {
        match self.status.addr.as_str() {
            "0.0.0.0" | "::" => "",
            addr => addr,
        }
    }

    /// `ready`, `down`, `disconnected` or `unknown`.
    pub fn state(&self) -> &str {
        &self.status.state
    }
}

/// The engine's place in a swarm.
pub async fn swarm_info(client: &Client) -> anyhow::Result<SwarmInfo> {
    #[derive(Deserialize)]
    struct Info {
        #[serde(rename = "Swarm", default)]
        swarm: Option<SwarmInfo>,
    }
    let response = client.request(Method::GET, "/info", None).await?;
    let info: Info = read_json(response).await?;
    Ok(info.swarm.unwrap_or_default())
}

/// `GET path`, with a 404 as `None`.
async fn inspect<T: serde::de::DeserializeOwned>(
    client: &Client,
    path: &str,
) -> anyhow::Result<Option<T>> {
    match client.request(Method::GET, path, None).await {
        Ok(response) => Ok(Some(read_json(response).await?)),
        Err(error) if ApiError::status_of(&error) == Some(404) => Ok(None),
        Err(error) => Err(error),
    }
}

/// The service of that name, id or id prefix.
pub async fn service(client: &Client, name: &str) -> anyhow::Result<Option<Service>> {
    inspect(client, &format!("/services/{}", super::query_escape(name))).await
}

/// The task of that id or unique id prefix.
pub async fn task(client: &Client, id: &str) -> anyhow::Result<Option<Task>> {
    inspect(client, &format!("/tasks/{}", super::query_escape(id))).await
}

/// The node of that id, id prefix or hostname.
pub async fn node(client: &Client, name: &str) -> anyhow::Result<Option<Node>> {
    inspect(client, &format!("/nodes/{}", super::query_escape(name))).await
}

/// Every node of the swarm.
pub async fn nodes(client: &Client) -> anyhow::Result<Vec<Node>> {
    let response = client.request(Method::GET, "/nodes", None).await?;
    read_json(response).await
}

/// The tasks of the service with id `service_id`, all that the manager
/// keeps (the running ones and a few before them in each slot), or only
/// those meant to be running.
pub async fn tasks(
    client: &Client,
    service_id: &str,
    only_desired_running: bool,
) -> anyhow::Result<Vec<Task>> {
    let mut filters = serde_json::json!({ "service": [service_id] });
    if only_desired_running {
        filters["desired-state"] = serde_json::json!(["running"]);
    }
    let path = format!(
        "/tasks?filters={}",
        super::query_escape(&filters.to_string())
    );
    let response = client.request(Method::GET, &path, None).await?;
    let tasks: Vec<Task> = read_json(response).await?;
    // The filter takes names and id prefixes too; only this service's count.
    Ok(tasks
        .into_iter()
        .filter(|task| task.service_id == service_id)
        .collect())
}

/// The engine of a node reached over ssh at `host` (an address or a name),
/// as `ssh [OPTIONS] [-l USER] HOST docker system dial-stdio`.
pub fn over_ssh(user: Option<&str>, host: &str, options: &[String]) -> Engine {
    Engine {
        endpoint: Endpoint::Ssh(SshSpec {
            user: user.map(str::to_owned),
            host: host.to_owned(),
            port: None,
            path: None,
            options: options.to_vec(),
        }),
        tls: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(json: serde_json::Value) -> Task {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_task_runs_only_with_a_container_and_the_wish_to() {
        let running = task(serde_json::json!({
            "ID": "t1", "ServiceID": "s", "Slot": 2, "NodeID": "n", "DesiredState": "running",
            "Status": { "State": "running", "Message": "started",
                        "ContainerStatus": { "ContainerID": "c1" } }
        }));
        assert!(running.is_running());
        assert_eq!(running.container_id(), Some("c1"));
        assert_eq!(running.slot, Some(2));
        let pending = task(serde_json::json!({
            "ID": "t2", "ServiceID": "s", "DesiredState": "running",
            "Status": { "State": "pending", "Message": "pending task scheduling",
                        "Err": "no suitable node (1 node not available for new tasks)" }
        }));
        assert!(!pending.is_running());
        assert_eq!(
            pending.state_and_reason(),
            "pending: no suitable node (1 node not available for new tasks)"
        );
        let global = task(serde_json::json!({ "ID": "t3", "Slot": null }));
        assert_eq!(global.slot, None);
        assert_eq!(global.state_and_reason(), "");
    }

    #[test]
    fn services_say_their_mode() {
        let service = |mode| -> Service {
            serde_json::from_value(serde_json::json!({
                "ID": "s", "Spec": { "Name": "web", "Mode": mode }
            }))
            .unwrap()
        };
        let web = service(serde_json::json!({ "Replicated": { "Replicas": 3 } }));
        assert_eq!(
            (web.name(), web.is_global(), web.replicas()),
            ("web", false, Some(3))
        );
        let agents = service(serde_json::json!({ "Global": {} }));
        assert!(agents.is_global());
        assert_eq!(agents.replicas(), None);
    }

    #[test]
    fn a_node_without_a_usable_address_has_none() {
        let node = |addr: &str| -> Node {
            serde_json::from_value(serde_json::json!({
                "ID": "n", "Description": { "Hostname": "node-b" },
                "Status": { "State": "ready", "Addr": addr }
            }))
            .unwrap()
        };
        assert_eq!(node("10.0.0.12").addr(), "10.0.0.12");
        assert_eq!(node("0.0.0.0").addr(), "");
        assert_eq!(node("0.0.0.0").hostname(), "node-b");
        assert_eq!(node("").state(), "ready");
    }

    #[test]
    fn an_engine_over_ssh_carries_its_options() {
        let engine = over_ssh(Some("ops"), "10.0.0.12", &["-J".into(), "bastion".into()]);
        assert_eq!(engine.to_string(), "ssh://ops@10.0.0.12");
        let Endpoint::Ssh(spec) = &engine.endpoint else {
            panic!("not ssh: {engine}");
        };
        assert_eq!(spec.args()[..2], ["-J", "bastion"]);
    }
}
