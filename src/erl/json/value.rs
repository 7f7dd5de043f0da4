//! The decoded JSON value, as jsx hands it to RabbitMQ: objects keep their members in the order
//! written, duplicates included, and [`Json::get`] and [`Json::normalized`] apply jsx's map
//! semantics (the last value of a key wins, keys sorted by bytes).

/// A decoded JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// An integer without fraction or exponent that fits an `i64` (`-0` is `0`).
    Int(i64),
    /// A number with a fraction or an exponent, or an integer too large for an `i64`.
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    /// Members in the order written, duplicates included.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The value of `key` in an object: the last one when the key is repeated (jsx keeps the
    /// last), `None` for a missing key or a value that is not an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is an integer (`2.0` is a float, not an integer, as in Erlang).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members in written order, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Json)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// This value after a round trip through jsx's map semantics: in every object a repeated
    /// key keeps only its last value, and members are sorted by key bytes (the order in which
    /// Erlang lists a small map). This is the value RabbitMQ stores and prints back.
    pub fn normalized(&self) -> Json {
        match self {
            Json::Array(items) => Json::Array(items.iter().map(Json::normalized).collect()),
            Json::Object(members) => Json::Object(
                dedup_sorted(members)
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v.normalized()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Members with repeated keys reduced to their last value, sorted by key bytes.
pub(crate) fn dedup_sorted(members: &[(String, Json)]) -> Vec<(&String, &Json)> {
    let mut out: Vec<(&String, &Json)> = Vec::with_capacity(members.len());
    for (k, v) in members {
        match out.iter_mut().find(|(ek, _)| *ek == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    crate::sort::sort_by(&mut out, |a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out
}
