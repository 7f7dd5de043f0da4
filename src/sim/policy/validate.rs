//! Policy definitions: the typed view the rest of the core reads, and the validation
//! `rabbitmqctl set_policy` / `set_operator_policy` run on RabbitMQ 3.10.8, with its exact texts.
//!
//! The pipeline follows `rabbit_policy:parse_set/8` of 3.10.8:
//!
//! 1. the definition is decoded by jsx ([`json::parse`]); a decoding failure answers
//!    `JSON decoding error. Reason: badarg` and nothing else is checked;
//! 2. jsx returns a map, so repeated keys keep their last value and the definition becomes a
//!    list of pairs sorted by key (`maps:to_list/1`). That is why RabbitMQ's
//!    `duplicate keys not allowed` check can never fire from the command line, and why
//!    error texts list pairs in key order;
//! 3. `rabbit_parameter_validation:proplist/3` checks priority, pattern, apply-to and definition,
//!    and every error is reported, in the order definition, apply-to, pattern (priority is an
//!    integer by then and always valid);
//! 4. the definition's keys are handed to their validator modules in the order Erlang lists
//!    them, `rabbit_queue_location_validator` (`queue-master-locator`), then
//!    `rabbit_mirror_queue_misc` (`ha-*`), then `rabbit_policies` (the rest). The first module
//!    that finds an error stops the check; keys no module claims are reported last, as
//!    `[{<<"foo">>,<<"bar">>}] are not recognised policy settings`.
//!
//! Terms in messages are printed as Erlang's `~p` prints them (see [`Term`]), wrapped at
//! 80 columns as RabbitMQ does.
//!
//! Some definitions crash or hang RabbitMQ 3.10.8 instead of being refused: a definition that
//! is JSON but not an object (`{badmap,...}`), an `ha-mode` that is not a string
//! (`function_clause`), a `max-age` that is not a string with a leading number (`badarg`), a
//! `queue-master-locator` list that is not a string's bytes (`badarg`), and a
//! `queue-master-locator` that is a number with a fraction or an object (the validator loops
//! forever and rabbitmqctl never returns). rabbitmqctl then prints an Erlang crash report (or
//! nothing); the simulator answers with a plain explanation in the same `Error:` shape.
//!
//! # Observed on a real 3-node RabbitMQ 3.10.8 cluster (Debian bookworm, Erlang 25)
//!
//! * `set_policy ha q '{"ha-mode":"exactly"}'` prints the banner on stdout, then on stderr
//!   `Error:\nValidation failed\n\nha-mode="exactly" takes an integer, none given\n\n` (the
//!   validation text ends with a line feed and rabbitmqctl adds one), exit code 69. The same
//!   shape for `set_operator_policy … '{"ha-mode":"all"}'`:
//!   `[{<<"ha-mode">>,<<"all">>}] are not recognised policy settings`.
//! * `not-json` gives `Error:\nJSON decoding error. Reason: badarg\n`, exit 69.
//! * Pattern `^bad(` gives `pattern should be regular expression but is invalid:
//!   {"missing )",5}`; pattern `[` with apply-to `bogus` and definition `{"foo":1}` lists the
//!   three errors definition first, the PCRE tuple wrapped at 80 columns with its second
//!   element under the first.
//! * `{"ha-mode":"all","ha-mode":"exactly"}` is checked as `exactly` (the last key wins);
//!   unknown keys are listed sorted (`[{<<"alpha">>,2},{<<"zeta">>,1}]`), long lists one
//!   tuple per line.
//! * `[1,2]`, `"all"`, `[]`, `null` as the definition: `Error:` then an Elixir-formatted crash
//!   term, `{{:badmap, [1, 2]}, [{:maps, :to_list, …`, exit 69. `{"ha-mode":1}`:
//!   `{:function_clause, [{:rabbit_mirror_queue_misc, :module, [1], …`, exit 69.
//!   `{"queue-master-locator":{}}`: rabbitmqctl never returns (the validator loops).
//! * `--priority abc`, `--priority 1.5`, `--priority 1e3`, `--priority ''`, `--priority ' 5'`,
//!   `--priority 0x10`, `--priority 1_000` are refused by rabbitmqctl itself (see
//!   [`invalid_options_text`]), exit 64; `+5`, `-3` and `99999999999999999999` are accepted.
//! * A UTF-8 `é` in a value or in `--apply-to` is printed byte by byte as Latin-1 (`Ã©`).
//! * `list_policies` prints a stored definition with sorted keys and jsx escapes:
//!   `{"alternate-exchange":"x\ty","ha-mode":"nodes","ha-params":["rabbit@a","b\"é/"],…}`.

use crate::erl::json::{self, Json, JsonErrorKind};
use crate::erl::re::{self, PatternError};
use crate::erl::term::Term;
use crate::sim::policy::definition::{
    iolist_bytes, ApplyTo, Definition, Locator, PolicyKind, ValidatedPolicy, OPERATOR_KEYS,
};

