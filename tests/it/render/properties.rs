//! Property test: arbitrary Unicode arguments, `-D` values and names render
//! to a workflow that validates, and the EL model hands back exactly the
//! original values on both engines; values hjob refuses are exactly those
//! XML 1.0 cannot carry or Oozie would trim.

use std::sync::Mutex;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::el_model::{Engine, evaluate};
use super::{Fixture, assert_schema_valid, assert_valid, render_words, xmllint_available};

/// Pieces that break naive escaping, mixed with arbitrary characters.
fn nasty_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "<", "&", ">", "\"", "'", "]]>", "${x}", "#{x}", "\\", "\\${x}", "\\#{x}", "$", "#",
            "{", "}", "${'$'}", "\\\\", "\n", "\t", "\r", " ", "\u{202E}", "\u{200F}", "שלום",
            "😀", "é", "\u{85}", "\u{FEFF}", "&amp;", "<![CDATA[", "--", "${wf:user()}",
        ])
        .prop_map(str::to_owned),
        // Mostly the Basic Multilingual Plane: hjob refuses what lies above
        // (the real launcher cannot read it); "😀" above keeps that path.
        2 => prop::char::range('\u{0}', '\u{FFFF}').prop_map(String::from),
        2 => "[a-zA-Z0-9 =/:.,-]{1,6}",
    ]
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop::collection::vec(nasty_piece(), 0..8).prop_map(|pieces| pieces.concat())
}

/// Whether hjob must refuse a value that Oozie trims.
fn refusable(value: &str) -> bool {
    // Above U+FFFF: the real Oozie's launcher cannot read it back (JA018).
    value
        .chars()
        .any(|c| !hjob::workflow::el::is_xml_char(c) || c > '\u{FFFF}')
        || value.starts_with(|c: char| c <= ' ')
        || value.ends_with(|c: char| c <= ' ')
}

#[derive(Debug, Clone)]
struct Case {
    kind: usize,
    schema_1_0: bool,
    args: Vec<String>,
    defines: Vec<(String, String)>,
    name: Option<String>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0..5usize,
        any::<bool>(),
        prop::collection::vec(nasty_string(), 0..5),
        prop::collection::vec(("[a-z][a-z.]{0,12}", nasty_string()), 0..3),
        prop::option::of(nasty_string()),
    )
        .prop_map(|(kind, schema_1_0, args, defines, name)| Case {
            kind,
            schema_1_0,
            args,
            defines,
            name,
        })
}

/// The number of cases: PROPTEST_CASES, else 2,000.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

