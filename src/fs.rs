//! Reading node credential files from disk (feature `fs`). Placeholder.
