//! Host bindings generated from `wit/` by wasmtime's `bindgen!`.

wasmtime::component::bindgen!({
    path: "../../wit",
    world: "getanime:provider/provider",
    imports: { default: async },
    exports: { default: async },
});

pub use getanime::provider::{host, types};