#[test]
fn arbitrary_values_survive_xml_and_el_exactly() {
    let f = Fixture::new();
    let rendered: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| {
        let (mut words, arg_tag): (Vec<String>, &str) = match case.kind {
            0 => (
                vec![
                    "java".into(),
                    "--jar".into(),
                    f.path("job.jar"),
                    "--main-class".into(),
                    "A".into(),
                ],
                "arg",
            ),
            1 => (
                vec![
                    "scalding".into(),
                    "--jar".into(),
                    f.path("job.jar"),
                    "com.example.Job".into(),
                ],
                "arg",
            ),
            2 => (
                vec!["spark".into(), "--jar".into(), f.path("app.py")],
                "arg",
            ),
            3 => (vec!["shell".into()], "argument"),
            _ => (vec!["hive".into(), "-e".into(), "SELECT 1".into()], "param"),
        };
        for (key, value) in &case.defines {
            words.push("-D".into());
            words.push(format!("{key}={value}"));
        }
        if let Some(name) = &case.name {
            words.push(format!("--name={name}"));
        }
        let values: Vec<String> = match case.kind {
            4 => case.args.iter().map(|a| format!("k={a}")).collect(),
            _ => case.args.clone(),
        };
        if case.kind == 4 {
            for value in &values {
                words.push(format!("--param={value}"));
            }
        } else {
            words.push("--".into());
            if case.kind == 3 {
                words.push("echo".into());
            }
            words.extend(values.iter().cloned());
        }
        let schema = if case.schema_1_0 { "1.0" } else { "0.5" };
        // java, scalding and spark: the real launcher turns an empty
        // argument into null and fails.
        let must_refuse = values.iter().any(|v| refusable(v))
            || (case.kind <= 2 && values.iter().any(|v| v.is_empty()))
            || case.defines.iter().any(|(_, v)| refusable(v))
            || case.name.as_deref().is_some_and(|n| {
                refusable(n) || n.trim().is_empty() || n.contains("${") || n.contains("#{")
            });
        let xml = match render_words(&words, schema) {
            Ok(xml) => xml,
            Err(e) => {
                prop_assert!(must_refuse, "refused a carriable value: {e}\n{case:?}");
                return Ok(());
            }
        };
        prop_assert!(
            !must_refuse,
            "accepted a value Oozie cannot carry: {case:?}"
        );

        let mut got = super::texts(&xml, arg_tag);
        if case.kind == 1 {
            got.drain(..2);
        }
        if case.kind == 3 {
            prop_assert_eq!(super::texts(&xml, "exec"), vec!["echo".to_owned()]);
        }
        let mut expected_values: Vec<String> = Vec::new();
        let mut last: Vec<(String, String)> = Vec::new();
        for (k, v) in &case.defines {
            match last.iter_mut().find(|(key, _)| key == k) {
                Some(slot) => slot.1 = v.clone(),
                None => last.push((k.clone(), v.clone())),
            }
        }
        let names = super::texts(&xml, "name");
        let conf_values = super::texts(&xml, "value");
        for (k, v) in &last {
            if k != "mapreduce.job.queuename" {
                expected_values.push(v.clone());
            }
        }
        let got_values: Vec<String> = names
            .iter()
            .zip(&conf_values)
            .filter(|(n, _)| n.as_str() != "mapreduce.job.queuename")
            .map(|(_, v)| v.clone())
            .collect();
        for engine in [Engine::CommonsEl, Engine::TomcatEl] {
            let eval = |texts: &[String]| -> Result<Vec<String>, TestCaseError> {
                texts
                    .iter()
                    .map(|t| {
                        evaluate(t, engine)
                            .map_err(|e| TestCaseError::fail(format!("{engine:?}: {e} in {t:?}")))
                    })
                    .collect()
            };
            prop_assert_eq!(&eval(&got)?, &values, "{:?} args", engine);
            prop_assert_eq!(
                &eval(&got_values)?,
                &expected_values,
                "{:?} -D values",
                engine
            );
        }
        let doc =
            roxmltree::Document::parse(&xml).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let app_name = doc.root_element().attribute("name").unwrap_or_default();
        if let Some(name) = &case.name {
            prop_assert_eq!(app_name, name.as_str());
            for engine in [Engine::CommonsEl, Engine::TomcatEl] {
                let evaluated = evaluate(app_name, engine);
                prop_assert_eq!(evaluated.as_deref(), Ok(name.as_str()));
            }
        }
        for node in doc.descendants().filter(|n| n.is_text()) {
            let text = node.text().unwrap_or_default();
            let in_spark_name = node.parent().is_some_and(|p| {
                p.tag_name().name() == "name"
                    && p.parent().is_some_and(|g| g.tag_name().name() == "spark")
            });
            if in_spark_name {
                // The literal app name: EL-identity by construction (no `${`, `#{`).
                for engine in [Engine::CommonsEl, Engine::TomcatEl] {
                    let evaluated = evaluate(text, engine);
                    prop_assert_eq!(evaluated.as_deref(), Ok(app_name));
                }
                continue;
            }
            let bare = text
                .replace("${'$'}", "")
                .replace("${'#'}", "")
                .replace("${'\\\\'}", "");
            prop_assert!(
                !bare.contains("#{") && !bare.contains('\\'),
                "raw EL-special text {:?}",
                text
            );
        }
        rendered.lock().unwrap().push(xml);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let rendered = rendered.into_inner().unwrap();
    assert!(
        rendered.len() * 4 >= cases() as usize,
        "too few accepted cases ({} of {}): the generator is too harsh",
        rendered.len(),
        cases()
    );
    if !xmllint_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<_> = rendered
        .iter()
        .enumerate()
        .map(|(i, xml)| {
            let path = dir.path().join(format!("case-{i}.xml"));
            std::fs::write(&path, xml).unwrap();
            path
        })
        .collect();
    assert_schema_valid(&files);
    assert_valid(&files[..files.len().min(10)]);
}
