//! `RemoteException` errors, shaped and coded the way the NameNode and
//! DataNode send them (hadoop-rest.md §1.5: IOExceptions are 403,
//! FileNotFound 404, IllegalArgument 400).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A WebHDFS error: status plus the `RemoteException` fields.
#[derive(Debug, Clone)]
pub(crate) struct HdfsError {
    pub(crate) status: u16,
    pub(crate) exception: &'static str,
    pub(crate) java_class: &'static str,
    pub(crate) message: String,
}

impl HdfsError {
    fn new(
        status: u16,
        exception: &'static str,
        java_class: &'static str,
        message: String,
    ) -> Self {
        HdfsError {
            status,
            exception,
            java_class,
            message,
        }
    }

    pub(crate) fn file_not_found(message: String) -> Self {
        Self::new(
            404,
            "FileNotFoundException",
            "java.io.FileNotFoundException",
            message,
        )
    }

    pub(crate) fn access_control(message: String) -> Self {
        Self::new(
            403,
            "AccessControlException",
            "org.apache.hadoop.security.AccessControlException",
            message,
        )
    }

    pub(crate) fn already_exists(message: String) -> Self {
        Self::new(
            403,
            "FileAlreadyExistsException",
            "org.apache.hadoop.fs.FileAlreadyExistsException",
            message,
        )
    }

    pub(crate) fn safe_mode(message: String) -> Self {
        Self::new(
            403,
            "SafeModeException",
            "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
            message,
        )
    }

    pub(crate) fn parent_not_directory(message: String) -> Self {
        Self::new(
            403,
            "ParentNotDirectoryException",
            "org.apache.hadoop.fs.ParentNotDirectoryException",
            message,
        )
    }

    pub(crate) fn illegal_argument(message: String) -> Self {
        Self::new(
            400,
            "IllegalArgumentException",
            "java.lang.IllegalArgumentException",
            message,
        )
    }

    pub(crate) fn io(message: String) -> Self {
        Self::new(403, "IOException", "java.io.IOException", message)
    }

    /// Another IOException subclass (403).
    pub(crate) fn io_named(
        exception: &'static str,
        java_class: &'static str,
        message: String,
    ) -> Self {
        Self::new(403, exception, java_class, message)
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> String {
        json!({
            "RemoteException": {
                "exception": self.exception,
                "javaClassName": self.java_class,
                "message": self.message,
            }
        })
        .to_string()
    }

    /// The DataNode's variant: `application/json; charset=utf-8` and
    /// `Connection: close` (the body may not have been read).
    pub(crate) fn into_datanode_response(self) -> Response {
        let mut r = self.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        r.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        r
    }
}

impl IntoResponse for HdfsError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut r = (status, self.body()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    }
}
