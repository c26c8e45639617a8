//! Lists the shipped models for the browser tests: a wasm test cannot read files,
//! so every model and golden pair named in the manifest is compiled in.

use std::{env, fs, path::Path};

fn main() {
    let manifest = Path::new("models/manifest.json");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut entries = String::from("&[\n");
    if let Ok(text) = fs::read_to_string(manifest) {
        let json: serde_json::Value =
            serde_json::from_str(&text).expect("models/manifest.json is valid JSON");
        for model in json["models"]
            .as_array()
            .expect("manifest has a models list")
        {
            let id = model["id"].as_str().expect("model id");
            let file = model["file"].as_str().expect("model file");
            let golden = model["golden"].as_str().expect("golden file");
            for f in [file, golden] {
                println!("cargo:rerun-if-changed=models/{f}");
            }
            entries += &format!(
                "    ({id:?}, include_bytes!(\"{root}/models/{file}\"), include_str!(\"{root}/models/{golden}\")),\n"
            );
        }
    }
    entries += "]";
    let out =
        Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("shipped_models.rs");
    fs::write(out, entries).expect("write the list of shipped models");
}
