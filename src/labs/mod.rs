//! Every lab of ShiftLab, one module each (see `crate::lab` for the contract).
//! The registry below serves the CLI and the browser worker alike; adding a lab
//! is one line here and one in `www/labs/index.js`.

macro_rules! labs {
    ($($module:ident :: $lab:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every lab, in the order of the page's navigation.
        pub static LABS: &[crate::lab::Lab] = &[$(crate::lab::Lab::of::<$module::$lab>()),*];
    };
}

labs! {
    shift::Shift,
    pooling::Pooling,
    sweep::Sweep,
    layers::Layers,
    position::Position,
    borders::Borders,
    coordconv::Coordconv,
    siamese::Siamese,
    depth::Depth,
    audit::Audit,
    // Last, and not in www/labs/index.js: inspecting a model file (the audit view's) and
    // the speed benchmark have no page view of their own.
    inspect::Inspect,
    benchmark::Benchmark,
}
