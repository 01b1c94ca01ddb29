//! Rebuilds when the web UI is built: `src/web.rs` embeds `web/dist` at compile time, and cargo does not
//! otherwise notice files appear in it. When the UI has not been built (a fresh clone), the folder is
//! made empty, so that the crate compiles — into a binary that says it holds no UI — and cargo has a
//! folder to watch; a missing path would make cargo run this script, and build the crate, every time.
fn main() {
    let dist = std::path::Path::new("../../web/dist");
    if let Err(e) = std::fs::create_dir_all(dist) {
        println!("cargo::warning=could not make {}: {e}", dist.display());
    }
    println!("cargo::rerun-if-changed=../../web/dist");
}
