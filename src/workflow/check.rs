//! Structural checks on a rendered workflow, the part of Oozie's submission
//! validation that needs no schema (`../shared/docs/oozie-rest.md`, section
//! 11): well-formed XML without DOCTYPE, a `workflow-app` root, node names
//! that are unique and valid, transitions that resolve and never point at
//! their own node, a size under Oozie's limit, and a literal app name.
//!
//! Schema validation proper is done in the tests with
//! `../shared/conformance/oozie/validate.sh`; these checks run on every
//! render so a broken user template is caught before anything is staged.

use std::collections::BTreeSet;

/// Oozie's default `WorkflowDefinitionMaxLength` (E0736 above it).
pub const MAX_WORKFLOW_BYTES: usize = 100_000;

/// Node kinds that carry a `name` attribute at the top level.
const NAMED_NODES: [&str; 6] = ["action", "decision", "fork", "join", "kill", "end"];

/// Why a rendered workflow would be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct StructureError {
    /// The Oozie error code the server would answer with.
    pub code: &'static str,
    /// What is wrong, naming the node.
    pub message: String,
}

fn fail(code: &'static str, message: impl Into<String>) -> StructureError {
    StructureError {
        code,
        message: message.into(),
    }
}

/// Whether a node name matches Oozie's IDENTIFIER pattern and length.
pub fn is_valid_node_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && name.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Runs every structural check on a rendered workflow.
pub fn check(xml: &str) -> Result<(), StructureError> {
    if xml.len() > MAX_WORKFLOW_BYTES {
        return Err(fail(
            "E0736",
            format!(
                "the workflow is {} bytes; Oozie accepts at most {MAX_WORKFLOW_BYTES}",
                xml.len()
            ),
        ));
    }
    let doc = roxmltree::Document::parse(xml)
        .map_err(|e| fail("E0701", format!("not well-formed XML: {e}")))?;
    let root = doc.root_element();
    if root.tag_name().name() != "workflow-app" {
        return Err(fail(
            "E0701",
            format!(
                "the root element is <{}>, not <workflow-app>",
                root.tag_name().name()
            ),
        ));
    }
    let app_name = root
        .attribute("name")
        .ok_or_else(|| fail("E0701", "<workflow-app> has no name attribute"))?;
    if app_name.contains("${") || app_name.contains("#{") {
        return Err(fail(
            "E0803",
            format!("the workflow name {app_name:?} contains EL"),
        ));
    }
    let mut names = BTreeSet::new();
    let mut start = None;
    for node in root.children().filter(roxmltree::Node::is_element) {
        let tag = node.tag_name().name();
        if tag == "start" {
            start = node.attribute("to");
            continue;
        }
        if !NAMED_NODES.contains(&tag) {
            continue;
        }
        let name = node
            .attribute("name")
            .ok_or_else(|| fail("E0701", format!("a <{tag}> node has no name")))?;
        if !is_valid_node_name(name) {
            return Err(fail(
                "E0724",
                format!(
                    "invalid node name {name:?}: use [A-Za-z_][A-Za-z0-9_-]*, at most 128 characters"
                ),
            ));
        }
        if !names.insert(name) {
            return Err(fail("E0705", format!("node {name:?} is defined twice")));
        }
    }
    let start = start.ok_or_else(|| fail("E0701", "the workflow has no <start to=…/>"))?;
    if !names.contains(start) {
        return Err(fail(
            "E0708",
            format!("<start> transitions to undefined node {start:?}"),
        ));
    }
    if !root
        .children()
        .any(|n| n.is_element() && n.tag_name().name() == "end")
    {
        return Err(fail("E0701", "the workflow has no <end> node"));
    }
    check_required_values(root)?;
    for node in root.children().filter(roxmltree::Node::is_element) {
        let Some(name) = node.attribute("name") else {
            continue;
        };
        if !NAMED_NODES.contains(&node.tag_name().name()) {
            continue;
        }
        for target in transitions(node) {
            if target == name {
                return Err(fail(
                    "E0706",
                    format!("node {name:?} transitions to itself"),
                ));
            }
            if !names.contains(target) {
                return Err(fail(
                    "E0708",
                    format!("node {name:?} transitions to undefined node {target:?}"),
                ));
            }
        }
    }
    Ok(())
}

