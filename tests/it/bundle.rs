//! Placeholder: filled in by the test suite for this area.
