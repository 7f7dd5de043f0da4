//! The browser app (trunk builds this binary).

fn main() {}