/// Validates `set_policy` (or `set_operator_policy`) arguments as RabbitMQ 3.10.8 does.
///
/// `priority` is the `--priority` value ("0" when absent), already accepted by
/// [`parse_priority_switch`]; `apply_to` is the `--apply-to` value ("all" when absent).
///
/// The error is exactly what rabbitmqctl prints after its `Error:` line, which the caller prints
/// as `"Error:\n{err}\n"` with exit code 69. Validation errors keep RabbitMQ's trailing line
/// feed, so the output ends with a blank line:
/// `"Validation failed\n\nha-mode=\"exactly\" takes an integer, none given\n"`. A JSON error has
/// none: `"JSON decoding error. Reason: badarg"`.
pub fn parse_set(
    kind: PolicyKind,
    name: &str,
    pattern: &str,
    definition: &str,
    priority: &str,
    apply_to: &str,
) -> Result<ValidatedPolicy, String> {
    let priority = match parse_integer(priority) {
        Some(Ok(p)) => p,
        Some(Err(())) => return Err(too_large_priority(priority)),
        None => {
            // rabbit_policy:parse_set/8 answers this for a priority that is not an integer;
            // rabbitmqctl never lets one through (see `parse_priority_switch`).
            return Err(format!(
                "{} priority must be a number",
                Term::Bin(priority.as_bytes().to_vec()).pretty(1)
            ));
        }
    };
    let decoded = match json::parse(definition) {
        Ok(v) => v,
        Err(e) if e.kind == JsonErrorKind::TooDeep => {
            return Err(format!(
                "The definition nests arrays or objects more than {} levels deep; RabbitMQ \
                 3.10.8 would read it, but the simulator does not.",
                json::MAX_DEPTH
            ))
        }
        Err(_) => return Err("JSON decoding error. Reason: badarg".to_string()),
    };
    let Json::Object(members) = &decoded else {
        return Err(crash(
            &format!(
                "the definition must be a JSON object, not {}",
                decoded.to_json_string()
            ),
            &format!("{{badmap,{}}}", decoded.to_term().pretty(1)),
        ));
    };
    let definition = Definition::from_members(members);
    let pattern_result = re::compile(pattern);

    // Reported in the order RabbitMQ prints them.
    let mut errors: Vec<String> = Vec::new();
    if let Some(e) = validate_definition(kind, &definition)? {
        errors.push(e);
    }
    let apply = ApplyTo::parse(apply_to);
    if apply.is_none() {
        errors.push(format!(
            "apply-to '{}' unrecognised; should be 'queues', 'exchanges' or 'all'",
            latin1(apply_to.as_bytes())
        ));
    }
    match &pattern_result {
        Err(e @ PatternError::Invalid { .. }) => {
            let prefix = "pattern should be regular expression but is invalid: ";
            let term = e.to_term().unwrap_or(Term::Atom("error".into()));
            errors.push(format!("{prefix}{}", term.pretty(prefix.len() + 1)));
        }
        Err(PatternError::Unsupported { .. }) | Ok(_) => {}
    }
    if !errors.is_empty() {
        let mut out = String::from("Validation failed\n\n");
        for e in errors {
            out.push_str(&e);
            out.push('\n');
        }
        return Err(out);
    }
    let pattern = match pattern_result {
        Ok(p) => p,
        Err(e) => {
            return Err(format!(
                "The simulator cannot use the pattern \"{pattern}\": {e}. Rewrite the pattern \
                 without that construct to try the policy here."
            ))
        }
    };
    Ok(ValidatedPolicy {
        kind,
        name: name.to_string(),
        pattern,
        apply_to: apply.unwrap_or(ApplyTo::All),
        priority,
        definition,
    })
}

/// Reads a `--priority` value as rabbitmqctl's option parser does (an optionally signed
/// decimal integer, nothing else). The error is the line rabbitmqctl prints for the switch,
/// `--priority : abc`; [`invalid_options_text`] builds the whole usage error (exit code 64).
///
/// RabbitMQ accepts integers of any size; one beyond 64 bits is refused here with a plain
/// explanation instead.
pub fn parse_priority_switch(s: &str) -> Result<i64, String> {
    match parse_integer(s) {
        Some(Ok(p)) => Ok(p),
        Some(Err(())) => Err(too_large_priority(s)),
        None => Err(format!("--priority : {s}")),
    }
}

/// The complete text rabbitmqctl 3.10.8 writes to stderr when an option value is refused, e.g.
/// for `--priority abc` (the command exits with code 64):
///
/// ```text
/// Error (argument validation): Invalid options for this command:
/// --priority : abc
/// Arguments given:
/// <TAB>set_policy --priority abc ha q {"ha-mode":"all"}
///
/// <ESC>[1mUsage<ESC>[0m
///
/// rabbitmqctl [--node <node>] [--longnames] [--quiet] set_policy [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>
/// ```
///
/// `invalid` are the lines from [`parse_priority_switch`] (one per refused `--priority`, as
/// the option may be repeated), `args_given` the command line as typed after `rabbitmqctl`.
/// "Usage" is printed bold with ANSI escapes even when stderr is not a terminal.
pub fn invalid_options_text(kind: PolicyKind, invalid: &[String], args_given: &str) -> String {
    let command = match kind {
        PolicyKind::User => "set_policy",
        PolicyKind::Operator => "set_operator_policy",
    };
    let mut out = String::from("Error (argument validation): Invalid options for this command:\n");
    for line in invalid {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("Arguments given:\n\t");
    out.push_str(args_given);
    out.push_str(
        "\n\n\u{1b}[1mUsage\u{1b}[0m\n\nrabbitmqctl [--node <node>] [--longnames] [--quiet] ",
    );
    out.push_str(command);
    out.push_str(
        " [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> \
         <definition>\n",
    );
    out
}

/// `Some(Ok(n))` for an optionally signed decimal integer that fits an `i64`, `Some(Err(()))`
/// for one that does not, `None` for anything else (Elixir's `Integer.parse/1` consuming all).
fn parse_integer(s: &str) -> Option<Result<i64, ()>> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        s.strip_prefix('+')
            .unwrap_or(s)
            .parse::<i64>()
            .map_err(|_| ()),
    )
}

