//! What the uniffi skin (Kotlin, Swift, Python) needs from the core beyond
//! the derives on the core's types (feature `uniffi`, enabled only by
//! `bindings/`): the boundary's error type. See ARCHITECTURE.md, "The skins:
//! one definition per type".

mod error;

pub use error::ConsentKitError;
