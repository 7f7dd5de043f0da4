//! TEMPORARY
#[derive(Debug, Clone)]
pub struct Pattern {
    src: String,
    re: regex_lite::Regex,
}
impl Pattern {
    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }
    pub fn source(&self) -> &str {
        &self.src
    }
}
pub fn compile(src: &str) -> Result<Pattern, String> {
    regex_lite::Regex::new(src)
        .map(|re| Pattern {
            src: src.into(),
            re,
        })
        .map_err(|e| e.to_string())
}
