//! Connection parameters (`ConnectionParameters`, `URLParameters`) and host-name resolution:
//! which node a host name means.

use crate::py::format::{float_repr, repr_str};
use crate::py::{PyException, Value};
use crate::sim::pika::host::args::{
    bind, int_arg, not_supported, opt, require_str, type_error, value_error,
};
use crate::sim::pika::host::ctx::Ctx;
use crate::sim::pika::host::obj::Obj;
use crate::sim::pika::state::Params;

/// `ConnectionParameters` arguments, in pika 1.3's positional order.
pub(super) const PARAM_FIELDS: [&str; 16] = [
    "host",
    "port",
    "virtual_host",
    "credentials",
    "channel_max",
    "frame_max",
    "heartbeat",
    "ssl_options",
    "connection_attempts",
    "retry_delay",
    "socket_timeout",
    "stack_timeout",
    "locale",
    "blocked_connection_timeout",
    "client_properties",
    "tcp_options",
];

impl Ctx<'_> {
    /// The node a host name means: its first label names a node (`node1.example.com` →
    /// `rabbit@node1`); `localhost` is the script's own node.
    pub(super) fn resolve(&self, host: &str) -> Option<usize> {
        let h = host.trim().to_ascii_lowercase();
        if matches!(h.as_str(), "localhost" | "127.0.0.1" | "::1" | "") {
            return Some(self.st.home);
        }
        let label = h.split('.').next().unwrap_or("");
        self.sim
            .cluster
            .nodes
            .iter()
            .position(|n| n.host().eq_ignore_ascii_case(label) || n.name.eq_ignore_ascii_case(&h))
    }

    pub(super) fn params_from_call(
        &mut self,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<Params, PyException> {
        let unknown: Vec<(String, Value)> = kwargs
            .iter()
            .filter(|(k, _)| !PARAM_FIELDS.contains(&k.as_str()))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let shown: Vec<String> = unknown
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        repr_str(k),
                        crate::py::format::repr(self, v).unwrap_or_default()
                    )
                })
                .collect();
            return Err(type_error(format!(
                "unexpected kwargs: {{{}}}",
                shown.join(", ")
            )));
        }
        let b = bind(
            "ConnectionParameters.__init__",
            &PARAM_FIELDS,
            0,
            args,
            kwargs,
        )?;
        let mut p = Params::default();
        if let Some(h) = opt(&b, 0) {
            p.host = require_str(Some(h), "host")?;
        }
        p.port = int_arg(opt(&b, 1), "port", 5672)?;
        if let Some(v) = opt(&b, 2) {
            p.vhost = require_str(Some(v), "virtual_host")?;
        }
        p.connection_attempts = int_arg(opt(&b, 8), "connection_attempts", 1)?;
        if p.connection_attempts <= 0 {
            return Err(value_error(format!(
                "connection_attempts must be > 0, but got {}",
                p.connection_attempts
            )));
        }
        if let Some(v) = opt(&b, 9) {
            match v.as_f64() {
                Some(d) if d >= 0.0 && d.is_finite() => p.retry_delay = d,
                Some(d) => {
                    return Err(value_error(format!(
                        "retry_delay must be a non-negative number, but got {}",
                        float_repr(d)
                    )))
                }
                None => {
                    return Err(type_error(format!(
                        "retry_delay must be a float or int, but got {}",
                        v.type_name()
                    )))
                }
            }
        }
        for (i, name) in PARAM_FIELDS.iter().enumerate() {
            if matches!(i, 0 | 1 | 2 | 8 | 9) {
                continue;
            }
            if let Some(v) = opt(&b, i) {
                p.extra.push((name.to_string(), v.clone()));
            }
        }
        Ok(p)
    }

    /// `URLParameters('amqp://user:pass@host:port/vhost?connection_attempts=3&retry_delay=2')`.
    pub(super) fn url_params(&mut self, url: &str) -> Result<Params, PyException> {
        let mut p = Params::default();
        let rest = if let Some(r) = url.strip_prefix("amqp://") {
            r
        } else if url.starts_with("amqps://") {
            return Err(not_supported(
                "URLParameters",
                "TLS (amqps://) is not simulated",
            ));
        } else {
            return Err(value_error(format!(
                "Invalid URL scheme in {}",
                repr_str(url)
            )));
        };
        let (authority, path_query) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => match rest.find('?') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            },
        };
        let hostport = match authority.rsplit_once('@') {
            Some((creds, hp)) => {
                p.extra.push((
                    "credentials".into(),
                    self.new_obj(
                        Obj::Credentials(creds.split(':').next().unwrap_or("").to_string()),
                        "PlainCredentials",
                    ),
                ));
                hp
            }
            None => authority,
        };
        match hostport.rsplit_once(':') {
            Some((h, port)) => {
                p.host = h.to_string();
                p.port = port.parse().map_err(|_| {
                    value_error(format!(
                        "Port could not be cast to integer value as {}",
                        repr_str(port)
                    ))
                })?;
            }
            None if !hostport.is_empty() => p.host = hostport.to_string(),
            None => {}
        }
        let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
        if let Some(v) = path.strip_prefix('/') {
            if !v.is_empty() {
                p.vhost = crate::percent::decode_lossy(v);
            }
        }
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            match k {
                "connection_attempts" => {
                    p.connection_attempts =
                        v.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                            value_error(format!(
                                "connection_attempts must be > 0, but got {}",
                                repr_str(v)
                            ))
                        })?
                }
                "retry_delay" => {
                    p.retry_delay = v
                        .parse::<f64>()
                        .ok()
                        .filter(|d| *d >= 0.0 && d.is_finite())
                        .ok_or_else(|| {
                            value_error(format!(
                                "retry_delay must be a non-negative number, but got {}",
                                repr_str(v)
                            ))
                        })?
                }
                other => p.extra.push((other.to_string(), Value::str(v))),
            }
        }
        Ok(p)
    }

    pub(super) fn params_of(&self, v: &Value) -> Option<Params> {
        match v {
            Value::Host(h) => match self.obj(h.id) {
                Some(Obj::Params(p)) => Some(p.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn params_type_error(&mut self, v: &Value) -> PyException {
        let shown = crate::py::format::repr(self, v).unwrap_or_default();
        type_error(format!(
            "parameters must be an instance of pika.connection.Parameters or a non-empty sequence of them, but got {shown}"
        ))
    }
}
