//! What guides the learner: the lessons (the course list and the lesson player, the learner's
//! progress, the lesson's place in the URL) and the notes on where the seeds and RabbitMQ differ.

#[cfg(feature = "fetched-lessons")]
pub mod fetch;
pub mod lessons;
pub mod notes;
pub mod progress;
pub mod route;
