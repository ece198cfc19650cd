//! The one integration-test binary: the real `hjob` against real servers
//! on loopback (the sandbox, the state server, small stand-ins).

mod completions;
mod e2e;
mod faults;
mod foundation;
mod install;
mod reliability;
mod render;
mod trusted;
mod webhdfs_client;
