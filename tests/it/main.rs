// integration tests
mod render;
mod e2e;
