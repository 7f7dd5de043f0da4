//! Has wasm-ld write its map of the web app's wasm (`mirrorscope-web.map` in this build
//! script's OUT_DIR, one per set of features), for the release build's split (tools/wasm-defer,
//! whose hook tries each map against the shipped wasm): the map is where each static lies, which
//! tells the split what read-only data moves with the code the first screen does not run. `-O0`
//! only stops the linker from merging string sections into one block whose strings the map
//! cannot tell apart (the rest of the link is the same at every level).

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        return;
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let map = out.join("mirrorscope-web.map");
    println!(
        "cargo:rustc-link-arg-bin=mirrorscope-web=--Map={}",
        map.display()
    );
    println!("cargo:rustc-link-arg-bin=mirrorscope-web=-O0");
}
