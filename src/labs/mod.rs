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
    // Last, and not in www/labs/index.js: the speed benchmark has no page view.
    benchmark::Benchmark,
}
