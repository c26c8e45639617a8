//! The TypeScript declarations of every lab's requests and results, generated
//! from the Rust types (ts-rs) into `www/generated/types.d.ts`, so the page's type
//! check sees the very structs the core deserialises and serialises.

use std::collections::BTreeMap;
use ts_rs::{Config, TS, TypeVisitor};

/// The declarations gathered so far, by type name (sorted, so the file is stable).
pub struct Declarations {
    config: Config,
    decls: BTreeMap<String, String>,
}

impl Declarations {
    /// Declare `T` and every type it refers to.
    pub fn add<T: TS + 'static + ?Sized>(&mut self) {
        let name = T::ident(&self.config);
        if self.decls.contains_key(&name) {
            return;
        }
        let decl = T::decl(&self.config);
        self.decls.insert(name, decl);
        T::visit_dependencies(self);
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_some() {
            self.add::<T>();
        }
    }
}

/// The contents of `www/generated/types.d.ts`.
pub fn typescript() -> String {
    let mut out = Declarations {
        // serde_json and serde-wasm-bindgen (json_compatible) both give plain numbers.
        config: Config::new().with_large_int("number"),
        decls: BTreeMap::new(),
    };
    out.add::<super::Setting>();
    for lab in crate::labs::LABS {
        (lab.declare)(&mut out);
    }
    let mut text = String::from(
        "// Generated from the Rust types by `shiftlab generate`; do not edit (a test checks it).\n\n",
    );
    for decl in out.decls.values() {
        text.push_str("export ");
        text.push_str(decl);
        text.push_str("\n\n");
    }
    text
}
