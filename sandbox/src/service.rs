//! The emulated services: one name per kind of server a listener plays.

use std::fmt;
use std::str::FromStr;

/// A kind of server the sandbox emulates. Every cluster has one listener
/// per service except [`Service::State`], which is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// hjob's state service (`/v1/state`).
    State,
    /// Oozie (`/oozie/...`).
    Oozie,
    /// The WebHDFS NameNode (`/webhdfs/v1/...`).
    NameNode,
    /// The WebHDFS DataNode, on 127.0.0.2 (the CREATE/OPEN step-2 target).
    DataNode,
    /// The YARN ResourceManager (`/ws/v1/cluster/...`, `/proxy/<app>/`).
    ResourceManager,
    /// The YARN NodeManager (`/ws/v1/node/...`, `/node/containerlogs/...`).
    NodeManager,
}

impl Service {
    /// Every service, in a stable order.
    pub const ALL: [Service; 6] = [
        Service::State,
        Service::Oozie,
        Service::NameNode,
        Service::DataNode,
        Service::ResourceManager,
        Service::NodeManager,
    ];

    /// The short lower-case name used in `--fault` specs and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Service::State => "state",
            Service::Oozie => "oozie",
            Service::NameNode => "namenode",
            Service::DataNode => "datanode",
            Service::ResourceManager => "rm",
            Service::NodeManager => "nm",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Service {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "state" => Service::State,
            "oozie" => Service::Oozie,
            "namenode" | "nn" | "webhdfs" => Service::NameNode,
            "datanode" | "dn" => Service::DataNode,
            "rm" | "resourcemanager" | "yarn" => Service::ResourceManager,
            "nm" | "nodemanager" => Service::NodeManager,
            other => anyhow::bail!(
                "unknown service `{other}` (expected state, oozie, namenode, datanode, rm or nm)"
            ),
        })
    }
}
