// integration tests
mod render;