fn too_large_priority(s: &str) -> String {
    format!(
        "The priority {s} is too large for the simulator, which keeps priorities as 64-bit \
         integers (RabbitMQ would accept it)."
    )
}

/// Bytes as Erlang's `~s` writes a binary: each byte a Latin-1 character.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// The message for a definition RabbitMQ 3.10.8 fails on with an internal error.
fn crash(what: &str, reason: &str) -> String {
    format!(
        "RabbitMQ 3.10.8 fails with an internal error here ({reason}) and rabbitmqctl prints an \
         Erlang crash report: {what}."
    )
}

/// The message for a definition RabbitMQ 3.10.8 never answers.
fn hang(what: &str) -> String {
    format!(
        "RabbitMQ 3.10.8 never answers this command (rabbitmqctl waits forever): {what}. The \
         simulator refuses the definition instead."
    )
}

/// `{error, Fmt, [Term]}` with `~p` inside: the term is printed at its column.
fn with_term(prefix: &str, term: &Term, suffix: &str) -> String {
    format!(
        "{prefix}{}{suffix}",
        term.pretty(prefix.chars().count() + 1)
    )
}

const HA_KEYS: [&str; 6] = [
    "ha-mode",
    "ha-params",
    "ha-sync-mode",
    "ha-sync-batch-size",
    "ha-promote-on-shutdown",
    "ha-promote-on-failure",
];

/// Keys `rabbit_policies` validates for user policies in 3.10.8.
const POLICIES_KEYS: [&str; 18] = [
    "alternate-exchange",
    "dead-letter-exchange",
    "dead-letter-routing-key",
    "dead-letter-strategy",
    "message-ttl",
    "expires",
    "max-length",
    "max-length-bytes",
    "max-in-memory-length",
    "max-in-memory-bytes",
    "queue-mode",
    "queue-version",
    "overflow",
    "delivery-limit",
    "max-age",
    "stream-max-segment-size-bytes",
    "queue-leader-locator",
    "initial-cluster-size",
];

/// The definition check (`rabbit_policy:validation/3`). `Ok(Some(e))` is an error line;
/// `Err` is a crash or hang message that replaces the whole output.
fn validate_definition(kind: PolicyKind, def: &Definition) -> Result<Option<String>, String> {
    if def.pairs.is_empty() {
        return Ok(Some("no policy provided".to_string()));
    }
    let mut left: Vec<&(String, Json)> = def.pairs.iter().collect();
    let modules: &[(&[&str], Validator)] = match kind {
        PolicyKind::User => &[
            (&["queue-master-locator"], validate_locator),
            (&HA_KEYS, validate_ha),
            (&POLICIES_KEYS, validate_policies),
        ],
        PolicyKind::Operator => &[(&OPERATOR_KEYS, validate_policies)],
    };
    for (keys, validator) in modules {
        let scope: Vec<&(String, Json)> = left
            .iter()
            .copied()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .collect();
        if scope.is_empty() {
            continue;
        }
        if let Some(e) = validator(&scope)? {
            return Ok(Some(e));
        }
        left.retain(|(k, _)| !keys.contains(&k.as_str()));
    }
    if left.is_empty() {
        return Ok(None);
    }
    let pairs: Vec<(String, Json)> = left.into_iter().cloned().collect();
    Ok(Some(with_term(
        "",
        &Term::pairs(&pairs),
        " are not recognised policy settings",
    )))
}

type Validator = fn(&[&(String, Json)]) -> Result<Option<String>, String>;

fn lookup<'a>(scope: &[&'a (String, Json)], key: &str) -> Option<&'a Json> {
    scope.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// `rabbit_queue_location_validator:validate_policy/1`.
fn validate_locator(scope: &[&(String, Json)]) -> Result<Option<String>, String> {
    let Some(value) = lookup(scope, "queue-master-locator") else {
        return Ok(None);
    };
    let name: Vec<u8> = match value {
        Json::Str(s) => s.as_bytes().to_vec(),
        Json::Int(n) => n.to_string().into_bytes(),
        Json::Bool(b) => b.to_string().into_bytes(),
        Json::Null => b"null".to_vec(),
        Json::Array(_) => match iolist_bytes(value) {
            Some(b) => b,
            None => {
                return Err(crash(
                    &format!(
                        "queue-master-locator must be a string, and this list is not one: {}",
                        value.to_json_string()
                    ),
                    "badarg in list_to_binary/1",
                ))
            }
        },
        Json::Float(_) | Json::Object(_) => {
            return Err(hang(&format!(
                "its queue-master-locator check loops forever on the value {}; the value must \
                 be \"client-local\", \"min-masters\" or \"random\"",
                value.to_json_string()
            )))
        }
    };
    if Locator::from_name(&name).is_some() {
        Ok(None)
    } else {
        Ok(Some(with_term(
            "",
            &value.to_term(),
            " invalid queue-master-locator value",
        )))
    }
}

