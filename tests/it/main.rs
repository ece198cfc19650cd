// integration tests
mod render;
mod e2e;
mod webhdfs_client;
mod completions;
