//! pika's exception classes (pika 1.3, `pika/exceptions.py`), declared for one script with the
//! same hierarchy, so that `except pika.exceptions.AMQPError` catches what pika's would, and the
//! instances the binding raises with pika's argument shapes (`ChannelClosedByBroker(404,
//! "NOT_FOUND - …")` prints as `(404, "NOT_FOUND - …")`).

use crate::py::runtime::object::exception::ExcRepr;
use crate::py::{format, BuiltinExc, ExcClass, Module, NoHost, PyException, Value};

/// The classes of one script's `pika.exceptions` module (host classes compare by identity, so
/// every raise in a script must use these very values).
#[derive(Debug, Clone)]
pub struct PikaExceptions {
    /// Indexed by [`PikaExc`] (`as usize`).
    classes: Vec<ExcClass>,
    /// `socket.gaierror`: what pika lets through for a host name that does not resolve.
    pub gaierror: ExcClass,
}

/// Declares [`PikaExc`] from one list of `Class: Base` pairs in pika's definition order (a base
/// is an earlier entry, or Python's `Exception`).
macro_rules! pika_exceptions {
    ($($name:ident: $base:ident),* $(,)?) => {
        /// One of pika's exception classes, named as in `pika/exceptions.py`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum PikaExc {
            $($name),*
        }

        impl PikaExc {
            /// Every class, in definition order (each base before the classes derived from it).
            const ALL: &'static [PikaExc] = &[$(PikaExc::$name),*];

            /// The class's Python name.
            pub fn name(self) -> &'static str {
                match self {
                    $(PikaExc::$name => stringify!($name)),*
                }
            }

            /// The pika class it derives from (`None`: Python's `Exception`).
            fn base(self) -> Option<PikaExc> {
                match self {
                    $(PikaExc::$name => pika_exceptions!(@base $base)),*
                }
            }
        }
    };
    (@base Exception) => {
        None
    };
    (@base $base:ident) => {
        Some(PikaExc::$base)
    };
}

pika_exceptions! {
    AMQPError: Exception,
    AMQPConnectionError: AMQPError,
    ConnectionOpenAborted: AMQPConnectionError,
    StreamLostError: AMQPConnectionError,
    IncompatibleProtocolError: AMQPConnectionError,
    AuthenticationError: AMQPConnectionError,
    ProbableAuthenticationError: AMQPConnectionError,
    ProbableAccessDeniedError: AMQPConnectionError,
    NoFreeChannels: AMQPConnectionError,
    ConnectionWrongStateError: AMQPConnectionError,
    ConnectionClosed: AMQPConnectionError,
    ConnectionClosedByBroker: ConnectionClosed,
    ConnectionClosedByClient: ConnectionClosed,
    ConnectionBlockedTimeout: AMQPConnectionError,
    AMQPHeartbeatTimeout: AMQPConnectionError,
    AMQPChannelError: AMQPError,
    ChannelWrongStateError: AMQPChannelError,
    ChannelClosed: AMQPChannelError,
    ChannelClosedByBroker: ChannelClosed,
    ChannelClosedByClient: ChannelClosed,
    DuplicateConsumerTag: AMQPChannelError,
    ConsumerCancelled: AMQPChannelError,
    UnroutableError: AMQPChannelError,
    NackError: AMQPChannelError,
    InvalidChannelNumber: AMQPError,
    ProtocolSyntaxError: AMQPError,
    UnexpectedFrameError: ProtocolSyntaxError,
    ProtocolVersionMismatch: ProtocolSyntaxError,
    BodyTooLongError: ProtocolSyntaxError,
    InvalidFrameError: ProtocolSyntaxError,
    InvalidFieldTypeException: ProtocolSyntaxError,
    UnsupportedAMQPFieldException: ProtocolSyntaxError,
    MethodNotImplemented: AMQPError,
    ChannelError: Exception,
    ReentrancyError: Exception,
    ShortStringTooLong: AMQPError,
    DuplicateGetOkCallback: ChannelError,
}