/// Elements of an action that mean nothing empty: Oozie's schemas accept
/// `<exec></exec>` or `<jar></jar>` (they are plain strings), and the job
/// then fails on the cluster. `name` counts inside `<spark>` only.
const REQUIRED_VALUES: [&str; 11] = [
    "exec",
    "jar",
    "main-class",
    "class",
    "name-node",
    "job-tracker",
    "resource-manager",
    "jdbc-url",
    "script",
    "query",
    "master",
];

/// The code [`check`] gives an action element that is present but empty
/// (hjob's own check; Oozie would accept the workflow and fail the job).
pub const EMPTY_ELEMENT: &str = "empty-element";

/// Refuses an action whose required values render empty.
fn check_required_values(root: roxmltree::Node<'_, '_>) -> Result<(), StructureError> {
    for action in root
        .children()
        .filter(|n| n.is_element() && n.tag_name().name() == "action")
    {
        let name = action.attribute("name").unwrap_or("?");
        for body in action
            .children()
            .filter(|n| n.is_element() && !matches!(n.tag_name().name(), "ok" | "error"))
        {
            let kind = body.tag_name().name();
            for element in body.children().filter(roxmltree::Node::is_element) {
                let tag = element.tag_name().name();
                let required = REQUIRED_VALUES.contains(&tag) || (tag == "name" && kind == "spark");
                let empty = element
                    .children()
                    .all(|c| c.is_text() && c.text().unwrap_or("").trim().is_empty());
                if required && empty {
                    return Err(fail(
                        EMPTY_ELEMENT,
                        format!("<{tag}> in the <{kind}> of action {name:?} is empty"),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The transition targets of a node: `to` on the node and on its children
/// and grandchildren (`<ok>`, `<error>`, decision cases), and fork paths'
/// `start`, as `validate.sh` reads them.
fn transitions<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<&'a str> {
    let mut targets: Vec<&str> = node.attribute("to").into_iter().collect();
    for child in node.children().filter(roxmltree::Node::is_element) {
        targets.extend(child.attribute("to"));
        targets.extend(child.attribute("start"));
        for grandchild in child.children().filter(roxmltree::Node::is_element) {
            targets.extend(grandchild.attribute("to"));
        }
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"<workflow-app xmlns="uri:oozie:workflow:0.5" name="x">
        <start to="a"/>
        <action name="a"><fs/><ok to="end"/><error to="fail"/></action>
        <kill name="fail"><message>m</message></kill>
        <end name="end"/>
    </workflow-app>"#;

    #[test]
    fn a_simple_workflow_passes() {
        check(GOOD).unwrap();
    }

    #[test]
    fn empty_required_values_are_refused() {
        let with = |body: &str| GOOD.replace("<fs/>", body);
        for body in [
            "<shell xmlns=\"uri:oozie:shell-action:0.3\"><exec></exec></shell>",
            "<shell xmlns=\"uri:oozie:shell-action:0.3\"><exec>  </exec></shell>",
            "<java><main-class/></java>",
            "<spark xmlns=\"uri:oozie:spark-action:0.2\"><master>yarn</master><name></name><jar>a.jar</jar></spark>",
        ] {
            let e = check(&with(body)).unwrap_err();
            assert_eq!(e.code, EMPTY_ELEMENT, "{body}");
        }
        check(&with("<shell xmlns=\"uri:oozie:shell-action:0.3\"><exec>echo</exec><argument></argument></shell>")).unwrap();
    }

    #[test]
    fn each_structural_problem_gets_oozies_code() {
        let cases = [
            (GOOD.replace("to=\"end\"", "to=\"nowhere\""), "E0708"),
            (GOOD.replace("name=\"fail\"", "name=\"a\""), "E0705"),
            (GOOD.replace("to=\"end\"", "to=\"a\""), "E0706"),
            (
                GOOD.replace("<start to=\"a\"/>", "<start to=\"b\"/>"),
                "E0708",
            ),
            (
                GOOD.replace("name=\"a\"", "name=\"1a\"")
                    .replace("to=\"a\"", "to=\"1a\""),
                "E0724",
            ),
            (
                GOOD.replace("name=\"x\"", "name=\"x-${wf:user()}\""),
                "E0803",
            ),
            (GOOD.replace("<m", "&<m"), "E0701"),
            (GOOD.replace("<end name=\"end\"/>", ""), "E0701"),
            (format!("<!DOCTYPE x>{GOOD}"), "E0701"),
            ("x".repeat(MAX_WORKFLOW_BYTES + 1), "E0736"),
        ];
        for (xml, code) in cases {
            let err = check(&xml).unwrap_err();
            assert_eq!(err.code, code, "{err} for {xml}");
        }
    }
}
