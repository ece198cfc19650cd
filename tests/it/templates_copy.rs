//! A template copied with `hjob templates show KIND > DIR/myKIND.xml.tera`
//! makes a new kind that takes KIND's options and renders exactly what
//! KIND renders (every built-in kind, both schemas); a template whose
//! required element renders empty is refused by `--dry-run`.

use crate::e2e::{World, json_doc, text, write_file};

#[test]
fn a_copied_template_renders_exactly_what_its_built_in_kind_renders() {
    let world = World::new();
    let dir = world.home.path();
    let templates = dir.join("templates");
    std::fs::create_dir(&templates).unwrap();
    world.configure(&format!(
        "templates_dir = {:?}\n",
        templates.display().to_string()
    ));
    let jar = write_file(dir, "app.jar", b"PK\x03\x04 jar");
    let py = write_file(dir, "app.py", b"print('hi')\n");
    let hql = write_file(dir, "q.hql", b"SELECT ${day};\n");
    let sh = write_file(dir, "job.sh", b"#!/bin/sh\necho hi\n");
    let extra = write_file(dir, "extra.txt", b"x");
    let (jar, py, hql, sh, extra) = (
        jar.to_str().unwrap(),
        py.to_str().unwrap(),
        hql.to_str().unwrap(),
        sh.to_str().unwrap(),
        extra.to_str().unwrap(),
    );
    for kind in ["scalding", "java", "spark", "hive", "shell"] {
        let shown = world.run(&["templates", "show", kind]);
        assert_eq!(shown.status.code(), Some(0), "{}", text(&shown.stderr));
        std::fs::write(templates.join(format!("my{kind}.xml.tera")), &shown.stdout).unwrap();
    }
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "scalding",
            "--jar",
            jar,
            "com.example.WordCount",
            "--",
            "--input",
            "in",
        ],
        vec![
            "java",
            "--jar",
            jar,
            "--main-class",
            "com.example.Etl",
            "--java-opts",
            "-Xmx1g",
            "-D",
            "a.b=1",
            "--file",
            extra,
            "--",
            "a",
            "$x #y \\z",
        ],
        vec![
            "spark",
            "--jar",
            jar,
            "--class",
            "com.example.App",
            "--spark-opts",
            "--executor-memory 1g",
        ],
        vec!["spark", "--jar", py, "--archive", extra, "--", "2026-11-22"],
        vec![
            "hive",
            "--script",
            hql,
            "--param",
            "day=2026-11-22",
            "--jdbc-url",
            "jdbc:hive2://h:1/d",
        ],
        vec!["hive", "-e", "SELECT 1", "--jdbc-url", "jdbc:hive2://h:1/d"],
        vec!["shell", "--script", sh, "--env", "A=1", "--", "x", "y"],
        vec!["shell", "--queue", "q1", "--", "echo", "hi"],
    ];
    for schema in ["0.5", "1.0"] {
        for case in &cases {
            let render = |kind: &str| {
                // Global flags go before `run`: after a user kind, every
                // word is the kind's.
                let mut args = vec!["--output", "json", "run", kind];
                args.extend(case.iter().skip(1).copied());
                let dash = args.iter().position(|a| *a == "--").unwrap_or(args.len());
                args.splice(
                    dash..dash,
                    ["--schema", schema, "--name", "same-name", "--dry-run"],
                );
                let out = world.run(&args);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{args:?}: {}",
                    text(&out.stderr)
                );
                json_doc(&out)
            };
            let builtin = render(case[0]);
            let copy = render(&format!("my{}", case[0]));
            assert_eq!(
                copy["workflow_xml"], builtin["workflow_xml"],
                "{schema} {case:?}"
            );
            assert_eq!(copy["uploads"], builtin["uploads"], "{case:?}");
        }
    }
    // The copy's help is the built-in kind's, under its own name.
    let help = world.run(&["run", "myjava", "--help"]);
    assert!(
        text(&help.stdout).contains("--main-class"),
        "{}",
        text(&help.stdout)
    );
    // Its mistakes name the kind it copies.
    let bad = world.run(&["run", "myjava", "--jar", jar, "--dry-run"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("built-in `java` template"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn dry_run_refuses_a_template_whose_required_element_renders_empty() {
    let world = World::new();
    let templates = world.home.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    world.configure(&format!(
        "templates_dir = {:?}\n",
        templates.display().to_string()
    ));
    // A new kind (no built-in marker) that only gets `args`: `exec` is
    // undefined for it and renders empty.
    let shown = world.run(&["templates", "show", "shell"]);
    let source = text(&shown.stdout).replacen("hjob built-in template: shell", "my own kind", 1);
    std::fs::write(templates.join("bare.xml.tera"), source).unwrap();
    let out = world.run(&["run", "bare", "--dry-run", "--", "echo", "hi"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("<exec>") && stderr.contains("is empty"),
        "{stderr}"
    );
    assert!(stderr.contains("bare.xml.tera"), "{stderr}");
}
