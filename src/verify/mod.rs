//! KEP-2535 placeholder