impl PikaExc {
    /// The `__repr__` the class itself defines in pika 1.3 (its subclasses inherit it), for the
    /// classes the binding raises; the others fall back to their nearest base's.
    fn repr(self) -> Option<ExcRepr> {
        use PikaExc::*;
        Some(match self {
            AMQPError => |e| {
                let e = instance(e)?;
                Some(format!(
                    "{}: An unspecified AMQP error has occurred; {}",
                    e.class().name(),
                    args_tuple(e)
                ))
            },
            AMQPConnectionError => |e| {
                let e = instance(e)?;
                Some(match e.args() {
                    [code, text] => format!(
                        "{}: ({}) {}",
                        e.class().name(),
                        format::to_str(&mut NoHost, code).unwrap_or_default(),
                        format::to_str(&mut NoHost, text).unwrap_or_default()
                    ),
                    _ => format!("{}: {}", e.class().name(), args_tuple(e)),
                })
            },
            ProbableAccessDeniedError => |e| {
                let e = instance(e)?;
                Some(format!(
                    "{}: Client was disconnected at a connection stage indicating a probable \
                     denial of access to the specified virtual host: {}",
                    e.class().name(),
                    args_tuple(e)
                ))
            },
            // pika's `reply_code` / `reply_text` properties read `self.args`.
            ConnectionClosed | ChannelClosed => |e| {
                let e = instance(e)?;
                match e.args() {
                    [code, text] => Some(format!(
                        "{}: ({}) {}",
                        e.class().name(),
                        format::repr_plain(code),
                        format::repr_plain(text)
                    )),
                    _ => None,
                }
            },
            AMQPChannelError => |e| {
                let e = instance(e)?;
                Some(format!("{}: {}", e.class().name(), args_tuple(e)))
            },
            ConsumerCancelled => |e| {
                let e = instance(e)?;
                Some(format!("{}: Server cancelled consumer", e.class().name()))
            },
            UnroutableError | NackError => |e| {
                let e = instance(e)?;
                let n = match e.attr("messages")? {
                    Value::List(l) => l.items.borrow().len(),
                    _ => return None,
                };
                Some(format!(
                    "{}: {n} unroutable messages returned by broker",
                    e.class().name()
                ))
            },
            _ => return None,
        })
    }
}

/// The instance an [`ExcRepr`] is handed.
fn instance(e: &dyn std::any::Any) -> Option<&PyException> {
    e.downcast_ref()
}

/// `self.args` as `%s` prints it: the tuple's repr.
fn args_tuple(e: &PyException) -> String {
    format::repr_plain(&Value::tuple(e.args().to_vec()))
}

impl Default for PikaExceptions {
    fn default() -> Self {
        PikaExceptions::new()
    }
}

impl PikaExceptions {
    /// Declares every class.
    pub fn new() -> PikaExceptions {
        let mut classes: Vec<ExcClass> = Vec::with_capacity(PikaExc::ALL.len());
        for &e in PikaExc::ALL {
            let base = e
                .base()
                .map_or(ExcClass::Builtin(BuiltinExc::Exception), |b| {
                    classes[b as usize].clone()
                });
            classes.push(match e.repr() {
                Some(repr) => {
                    ExcClass::new_host_with_repr("pika.exceptions", e.name(), vec![base], repr)
                }
                None => ExcClass::new_host("pika.exceptions", e.name(), vec![base]),
            });
        }
        PikaExceptions {
            classes,
            gaierror: ExcClass::new_host(
                "socket",
                "gaierror",
                vec![ExcClass::Builtin(BuiltinExc::OSError)],
            ),
        }
    }

    /// This script's class `e`.
    pub fn class(&self, e: PikaExc) -> ExcClass {
        self.classes[e as usize].clone()
    }

    /// The `pika.exceptions` module.
    pub fn module(&self) -> Value {
        Value::Module(Module::new(
            "pika.exceptions",
            PikaExc::ALL
                .iter()
                .map(|&e| (e.name(), Value::ExcClass(self.class(e))))
                .collect(),
        ))
    }

    /// A class with positional arguments.
    pub fn new_exc(&self, e: PikaExc, args: Vec<Value>) -> PyException {
        PyException::with_args(self.class(e), args)
    }

