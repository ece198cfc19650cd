//! WebHDFS behaviour with a plain HTTP client: the NameNode's redirect to
//! the DataNode on another host, checks at step 2, error shapes, listing
//! and deletion semantics (hadoop-rest.md §1).

mod common;

use common::{client, datanode_location, sandbox, upload};
use serde_json::Value;

#[tokio::test]
async fn create_redirects_to_the_datanode_host_and_checks_at_step_two() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let http = client();

    // Step 1 as dr.who into alice's home: the NameNode checks nothing.
    http.put(format!(
        "{}/user/alice?op=MKDIRS&user.name=alice",
        c.webhdfs_url()
    ))
    .send()
    .await
    .unwrap();
    let step1 = http
        .put(format!("{}/user/alice/x.txt?op=CREATE", c.webhdfs_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(step1.status(), 307);
    assert_eq!(step1.headers()["content-length"], "0");
    let location = step1.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("http://127.0.0.2:"), "{location}");
    assert!(
        location.contains(&format!("namenoderpcaddress={}", c.namenode_authority)),
        "{location}"
    );
    assert!(location.contains("overwrite=false"), "{location}");

    // Step 2: the DataNode refuses dr.who with an AccessControlException.
    let step2 = http.put(&location).body("data").send().await.unwrap();
    assert_eq!(step2.status(), 403);
    assert_eq!(
        step2.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let err: Value = step2.json().await.unwrap();
    assert_eq!(
        err["RemoteException"]["exception"],
        "AccessControlException"
    );
    assert_eq!(
        err["RemoteException"]["javaClassName"],
        "org.apache.hadoop.security.AccessControlException"
    );
    let msg = err["RemoteException"]["message"].as_str().unwrap();
    assert!(
        msg.starts_with("Permission denied: user=dr.who, access=WRITE"),
        "{msg}"
    );

    // As alice it works; the 201 names the file with an hdfs:// URI.
    let step1 = http
        .put(format!(
            "{}/user/alice/x.txt?op=CREATE&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    let location = step1.headers()["location"].to_str().unwrap().to_string();
    let step2 = http.put(&location).body("hello").send().await.unwrap();
    assert_eq!(step2.status(), 201);
    assert_eq!(
        step2.headers()["location"],
        format!("hdfs://{}/user/alice/x.txt", c.namenode_authority).as_str()
    );

    // Again without overwrite: FileAlreadyExistsException from the DataNode.
    let again = http.put(&location).body("hello").send().await.unwrap();
    assert_eq!(again.status(), 403);
    let err: Value = again.json().await.unwrap();
    assert_eq!(
        err["RemoteException"]["exception"],
        "FileAlreadyExistsException"
    );
    assert!(
        err["RemoteException"]["message"]
            .as_str()
            .unwrap()
            .contains("/user/alice/x.txt for client 127.0.0.1 already exists")
    );
}

/// Sends `PUT location` with `body` on a raw connection and returns every
/// byte of the answer (the DataNode closes after it).
async fn raw_put(location: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let rest = location.strip_prefix("http://").unwrap();
    let (authority, target) = rest.split_once('/').unwrap();
    let mut socket = tokio::net::TcpStream::connect(authority).await.unwrap();
    let head = format!(
        "PUT /{target} HTTP/1.1\r\nhost: {authority}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    socket.read_to_end(&mut answer).await.unwrap();
    String::from_utf8(answer).unwrap()
}

#[tokio::test]
async fn the_datanode_answers_100_continue_unasked_before_its_answer_to_create() {
    // Recorded from Hadoop 3's DataNode: `100 Continue` to every CREATE,
    // with no `Expect` header, before the 201 and before a refusal alike.
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let location = datanode_location(&c, "/user/alice/c.txt", "alice", false).await;
    let created = raw_put(&location, b"hello\n").await;
    assert!(
        created.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"),
        "{created}"
    );
    // Again, not overwriting: the refusal comes after it too.
    let refused = raw_put(&location, b"hello\n").await;
    assert!(
        refused.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\n"),
        "{refused}"
    );
}

#[tokio::test]
async fn status_listing_open_and_delete() {
    let sb = sandbox().await;
    let c = sb.cluster("beta");
    let http = client();
    upload(&c, "/user/alice/app/lib/job.jar", "alice", b"0123456789").await;

    let st: Value = http
        .get(format!(
            "{}/user/alice/app/lib/job.jar?op=GETFILESTATUS&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fs = st["FileStatus"].as_object().unwrap();
    let keys: Vec<&String> = fs.keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "keys come out sorted");
    assert_eq!(fs["type"], "FILE");
    assert_eq!(fs["length"], 10);
    assert_eq!(fs["permission"], "644");
    assert_eq!(fs["owner"], "alice");
    assert_eq!(fs["pathSuffix"], "");

    let tmp: Value = http
        .get(format!("{}/tmp?op=GETFILESTATUS", c.webhdfs_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tmp["FileStatus"]["permission"], "1777");

    let list: Value = http
        .get(format!(
            "{}/user/alice/app?op=LISTSTATUS&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = list["FileStatuses"]["FileStatus"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["pathSuffix"], "lib");
    assert_eq!(entries[0]["type"], "DIRECTORY");

    // OPEN is a 307 to the DataNode too, then the bytes.
    let open = http
        .get(format!(
            "{}/user/alice/app/lib/job.jar?op=OPEN&user.name=alice&offset=2&length=3",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(open.status(), 307);
    let loc = open.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("http://127.0.0.2:"));
    let bytes = http.get(loc).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"234");

    // Missing: 404 FileNotFoundException; DELETE of it is 200 false.
    let missing = http
        .get(format!(
            "{}/user/alice/nope?op=GETFILESTATUS&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let err: Value = missing.json().await.unwrap();
    assert_eq!(err["RemoteException"]["exception"], "FileNotFoundException");
    assert_eq!(
        err["RemoteException"]["message"],
        "File does not exist: /user/alice/nope"
    );
    let del: Value = http
        .delete(format!(
            "{}/user/alice/nope?op=DELETE&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(del, serde_json::json!({"boolean": false}));

    // A non-empty directory needs recursive=true.
    let refused = http
        .delete(format!(
            "{}/user/alice/app?op=DELETE&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let del: Value = http
        .delete(format!(
            "{}/user/alice/app?op=DELETE&recursive=true&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(del["boolean"], true);

    let mk: Value = http
        .put(format!(
            "{}/user/alice/a/b?op=MKDIRS&permission=750&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mk["boolean"], true);
}

#[tokio::test]
async fn bad_parameters_are_illegal_argument() {
    let sb = sandbox().await;
    let c = sb.cluster("alpha");
    let http = client();
    let bad_user = http
        .get(format!(
            "{}/?op=GETHOMEDIRECTORY&user.name=Alice@CORP.EXAMPLE.COM",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_user.status(), 400);
    let err: Value = bad_user.json().await.unwrap();
    assert_eq!(
        err["RemoteException"]["exception"],
        "IllegalArgumentException"
    );

    let bad_perm = http
        .put(format!(
            "{}/user/alice/x?op=MKDIRS&permission=999&user.name=alice",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_perm.status(), 400);
    let err: Value = bad_perm.json().await.unwrap();
    assert_eq!(
        err["RemoteException"]["message"],
        "Invalid value for webhdfs parameter \"permission\": Invalid value: \"999\" does not belong to the domain [0, 1777]"
    );

    let home: Value = http
        .get(format!(
            "{}/?op=GETHOMEDIRECTORY&user.name=bob",
            c.webhdfs_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(home["Path"], "/user/bob");
}
