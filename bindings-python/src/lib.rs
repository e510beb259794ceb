//! Python binding of ferroscore (skeleton; filled in by issue 3).
