//! Arguments shared by the test targets that drive `hjob admin`.

/// `hjob admin set-cluster cN ...` with made-up but valid URLs: the
/// arguments of one of many concurrent admins (each writes its own cluster).
pub fn set_cluster(n: usize) -> Vec<String> {
    vec![
        "admin".into(),
        "set-cluster".into(),
        format!("c{n}"),
        "--oozie-url".into(),
        format!("http://c{n}.example.com:11000/oozie"),
        "--webhdfs-url".into(),
        format!("http://c{n}.example.com:9870/webhdfs/v1"),
        "--name-node".into(),
        format!("hdfs://c{n}.example.com:8020"),
        "--job-tracker".into(),
        format!("c{n}.example.com:8032"),
    ]
}
