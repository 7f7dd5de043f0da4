//! What guides the learner: the lessons and the notes on where the seeds and RabbitMQ differ.

pub mod lessons;
pub mod notes;
