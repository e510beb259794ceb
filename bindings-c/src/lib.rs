//! C ABI of ferroscore (skeleton; filled in by issue 4).