/// `rabbit_mirror_queue_misc:validate_policy/1` and the `ha-mode` modules.
fn validate_ha(scope: &[&(String, Json)]) -> Result<Option<String>, String> {
    let get = |k: &str| lookup(scope, k);
    let Some(mode) = get("ha-mode") else {
        return Ok(Some(
            "ha-mode must be specified to specify ha-params, ha-sync-mode or \
             ha-promote-on-shutdown"
                .to_string(),
        ));
    };
    let Json::Str(mode_name) = mode else {
        return Err(crash(
            &format!(
                "ha-mode must be a string (\"all\", \"exactly\" or \"nodes\"), not {}",
                mode.to_json_string()
            ),
            "function_clause in rabbit_mirror_queue_misc:module/1",
        ));
    };
    let none = Term::Atom("none".into());
    let params = get("ha-params").map(Json::to_term);
    match mode_name.as_str() {
        "all" => {
            if params.is_some() {
                return Ok(Some("ha-mode=\"all\" does not take parameters".to_string()));
            }
        }
        "exactly" => {
            if !matches!(get("ha-params"), Some(Json::Int(n)) if *n > 0) {
                return Ok(Some(with_term(
                    "ha-mode=\"exactly\" takes an integer, ",
                    params.as_ref().unwrap_or(&none),
                    " given",
                )));
            }
        }
        "nodes" => match get("ha-params") {
            Some(Json::Array(items)) if items.is_empty() => {
                return Ok(Some("ha-mode=\"nodes\" list must be non-empty".to_string()));
            }
            Some(Json::Array(items)) => {
                let invalid: Vec<Term> = items
                    .iter()
                    .filter(|i| !matches!(i, Json::Str(_)))
                    .map(Json::to_term)
                    .collect();
                if !invalid.is_empty() {
                    return Ok(Some(with_term(
                        "ha-mode=\"nodes\" takes a list of strings, ",
                        &Term::List(invalid),
                        " was not a string",
                    )));
                }
            }
            _ => {
                return Ok(Some(with_term(
                    "ha-mode=\"nodes\" takes a list, ",
                    params.as_ref().unwrap_or(&none),
                    " given",
                )))
            }
        },
        _ => {
            return Ok(Some(with_term(
                "",
                &mode.to_term(),
                " is not a valid ha-mode value",
            )))
        }
    }
    if let Some(v) = get("ha-sync-mode") {
        if !matches!(v.as_str(), Some("manual" | "automatic")) {
            return Ok(Some(with_term(
                "ha-sync-mode must be \"manual\" or \"automatic\", got ",
                &v.to_term(),
                "",
            )));
        }
    }
    if let Some(v) = get("ha-sync-batch-size") {
        if !matches!(v, Json::Int(n) if *n > 0) {
            return Ok(Some(with_term(
                "ha-sync-batch-size takes an integer greater than 0, ",
                &v.to_term(),
                " given",
            )));
        }
    }
    for key in ["ha-promote-on-shutdown", "ha-promote-on-failure"] {
        if let Some(v) = get(key) {
            if !matches!(v.as_str(), Some("always" | "when-synced")) {
                return Ok(Some(with_term(
                    &format!("{key} must be \"always\" or \"when-synced\", got "),
                    &v.to_term(),
                    "",
                )));
            }
        }
    }
    Ok(None)
}

/// `rabbit_policies:validate_policy/1`: each key in order, the first error wins.
fn validate_policies(scope: &[&(String, Json)]) -> Result<Option<String>, String> {
    for (key, value) in scope.iter().map(|p| (p.0.as_str(), &p.1)) {
        let int_at_least = |min: i64| matches!(value, Json::Int(n) if *n >= min);
        let str_in = |allowed: &[&str]| matches!(value.as_str(), Some(s) if allowed.contains(&s));
        let (ok, what) = match key {
            "alternate-exchange" => (value.as_str().is_some(), "a valid alternate exchange name"),
            "dead-letter-exchange" => (
                value.as_str().is_some(),
                "a valid dead letter exchange name",
            ),
            "dead-letter-routing-key" => {
                (value.as_str().is_some(), "a valid dead letter routing key")
            }
            "dead-letter-strategy" => (
                str_in(&["at-most-once", "at-least-once"]),
                "a valid dead letter strategy",
            ),
            "message-ttl" => (int_at_least(0), "a valid message TTL"),
            "expires" => (int_at_least(1), "a valid queue expiry"),
            "max-length" => (int_at_least(0), "a valid maximum length"),
            "max-length-bytes" => (int_at_least(0), "a valid maximum length in bytes"),
            // RabbitMQ 3.10.8 words both in-memory limits the same way.
            "max-in-memory-length" | "max-in-memory-bytes" => {
                (int_at_least(0), "a valid maximum memory in bytes")
            }
            "queue-mode" => (str_in(&["default", "lazy"]), "a valid queue-mode value"),
            "queue-version" => (
                matches!(value, Json::Int(1 | 2)),
                "a valid queue-version value",
            ),
            "overflow" => (
                str_in(&["drop-head", "reject-publish", "reject-publish-dlx"]),
                "a valid overflow value",
            ),
            "delivery-limit" => (int_at_least(0), "a valid delivery limit"),
            "max-age" => (check_max_age(value)?, "a valid max age"),
            "queue-leader-locator" => (
                str_in(&["client-local", "balanced", "random", "least-leaders"]),
                "a valid queue leader locator value",
            ),
            "initial-cluster-size" => (int_at_least(0), "a valid cluster size"),
            "stream-max-segment-size-bytes" => (
                matches!(value, Json::Int(n) if (0..=3_000_000_000).contains(n)),
                "a valid segment size",
            ),
            _ => (true, ""),
        };
        if !ok {
            return Ok(Some(with_term(
                "",
                &value.to_term(),
                &format!(" is not {what}"),
            )));
        }
    }
    Ok(None)
}

