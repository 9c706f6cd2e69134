//! The streaming national path (to come).
