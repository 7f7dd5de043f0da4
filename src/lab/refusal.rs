//! Why the lab refuses a parameter, as data: the CLI prints it in English (`Display`), the page
//! renders it in the reader's language (`ui::i18n::lab::refusal`), and both point at the field
//! by [`Refusal::param`].

use std::fmt;

/// A parameter the lab will not take, with the values a message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `value` (in `unit`, "" or "us") is outside `lo..=hi`.
    OutOfRange {
        param: &'static str,
        value: u64,
        lo: u64,
        hi: u64,
        unit: &'static str,
    },
    /// An empty list.
    NoValues { param: &'static str },
    /// A list longer than `max`.
    TooManyValues {
        param: &'static str,
        given: usize,
        max: usize,
    },
    /// `exactly` this many mirrors does not fit the cluster.
    MirrorsNeedNodes { mirrors: u8, nodes: u8 },
    /// rate × publishers × seconds over the paced cell's bound.
    TooManyPublishes { publishes: u64, max: u64 },
    /// A mirror count that is neither 0–8 nor `all`.
    NotMirrors { text: String },
    /// Not a whole number.
    NotNumber { param: &'static str, text: String },
    /// `persistent` that is neither true nor false.
    NotBool { text: String },
    /// Not a duration; `detail` is the simulator's own (English) reason.
    NotDuration {
        param: &'static str,
        text: String,
        detail: String,
    },
    /// A name the lab has no parameter for.
    Unknown { name: String },
}

impl Refusal {
    /// The parameter refused, as [`crate::lab::LabParams::set`] names it (none for an unknown name).
    pub fn param(&self) -> Option<&'static str> {
        match self {
            Refusal::OutOfRange { param, .. }
            | Refusal::NoValues { param }
            | Refusal::TooManyValues { param, .. }
            | Refusal::NotNumber { param, .. }
            | Refusal::NotDuration { param, .. } => Some(param),
            Refusal::MirrorsNeedNodes { .. } | Refusal::NotMirrors { .. } => Some("mirrors"),
            Refusal::TooManyPublishes { .. } => Some("rate"),
            Refusal::NotBool { .. } => Some("persistent"),
            Refusal::Unknown { .. } => None,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::OutOfRange {
                param,
                value,
                lo,
                hi,
                unit,
            } => write!(
                f,
                "{param}: {value}{unit} is out of range ({lo}{unit} to {hi}{unit})"
            ),
            Refusal::NoValues { param } => write!(f, "{param}: give at least one value"),
            Refusal::TooManyValues { param, given, max } => {
                write!(f, "{param}: at most {max} values ({given} given)")
            }
            Refusal::MirrorsNeedNodes { mirrors, nodes } => write!(
                f,
                "mirrors: {mirrors} mirrors need {} nodes (nodes is {nodes})",
                mirrors + 1
            ),
            Refusal::TooManyPublishes { publishes, max } => write!(
                f,
                "rate: rate × publishers × seconds is {publishes} publishes; at most {max}"
            ),
            Refusal::NotMirrors { text } => write!(
                f,
                "mirrors: '{text}' is not a number of mirrors from 0 to 8, or 'all'"
            ),
            Refusal::NotNumber { param, text } => {
                write!(f, "{param}: '{text}' is not a whole number")
            }
            Refusal::NotBool { text } => write!(f, "persistent: '{text}' is not true or false"),
            Refusal::NotDuration { param, detail, .. } => write!(f, "{param}: {detail}"),
            Refusal::Unknown { name } => write!(f, "unknown parameter '{name}'"),
        }
    }
}

impl std::error::Error for Refusal {}
