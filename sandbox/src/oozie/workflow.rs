//! Workflow definitions: the checks Oozie applies at submission (size
//! E0736, DOCTYPE and XSD E0701 against the shared wrapper schema (libxml2),
//! then the parser's and `LiteWorkflowValidator`'s structural checks
//! E0705/E0706/E0724/E0708/E0707 and "No name-node defined"), and the node
//! graph the engine walks.

use std::collections::HashMap;

use crate::oozie::error::OozieError;
use crate::xsd::WorkflowSchema;

/// `WorkflowDefinitionMaxLength` default.
const MAX_DEFINITION_LENGTH: usize = 100_000;
/// Longest node name `ParamChecker.validateActionName` accepts.
const MAX_NODE_NAME: usize = 128;
/// Action types that run through a launcher and need a name-node and a
/// job-tracker / resource-manager (own or from `<global>`).
const LAUNCHER_TYPES: [&str; 9] = [
    "java",
    "map-reduce",
    "pig",
    "shell",
    "spark",
    "hive",
    "hive2",
    "sqoop",
    "distcp",
];

/// What a node does.
#[derive(Debug, Clone)]
pub(crate) enum NodeKind {
    Start {
        to: String,
    },
    End,
    Kill {
        message: String,
    },
    Decision {
        xml: String,
        cases: Vec<(String, String)>,
        default: String,
    },
    Fork {
        paths: Vec<String>,
    },
    Join {
        to: String,
    },
    Action {
        action_type: String,
        xml: String,
        ok: String,
        error: String,
    },
}

/// One workflow node.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) kind: NodeKind,
}

impl Node {
    fn transitions(&self) -> Vec<&str> {
        match &self.kind {
            NodeKind::Start { to } | NodeKind::Join { to } => vec![to],
            NodeKind::End | NodeKind::Kill { .. } => vec![],
            NodeKind::Decision { cases, default, .. } => cases
                .iter()
                .map(|(_, t)| t.as_str())
                .chain(std::iter::once(default.as_str()))
                .collect(),
            NodeKind::Fork { paths } => paths.iter().map(String::as_str).collect(),
            NodeKind::Action { ok, error, .. } => vec![ok, error],
        }
    }
}

/// A parsed and validated workflow.
#[derive(Debug, Clone)]
pub(crate) struct Workflow {
    /// The raw `workflow-app/@name` (EL not yet evaluated).
    pub(crate) raw_name: String,
    /// The start node's target.
    pub(crate) start: String,
    /// Every node but start, by name.
    pub(crate) nodes: HashMap<String, Node>,
    /// Formal `<parameters>`: name and default value.
    pub(crate) parameters: Vec<(String, Option<String>)>,
    /// `<global>` XML text, for EL evaluation at run time.
    pub(crate) global_xml: Option<String>,
}

fn schema_error(text: impl std::fmt::Display) -> OozieError {
    OozieError::bad_request("E0701", format!("XML schema error, {text}"))
}

/// Checks the definition against the workflow schemas (libxml2, as
/// `xmllint --schema` would); `Err` carries libxml2's first message with
/// its line, the way Oozie words an E0701.
fn xsd_validate(definition: &str, schema: &WorkflowSchema) -> Result<(), OozieError> {
    schema
        .validate(definition)
        .map_err(|invalid| match invalid.line {
            Some(n) => schema_error(format!("lineNumber: {n}; {}", invalid.message)),
            None => schema_error(invalid.message),
        })
}

/// The raw XML text of an element, with a default `xmlns` added when the
/// element inherited its namespace (so it stands alone, as Oozie's
/// serialised action XML does).
fn element_xml(source: &str, node: roxmltree::Node) -> String {
    let raw = &source[node.range()];
    let has_default_ns = raw
        .split('>')
        .next()
        .is_some_and(|tag| tag.contains("xmlns="));
    match node.tag_name().namespace() {
        Some(ns) if !has_default_ns => {
            let name_len = 1 + node.tag_name().name().len();
            format!("{} xmlns=\"{ns}\"{}", &raw[..name_len], &raw[name_len..])
        }
        _ => raw.to_string(),
    }
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name)
}

fn attr(node: roxmltree::Node, name: &str) -> String {
    node.attribute(name).unwrap_or("").to_string()
}

