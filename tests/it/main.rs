//! The one integration-test binary: the real `hjob` against real servers
//! on loopback (the sandbox, the state server, small stand-ins).

#[path = "../common/admin_args.rs"]
mod admin_args;
mod completions;
mod doctor;
mod e2e;
mod faults;
mod foundation;
mod gc;
#[path = "../common/hermetic.rs"]
mod hermetic;
mod install;
mod json_output;
mod live_output;
mod reliability;
mod render;
mod staging;
mod templates_copy;
mod terminal;
mod trusted;
mod usage;
mod webhdfs_client;