/// `rabbit_amqqueue:check_max_age/1`: a positive number followed by Y, M, D, h, m or s. It
/// runs `re:run/3` on the value, so a list of character codes or strings works too, and it
/// crashes on anything without a leading digit.
fn check_max_age(value: &Json) -> Result<bool, String> {
    let explain = || {
        crash(
            &format!(
                "max-age must be a string such as \"7D\" (a number followed by Y, M, D, h, m or \
                 s), not {}",
                value.to_json_string()
            ),
            "badarg",
        )
    };
    let bytes = match value {
        Json::Str(s) => s.as_bytes().to_vec(),
        Json::Array(_) => iolist_bytes(value).ok_or_else(explain)?,
        _ => return Err(explain()),
    };
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return Err(explain());
    }
    // `(.*)` stops at a line feed.
    let rest = &bytes[digits..];
    let unit_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let unit = &rest[..unit_end];
    let positive = bytes[..digits].iter().any(|&b| b != b'0');
    Ok(positive && matches!(unit, b"Y" | b"M" | b"D" | b"h" | b"m" | b"s"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::rng::Rng;
    use crate::sim::policy::definition::{HaMode, CLASSIC_UNSUPPORTED_KEYS};

    fn user(pattern: &str, definition: &str) -> Result<ValidatedPolicy, String> {
        parse_set(PolicyKind::User, "ha", pattern, definition, "0", "all")
    }

    fn refused(definition: &str) -> String {
        match user("q", definition) {
            Err(e) => e,
            Ok(p) => panic!("{definition} should be refused, got {:?}", p.definition),
        }
    }

    fn failed(lines: &[&str]) -> String {
        let mut s = String::from("Validation failed\n\n");
        for l in lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    /// The definition `parse_set` accepted for a user policy on `q`; panics if it refused it.
    pub(crate) fn accepted(definition: &str) -> Definition {
        match user("q", definition) {
            Ok(p) => p.definition,
            Err(e) => panic!("{definition} should be accepted: {e}"),
        }
    }

    #[test]
    fn t1_validation_texts() {
        // Spec trace T1; each text is what 3.10.8 answered for the same arguments.
        for (definition, line) in [
            (r#"{"ha-mode":"exactly"}"#, r#"ha-mode="exactly" takes an integer, none given"#),
            (r#"{"ha-mode":"exactly","ha-params":0}"#, r#"ha-mode="exactly" takes an integer, 0 given"#),
            (r#"{"ha-mode":"exactly","ha-params":"2"}"#, r#"ha-mode="exactly" takes an integer, <<"2">> given"#),
            (r#"{"ha-mode":"exactly","ha-params":2.0}"#, r#"ha-mode="exactly" takes an integer, 2.0 given"#),
            (r#"{"ha-mode":"exactly","ha-params":-1}"#, r#"ha-mode="exactly" takes an integer, -1 given"#),
            (r#"{"ha-mode":"all","ha-params":2}"#, r#"ha-mode="all" does not take parameters"#),
            (r#"{"ha-mode":"all","ha-params":null}"#, r#"ha-mode="all" does not take parameters"#),
            (r#"{"ha-mode":"nodes"}"#, r#"ha-mode="nodes" takes a list, none given"#),
            (r#"{"ha-mode":"nodes","ha-params":"rabbit@a"}"#, r#"ha-mode="nodes" takes a list, <<"rabbit@a">> given"#),
            (r#"{"ha-mode":"nodes","ha-params":[]}"#, r#"ha-mode="nodes" list must be non-empty"#),
            (r#"{"ha-mode":"nodes","ha-params":["rabbit@a",1]}"#, r#"ha-mode="nodes" takes a list of strings, [1] was not a string"#),
            (r#"{"ha-mode":"some"}"#, r#"<<"some">> is not a valid ha-mode value"#),
            (r#"{"ha-params":2}"#, "ha-mode must be specified to specify ha-params, ha-sync-mode or ha-promote-on-shutdown"),
            (r#"{"ha-sync-mode":"automatic"}"#, "ha-mode must be specified to specify ha-params, ha-sync-mode or ha-promote-on-shutdown"),
            (r#"{"ha-mode":"all","ha-sync-mode":"auto"}"#, r#"ha-sync-mode must be "manual" or "automatic", got <<"auto">>"#),
            (r#"{"ha-mode":"all","ha-sync-batch-size":0}"#, "ha-sync-batch-size takes an integer greater than 0, 0 given"),
            (r#"{"ha-mode":"all","ha-promote-on-shutdown":"never"}"#, r#"ha-promote-on-shutdown must be "always" or "when-synced", got <<"never">>"#),
            (r#"{"ha-mode":"all","ha-promote-on-failure":"never"}"#, r#"ha-promote-on-failure must be "always" or "when-synced", got <<"never">>"#),
            ("{}", "no policy provided"),
            (r#"{"foo":1}"#, r#"[{<<"foo">>,1}] are not recognised policy settings"#),
        ] {
            assert_eq!(refused(definition), failed(&[line]), "{definition}");
        }
        assert_eq!(refused("not-json"), "JSON decoding error. Reason: badarg");
        assert_eq!(
            user("[", r#"{"ha-mode":"all"}"#).err(),
            Some(failed(&[
                "pattern should be regular expression but is invalid: {\"missing terminating ] for character class\",\n                                                      1}"
            ]))
        );
        assert_eq!(
            user("^bad(", r#"{"ha-mode":"all"}"#).err(),
            Some(failed(&[
                "pattern should be regular expression but is invalid: {\"missing )\",5}"
            ]))
        );
        // Valid ones.
        assert_eq!(
            accepted(r#"{"ha-mode":"exactly","ha-params":7}"#).ha_mode(),
            Some(HaMode::Exactly(7))
        );
        assert_eq!(
            accepted(r#"{"ha-mode":"nodes","ha-params":["nosuch@host"]}"#).ha_mode(),
            Some(HaMode::Nodes(vec!["nosuch@host".into()]))
        );
        assert_eq!(
            accepted(r#"{"ha-mode":"all","ha-sync-batch-size":1}"#).sync_batch_size(),
            4096
        );
    }

    #[test]
    fn errors_follow_rabbitmqs_order_and_wrapping() {
        // Captured from 3.10.8: definition, then apply-to, then pattern.
        assert_eq!(
            parse_set(PolicyKind::User, "p", "[", r#"{"foo":1}"#, "0", "bogus").err(),
            Some(failed(&[
                r#"[{<<"foo">>,1}] are not recognised policy settings"#,
                "apply-to 'bogus' unrecognised; should be 'queues', 'exchanges' or 'all'",
                "pattern should be regular expression but is invalid: {\"missing terminating ] for character class\",\n                                                      1}",
            ]))
        );
        assert_eq!(
            parse_set(PolicyKind::User, "p", "(", "{}", "0", "queues").err(),
            Some(failed(&[
                "no policy provided",
                "pattern should be regular expression but is invalid: {\"missing )\",1}",
            ]))
        );
        // Keys come sorted and deduplicated (jsx builds a map), long lists wrap at 80 columns.
        assert_eq!(
            refused(r#"{"x-message-ttl":60000,"x-max-length":1000,"x-dead-letter-exchange":"dlx"}"#),
            failed(&["[{<<\"x-dead-letter-exchange\">>,<<\"dlx\">>},\n {<<\"x-max-length\">>,1000},\n {<<\"x-message-ttl\">>,60000}] are not recognised policy settings"])
        );
        assert_eq!(
            refused(r#"{"zeta":1,"alpha":2}"#),
            failed(&[r#"[{<<"alpha">>,2},{<<"zeta">>,1}] are not recognised policy settings"#])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"all","ha-mode":"exactly"}"#),
            failed(&[r#"ha-mode="exactly" takes an integer, none given"#])
        );
        assert_eq!(
            refused(&format!(
                r#"{{"ha-mode":"exactly","ha-params":[{}]}}"#,
                (1..=30).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            )),
            failed(&["ha-mode=\"exactly\" takes an integer, [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,\n                                     17,18,19,20,21,22,23,24,25,26,27,28,29,\n                                     30] given"])
        );
        // The locator is checked first, then ha-*, then the other keys in key order.
        assert_eq!(
            refused(r#"{"ha-mode":"bogus","message-ttl":-1,"queue-master-locator":"x"}"#),
            failed(&[r#"<<"x">> invalid queue-master-locator value"#])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"bogus","message-ttl":-1}"#),
            failed(&[r#"<<"bogus">> is not a valid ha-mode value"#])
        );
        assert_eq!(
            refused(r#"{"max-length":-1,"message-ttl":-1}"#),
            failed(&["-1 is not a valid maximum length"])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"bogus","foo":1}"#),
            failed(&[r#"<<"bogus">> is not a valid ha-mode value"#])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"all","foo":1}"#),
            failed(&[r#"[{<<"foo">>,1}] are not recognised policy settings"#])
        );
        // Erlang prints binaries byte-wise and lists of character codes as strings.
        assert_eq!(
            parse_set(PolicyKind::User, "p", "q", r#"{"ha-mode":"é"}"#, "0", "é").err(),
            Some(failed(&[
                "<<\"Ã©\">> is not a valid ha-mode value",
                "apply-to 'Ã©' unrecognised; should be 'queues', 'exchanges' or 'all'",
            ]))
        );
        assert_eq!(
            refused(r#"{"ha-mode":"exactly","ha-params":[65,66]}"#),
            failed(&[r#"ha-mode="exactly" takes an integer, "AB" given"#])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"exactly","ha-params":{"a":1,"b":[1,2]}}"#),
            failed(&[
                r#"ha-mode="exactly" takes an integer, #{<<"a">> => 1,<<"b">> => [1,2]} given"#
            ])
        );
        assert_eq!(
            refused(r#"{"ha-mode":"nodes","ha-params":["a",10,1.5,true,null,{},[]]}"#),
            failed(&[
                r#"ha-mode="nodes" takes a list of strings, [10,1.5,true,null,#{},[]] was not a string"#
            ])
        );
    }

    #[test]
    fn other_keys_of_3_10_8() {
        for (definition, line) in [
            (r#"{"message-ttl":-1}"#, "-1 is not a valid message TTL"),
            (r#"{"expires":0}"#, "0 is not a valid queue expiry"),
            (r#"{"max-length":1.5}"#, "1.5 is not a valid maximum length"),
            (
                r#"{"max-length-bytes":"1"}"#,
                r#"<<"1">> is not a valid maximum length in bytes"#,
            ),
            (
                r#"{"max-in-memory-length":-1}"#,
                "-1 is not a valid maximum memory in bytes",
            ),
            (
                r#"{"overflow":"drop"}"#,
                r#"<<"drop">> is not a valid overflow value"#,
            ),
            (
                r#"{"queue-mode":"fast"}"#,
                r#"<<"fast">> is not a valid queue-mode value"#,
            ),
            (
                r#"{"queue-version":3}"#,
                "3 is not a valid queue-version value",
            ),
            (
                r#"{"dead-letter-exchange":1}"#,
                "1 is not a valid dead letter exchange name",
            ),
            (
                r#"{"dead-letter-routing-key":true}"#,
                "true is not a valid dead letter routing key",
            ),
            (
                r#"{"alternate-exchange":null}"#,
                "null is not a valid alternate exchange name",
            ),
            (
                r#"{"dead-letter-strategy":"x"}"#,
                r#"<<"x">> is not a valid dead letter strategy"#,
            ),
            (
                r#"{"delivery-limit":-1}"#,
                "-1 is not a valid delivery limit",
            ),
            (r#"{"max-age":"0D"}"#, r#"<<"0D">> is not a valid max age"#),
            (
                r#"{"queue-leader-locator":"x"}"#,
                r#"<<"x">> is not a valid queue leader locator value"#,
            ),
            (
                r#"{"initial-cluster-size":-1}"#,
                "-1 is not a valid cluster size",
            ),
            (
                r#"{"stream-max-segment-size-bytes":3000000001}"#,
                "3000000001 is not a valid segment size",
            ),
            (
                r#"{"queue-master-locator":"nearest"}"#,
                r#"<<"nearest">> invalid queue-master-locator value"#,
            ),
            (
                r#"{"queue-master-locator":[]}"#,
                "[] invalid queue-master-locator value",
            ),
            (
                r#"{"queue-master-locator":5}"#,
                "5 invalid queue-master-locator value",
            ),
        ] {
            assert_eq!(refused(definition), failed(&[line]), "{definition}");
        }
        for definition in [
            r#"{"message-ttl":0,"expires":1,"max-length":0,"max-length-bytes":0}"#,
            r#"{"overflow":"reject-publish-dlx","queue-mode":"lazy","queue-version":2}"#,
            r#"{"dead-letter-exchange":"dlx","dead-letter-routing-key":"k","alternate-exchange":"ae"}"#,
            r#"{"max-age":"7D","queue-leader-locator":"balanced","initial-cluster-size":3}"#,
            r#"{"max-age":"5D\n","dead-letter-strategy":"at-least-once","delivery-limit":0}"#,
            r#"{"queue-master-locator":["min-","masters"]}"#,
            r#"{"stream-max-segment-size-bytes":3000000000,"max-in-memory-bytes":1}"#,
        ] {
            accepted(definition);
        }
        assert_eq!(
            accepted(r#"{"queue-master-locator":["min-","masters"]}"#).master_locator(),
            Some(Locator::MinMasters)
        );
    }

    #[test]
    fn crashes_and_hangs_of_3_10_8_get_a_plain_message() {
        for definition in [r#"[1,2]"#, r#""all""#, "null", "[]", "1"] {
            let e = refused(definition);
            assert!(
                e.starts_with("RabbitMQ 3.10.8 fails with an internal error here ({badmap,"),
                "{e}"
            );
            assert!(e.contains("must be a JSON object"), "{e}");
        }
        for definition in [
            r#"{"ha-mode":1}"#,
            r#"{"ha-mode":null}"#,
            r#"{"ha-mode":["all"]}"#,
        ] {
            let e = refused(definition);
            assert!(e.contains("function_clause"), "{e}");
            assert!(e.contains("ha-mode must be a string"), "{e}");
        }
        for definition in [
            r#"{"max-age":"h"}"#,
            r#"{"max-age":5}"#,
            r#"{"queue-master-locator":[300]}"#,
        ] {
            assert!(refused(definition).contains("badarg"), "{definition}");
        }
        for definition in [
            r#"{"queue-master-locator":1.5}"#,
            r#"{"queue-master-locator":{}}"#,
        ] {
            let e = refused(definition);
            assert!(
                e.starts_with("RabbitMQ 3.10.8 never answers this command"),
                "{e}"
            );
        }
        // An earlier error stops the check before the crash, as in RabbitMQ.
        assert_eq!(
            refused(r#"{"queue-master-locator":"x","ha-mode":1}"#),
            failed(&[r#"<<"x">> invalid queue-master-locator value"#])
        );
        assert_eq!(
            refused(r#"{"delivery-limit":-1,"max-age":5}"#),
            failed(&["-1 is not a valid delivery limit"])
        );
    }

    #[test]
    fn operator_policies_of_3_10_accept_only_limits() {
        // Spec trace T22, 3.10 side.
        let e = parse_set(
            PolicyKind::Operator,
            "op",
            "q",
            r#"{"ha-mode":"all"}"#,
            "0",
            "all",
        )
        .err();
        assert_eq!(
            e,
            Some(failed(&[
                r#"[{<<"ha-mode">>,<<"all">>}] are not recognised policy settings"#
            ]))
        );
        let ok = parse_set(
            PolicyKind::Operator,
            "op",
            "q",
            r#"{"expires":5000,"message-ttl":1,"max-length":1,"max-length-bytes":1,"max-in-memory-length":1,"max-in-memory-bytes":1,"delivery-limit":1}"#,
            "5",
            "queues",
        );
        let p = ok.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (p.kind, p.priority, p.apply_to),
            (PolicyKind::Operator, 5, ApplyTo::Queues)
        );
        assert_eq!(
            parse_set(
                PolicyKind::Operator,
                "op",
                "q",
                r#"{"overflow":"drop-head"}"#,
                "0",
                "all"
            )
            .err(),
            Some(failed(&[
                r#"[{<<"overflow">>,<<"drop-head">>}] are not recognised policy settings"#
            ]))
        );
        assert_eq!(
            parse_set(
                PolicyKind::Operator,
                "op",
                "q",
                r#"{"max-length":-1}"#,
                "0",
                "all"
            )
            .err(),
            Some(failed(&["-1 is not a valid maximum length"]))
        );
    }

    #[test]
    fn t25_quorum_keys_are_valid_but_make_the_policy_skip_classic_queues() {
        let d = accepted(r#"{"ha-mode":"all","delivery-limit":3}"#);
        assert!(d.is_mirroring());
        assert!(!d.applies_to_classic_queues());
        for key in CLASSIC_UNSUPPORTED_KEYS {
            let value = match key {
                "max-age" => r#""1D""#,
                "queue-leader-locator" => r#""random""#,
                "dead-letter-strategy" => r#""at-most-once""#,
                _ => "1",
            };
            let d = accepted(&format!(r#"{{"max-length":1,"{key}":{value}}}"#));
            assert!(!d.applies_to_classic_queues(), "{key}");
        }
        assert!(accepted(r#"{"ha-mode":"all","max-length":3}"#).applies_to_classic_queues());
    }

    #[test]
    fn patterns_the_simulator_cannot_evaluate_are_refused_plainly() {
        let e = user("^(?!amq\\.)", r#"{"ha-mode":"all"}"#)
            .err()
            .unwrap_or_default();
        assert!(
            e.starts_with("The simulator cannot use the pattern \"^(?!amq\\.)\""),
            "{e}"
        );
        assert!(e.contains("RabbitMQ accepts it"), "{e}");
        // RabbitMQ's own errors come first.
        assert_eq!(
            user("^(?!amq\\.)", r#"{"ha-mode":"bad"}"#).err(),
            Some(failed(&[r#"<<"bad">> is not a valid ha-mode value"#]))
        );
        let p = user("^q\\.", r#"{"ha-mode":"all"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(p.pattern.is_match("q.orders") && !p.pattern.is_match("xq.orders"));
        assert_eq!(p.pattern.source(), "^q\\.");
        assert_eq!(p.name, "ha");
    }

    #[test]
    fn priority_switch_as_the_cli_reads_it() {
        assert_eq!(parse_priority_switch("5"), Ok(5));
        assert_eq!(parse_priority_switch("+5"), Ok(5));
        assert_eq!(parse_priority_switch("-3"), Ok(-3));
        assert_eq!(parse_priority_switch("007"), Ok(7));
        for bad in ["abc", "1.5", "", " 5", "5 ", "0x10", "1_000", "-", "+-1"] {
            assert_eq!(
                parse_priority_switch(bad),
                Err(format!("--priority : {bad}")),
                "{bad:?}"
            );
        }
        assert!(parse_priority_switch("99999999999999999999")
            .is_err_and(|e| e.contains("too large for the simulator")));
        assert_eq!(
            invalid_options_text(
                PolicyKind::User,
                &["--priority : abc".to_string()],
                r#"set_policy --priority abc zzp q {"max-length":1}"#
            ),
            "Error (argument validation): Invalid options for this command:\n--priority : abc\nArguments given:\n\tset_policy --priority abc zzp q {\"max-length\":1}\n\n\u{1b}[1mUsage\u{1b}[0m\n\nrabbitmqctl [--node <node>] [--longnames] [--quiet] set_policy [--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>\n"
        );
        assert!(invalid_options_text(PolicyKind::Operator, &[], "x")
            .contains(" set_operator_policy [--vhost"));
        let p = parse_set(
            PolicyKind::User,
            "p",
            "q",
            r#"{"max-length":1}"#,
            "-4",
            "all",
        );
        assert_eq!(p.map(|p| p.priority), Ok(-4));
        assert_eq!(
            parse_set(
                PolicyKind::User,
                "p",
                "q",
                r#"{"max-length":1}"#,
                "abc",
                "all"
            )
            .err(),
            Some(r#"<<"abc">> priority must be a number"#.to_string())
        );
    }

    #[test]
    fn garbage_never_panics() {
        let mut rng = Rng::new(5);
        let pieces = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"ha-mode\"",
            "\"ha-params\"",
            "\"all\"",
            "\"nodes\"",
            "\"exactly\"",
            "1",
            "-1",
            "2.5",
            "null",
            "true",
            "\"max-age\"",
            "\"7D\"",
            "\"queue-master-locator\"",
            "\"x\"",
            "\"foo\"",
            " ",
            "\"é\"",
            "[65]",
            "{}",
        ];
        let patterns = ["q", "[", "(?=a)", "^a$", "(", "a{2,1}", ""];
        for _ in 0..3000 {
            let len = rng.below(12) as usize;
            let def: String = (0..len)
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            let pattern = patterns[rng.below(patterns.len() as u64) as usize];
            let kind = if rng.below(2) == 0 {
                PolicyKind::User
            } else {
                PolicyKind::Operator
            };
            let _ = parse_set(kind, "n", pattern, &def, "0", "all");
            let _ = parse_set(kind, "n", pattern, &format!("{{{def}}}"), "1", "queues");
        }
    }
}