/// Validates a definition the way Oozie's submission path does and
/// returns its graph.
///
/// `server_defaults` models `oozie.actions.default.name-node` and
/// `oozie.actions.default.job-tracker` being set on the server (the
/// sandbox sets them to the cluster's own addresses, so the conformance
/// samples get their graph-check codes); without them a launcher action
/// lacking both its own and a `<global>` value is E0701.
pub(crate) fn parse_and_validate(
    definition: &str,
    schema: &WorkflowSchema,
    server_defaults: bool,
) -> Result<Workflow, OozieError> {
    if definition.len() > MAX_DEFINITION_LENGTH {
        return Err(OozieError::bad_request(
            "E0736",
            format!(
                "Workflow definition length [{}] exceeded maximum allowed length [{MAX_DEFINITION_LENGTH}]",
                definition.len()
            ),
        ));
    }
    if let Some(at) = definition.to_ascii_uppercase().find("<!DOCTYPE") {
        // Real Oozie 5.2.1 (its parser has disallow-doctype-decl set): E0700,
        // not a schema error, naming the DOCTYPE's line.
        let line = definition[..at].matches('\n').count() + 1;
        return Err(OozieError::bad_request(
            "E0700",
            format!(
                "XML error, Error on line {line}: DOCTYPE is disallowed when the feature \"http://apache.org/xml/features/disallow-doctype-decl\" set to true."
            ),
        ));
    }
    xsd_validate(definition, schema)?;
    let doc = roxmltree::Document::parse(definition).map_err(schema_error)?;
    let root = doc.root_element();

    let mut nodes: HashMap<String, Node> = HashMap::new();
    let mut start = String::new();
    let mut parameters = Vec::new();
    let mut global_xml = None;
    let (mut global_nn, mut global_rm) = (false, false);

    for el in root.children().filter(|n| n.is_element()) {
        let tag = el.tag_name().name();
        let kind = match tag {
            "parameters" => {
                for p in el.children().filter(|n| n.has_tag_name("property")) {
                    let text =
                        |t: &str| child(p, t).map(|n| n.text().unwrap_or("").trim().to_string());
                    if let Some(name) = text("name") {
                        parameters.push((name, text("value")));
                    }
                }
                continue;
            }
            "global" => {
                global_nn = child(el, "name-node").is_some();
                global_rm =
                    child(el, "job-tracker").is_some() || child(el, "resource-manager").is_some();
                global_xml = Some(element_xml(definition, el));
                continue;
            }
            "start" => {
                start = attr(el, "to");
                continue;
            }
            "end" => NodeKind::End,
            "kill" => NodeKind::Kill {
                message: child(el, "message")
                    .and_then(|m| m.text())
                    .unwrap_or("")
                    .to_string(),
            },
            "decision" => {
                let switch = child(el, "switch");
                let cases = switch
                    .map(|s| {
                        s.children()
                            .filter(|n| n.has_tag_name("case"))
                            .map(|c| (c.text().unwrap_or("").to_string(), attr(c, "to")))
                            .collect()
                    })
                    .unwrap_or_default();
                let default = switch
                    .and_then(|s| child(s, "default"))
                    .map(|d| attr(d, "to"))
                    .unwrap_or_default();
                NodeKind::Decision {
                    xml: switch
                        .map(|s| element_xml(definition, s))
                        .unwrap_or_default(),
                    cases,
                    default,
                }
            }
            "fork" => NodeKind::Fork {
                paths: el
                    .children()
                    .filter(|n| n.has_tag_name("path"))
                    .map(|p| attr(p, "start"))
                    .collect(),
            },
            "join" => NodeKind::Join { to: attr(el, "to") },
            "action" => {
                let body = el
                    .children()
                    .find(|n| n.is_element() && !matches!(n.tag_name().name(), "ok" | "error"))
                    .ok_or_else(|| schema_error("action without a type element"))?;
                let action_type = body.tag_name().name().to_string();
                if !server_defaults && LAUNCHER_TYPES.contains(&action_type.as_str()) {
                    if child(body, "name-node").is_none() && !global_nn {
                        return Err(schema_error("No name-node defined"));
                    }
                    if child(body, "job-tracker").is_none()
                        && child(body, "resource-manager").is_none()
                        && !global_rm
                    {
                        return Err(schema_error("No job-tracker or resource-manager defined"));
                    }
                }
                NodeKind::Action {
                    action_type,
                    xml: element_xml(definition, body),
                    ok: child(el, "ok").map(|n| attr(n, "to")).unwrap_or_default(),
                    error: child(el, "error")
                        .map(|n| attr(n, "to"))
                        .unwrap_or_default(),
                }
            }
            _ => continue,
        };
        let name = attr(el, "name");
        let node = Node {
            name: name.clone(),
            kind,
        };
        if nodes.contains_key(&name) {
            return Err(OozieError::bad_request(
                "E0705",
                format!("Nnode already defined, node [{name}]"),
            ));
        }
        if node.transitions().contains(&name.as_str()) {
            return Err(OozieError::bad_request(
                "E0706",
                format!("Node cannot transition to itself node [{name}]"),
            ));
        }
        nodes.insert(name, node);
    }

    // The graph walk from <start>, as LiteWorkflowValidator does.
    let start_node = Node {
        name: ":start:".into(),
        kind: NodeKind::Start { to: start.clone() },
    };
    let mut state: HashMap<String, bool> = HashMap::new(); // false = visiting, true = done
    walk(
        &start_node,
        &nodes,
        &mut state,
        &mut vec![":start:".to_string()],
    )?;

    Ok(Workflow {
        raw_name: attr(root, "name"),
        start,
        nodes,
        parameters,
        global_xml,
    })
}

fn walk(
    node: &Node,
    nodes: &HashMap<String, Node>,
    state: &mut HashMap<String, bool>,
    path: &mut Vec<String>,
) -> Result<(), OozieError> {
    if node.name.len() > MAX_NODE_NAME {
        return Err(OozieError::bad_request(
            "E0724",
            format!(
                "Invalid node name, name [{}] must be {MAX_NODE_NAME} chars or less",
                node.name
            ),
        ));
    }
    state.insert(node.name.clone(), false);
    for target in node.transitions() {
        let Some(next) = nodes.get(target) else {
            return Err(OozieError::bad_request(
                "E0708",
                format!(
                    "Invalid transition, node [{}] transition [{target}]",
                    node.name
                ),
            ));
        };
        match state.get(target) {
            Some(false) => {
                return Err(OozieError::bad_request(
                    "E0707",
                    format!(
                        "Loop detected at parsing, node [{target}], path [{}->{target}]",
                        path.join("->")
                    ),
                ));
            }
            Some(true) => {}
            None => {
                path.push(target.to_string());
                walk(next, nodes, state, path)?;
                path.pop();
            }
        }
    }
    state.insert(node.name.clone(), true);
    Ok(())
}
