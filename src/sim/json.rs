//! TEMPORARY minimal JSON type (replaced by the validation branch).
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}
impl Json {
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(p) => p.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn to_json_string(&self) -> String {
        format!("{self:?}")
    }
}
/// TEMPORARY recursive parser.
pub fn parse(s: &str) -> Result<Json, String> {
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let v = val(&b, &mut i)?;
    ws(&b, &mut i);
    if i != b.len() {
        return Err("trailing".into());
    }
    Ok(v)
}
fn ws(b: &[char], i: &mut usize) {
    while *i < b.len() && b[*i].is_whitespace() {
        *i += 1;
    }
}
fn val(b: &[char], i: &mut usize) -> Result<Json, String> {
    ws(b, i);
    match b.get(*i) {
        Some('{') => {
            *i += 1;
            let mut p = Vec::new();
            ws(b, i);
            if b.get(*i) == Some(&'}') {
                *i += 1;
                return Ok(Json::Object(p));
            }
            loop {
                ws(b, i);
                let k = match val(b, i)? {
                    Json::Str(k) => k,
                    _ => return Err("key".into()),
                };
                ws(b, i);
                if b.get(*i) != Some(&':') {
                    return Err(":".into());
                }
                *i += 1;
                let v = val(b, i)?;
                p.push((k, v));
                ws(b, i);
                match b.get(*i) {
                    Some(',') => *i += 1,
                    Some('}') => {
                        *i += 1;
                        return Ok(Json::Object(p));
                    }
                    _ => return Err("obj".into()),
                }
            }
        }
        Some('[') => {
            *i += 1;
            let mut p = Vec::new();
            ws(b, i);
            if b.get(*i) == Some(&']') {
                *i += 1;
                return Ok(Json::Array(p));
            }
            loop {
                p.push(val(b, i)?);
                ws(b, i);
                match b.get(*i) {
                    Some(',') => *i += 1,
                    Some(']') => {
                        *i += 1;
                        return Ok(Json::Array(p));
                    }
                    _ => return Err("arr".into()),
                }
            }
        }
        Some('"') => {
            *i += 1;
            let mut out = String::new();
            while let Some(&c) = b.get(*i) {
                *i += 1;
                if c == '"' {
                    return Ok(Json::Str(out));
                }
                out.push(c);
            }
            Err("str".into())
        }
        Some(_) => {
            let st = *i;
            while *i < b.len() && !",]}".contains(b[*i]) && !b[*i].is_whitespace() {
                *i += 1;
            }
            let t: String = b[st..*i].iter().collect();
            match t.as_str() {
                "true" => Ok(Json::Bool(true)),
                "false" => Ok(Json::Bool(false)),
                "null" => Ok(Json::Null),
                _ => t
                    .parse::<i64>()
                    .map(Json::Int)
                    .or_else(|_| t.parse::<f64>().map(Json::Float))
                    .map_err(|_| "num".into()),
            }
        }
        None => Err("eof".into()),
    }
}
