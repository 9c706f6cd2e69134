//! Rendering reports as text, tables, CSV and JSON (to come).
