//! Experiments: model runs plus the measurements a lab shows, computed here so
//! that the page and the native tests get the very same numbers.

pub mod shift_view;
