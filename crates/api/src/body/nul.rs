//! Finds the first text or key holding a NUL character in a JSON document, by walking its tokens with
//! serde: no tree is built (a `serde_json::Value` costs about 25 times the text it holds), only the
//! path down to where the walk is, so the memory is that of the deepest path.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The JSON pointer (RFC 6901) of the first text or key holding NUL: `""` for the document itself.
/// `None` when there is none, or when `bytes` is not JSON.
pub fn pointer(bytes: &[u8]) -> Option<String> {
    let mut path = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = Walk { path: &mut path }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    found
}

enum Step {
    Index(usize),
    Key(String),
}

fn render(path: &[Step], last: Option<&str>) -> String {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    let mut pointer = String::new();
    for step in path {
        match step {
            Step::Index(i) => pointer.push_str(&format!("/{i}")),
            Step::Key(k) => pointer.push_str(&format!("/{}", escape(k))),
        }
    }
    if let Some(key) = last {
        pointer.push_str(&format!("/{}", escape(key)));
    }
    pointer
}

/// One value of the document, at `path`; its answer is the pointer of the first NUL found in it.
struct Walk<'p> {
    path: &'p mut Vec<Step>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(text.contains('\0').then(|| render(self.path, None)))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut index = 0;
        loop {
            self.path.push(Step::Index(index));
            let next = seq.next_element_seed(Walk {
                path: &mut *self.path,
            });
            self.path.pop();
            match next? {
                None => return Ok(None),
                Some(Some(found)) => {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    return Ok(Some(found));
                }
                Some(None) => index += 1,
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            let found = if key.contains('\0') {
                map.next_value::<IgnoredAny>()?;
                Some(render(self.path, Some(&key)))
            } else {
                self.path.push(Step::Key(key));
                let found = map.next_value_seed(Walk {
                    path: &mut *self.path,
                });
                self.path.pop();
                found?
            };
            if found.is_some() {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(found);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests;