    /// `ChannelWrongStateError: ('Channel is closed.',)` (its repr): a call on a channel the script (or the
    /// broker, already reported) closed.
    pub fn channel_is_closed(&self) -> PyException {
        self.new_exc(
            PikaExc::ChannelWrongStateError,
            vec![Value::str("Channel is closed.")],
        )
    }

    /// `ChannelClosedByBroker(code, text)` with pika's `reply_code` / `reply_text` properties.
    pub fn channel_closed_by_broker(&self, code: i64, text: &str) -> PyException {
        self.closed(PikaExc::ChannelClosedByBroker, code, text)
    }

    /// `ConnectionClosedByBroker(code, text)`.
    pub fn connection_closed_by_broker(&self, code: i64, text: &str) -> PyException {
        self.closed(PikaExc::ConnectionClosedByBroker, code, text)
    }

    /// `ConnectionClosed`-shaped classes carry `reply_code` and `reply_text`.
    pub fn closed(&self, class: PikaExc, code: i64, text: &str) -> PyException {
        self.new_exc(class, vec![Value::Int(code), Value::str(text)])
            .with_attr("reply_code", Value::Int(code))
            .with_attr("reply_text", Value::str(text))
    }

    /// What `BlockingConnection()` raises when the TCP connection is refused: pika wraps its
    /// internal `AMQPConnectorSocketConnectError`, whose `str()` is empty, so the traceback's last
    /// line is the bare class name and `print(e)` prints nothing.
    pub fn connection_refused(&self) -> PyException {
        let inner = PyException::with_args(
            ExcClass::new_host(
                "pika.adapters.utils.connection_workflow",
                "AMQPConnectorSocketConnectError",
                vec![],
            ),
            Vec::new(),
        );
        self.new_exc(PikaExc::AMQPConnectionError, vec![Value::Exception(inner)])
    }

    /// `socket.gaierror: [Errno -2] Name or service not known` (pika re-raises the resolver's
    /// error as is). The subset's `OSError` has no errno formatting, so the message is the one
    /// argument; `errno` and `strerror` are attributes as in Python.
    pub fn name_not_known(&self) -> PyException {
        PyException::with_args(
            self.gaierror.clone(),
            vec![Value::str("[Errno -2] Name or service not known")],
        )
        .with_attr("errno", Value::Int(-2))
        .with_attr("strerror", Value::str("Name or service not known"))
    }

    /// `NackError` with its `messages` list (pika: "1 message(s) NACKed").
    pub fn nack_error(&self, messages: Vec<Value>) -> PyException {
        let text = format!("{} message(s) NACKed", messages.len());
        self.returned(PikaExc::NackError, &text, messages)
    }

    /// `UnroutableError` with its `messages` list (pika: "1 unroutable message(s) returned").
    pub fn unroutable_error(&self, messages: Vec<Value>) -> PyException {
        let text = format!("{} unroutable message(s) returned", messages.len());
        self.returned(PikaExc::UnroutableError, &text, messages)
    }

    /// A class carrying the returned or nacked messages (`e.messages`).
    fn returned(&self, class: PikaExc, text: &str, messages: Vec<Value>) -> PyException {
        self.new_exc(class, vec![Value::str(text)])
            .with_attr("messages", Value::list(messages))
    }
}

/// The AMQP reply code of `PRECONDITION_FAILED` (a request the broker refuses in the state it
/// finds: an unknown delivery tag, a queue in use, a confirm channel asked for tx…).
pub const PRECONDITION_FAILED: i64 = 406;

/// A `socket` module exposing `gaierror` (some snippets catch `socket.gaierror`).
pub fn socket_module(exc: &PikaExceptions) -> Value {
    Value::Module(Module::new(
        "socket",
        vec![
            ("gaierror", Value::ExcClass(exc.gaierror.clone())),
            (
                "error",
                Value::ExcClass(ExcClass::Builtin(BuiltinExc::OSError)),
            ),
            (
                "timeout",
                Value::ExcClass(ExcClass::Builtin(BuiltinExc::TimeoutError)),
            ),
        ],
    ))
}
