//! Nothing here: this crate only holds tcosim's benchmarks (`engine.rs`),
//! kept apart so that `cargo test` does not build criterion.
