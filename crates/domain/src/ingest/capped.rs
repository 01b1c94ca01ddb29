//! Lists and objects read with a cap: members past the cap are counted and skipped, never kept, so a
//! client's list of a million tiny members costs the memory of the first few, not a million slots.
//! (`serde_json::from_str::<Vec<&RawValue>>` keeps 16 bytes a member: 32 MiB of `[1,1,1,…]` is 256 MiB.)

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The first `cap` members of a list or an object, and how many it has in all.
#[derive(Debug)]
pub struct Capped<T> {
    pub kept: Vec<T>,
    pub total: usize,
}

impl<T> Capped<T> {
    /// Whether the list or object had more members than the cap.
    pub fn over(&self) -> bool {
        self.total > self.kept.len()
    }
}

/// A JSON array's elements as raw JSON, the first `cap` of them kept.
pub fn list(json: &str, cap: usize) -> serde_json::Result<Capped<&RawValue>> {
    read(json, ListSeed { cap })
}

/// A JSON object's members (keys decoded, values raw), the first `cap` of them kept.
pub fn object(json: &str, cap: usize) -> serde_json::Result<Capped<(String, &RawValue)>> {
    read(json, ObjectSeed { cap })
}

fn read<'a, S>(json: &'a str, seed: S) -> serde_json::Result<S::Value>
where
    S: DeserializeSeed<'a>,
{
    let mut de = serde_json::Deserializer::from_str(json);
    let value = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct ListSeed {
    cap: usize,
}

impl<'de> DeserializeSeed<'de> for ListSeed {
    type Value = Capped<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed {
    type Value = Capped<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        while kept.len() < self.cap {
            match seq.next_element::<&RawValue>()? {
                Some(item) => kept.push(item),
                None => {
                    let total = kept.len();
                    return Ok(Capped { kept, total });
                }
            }
        }
        let mut total = kept.len();
        while seq.next_element::<IgnoredAny>()?.is_some() {
            total += 1;
        }
        Ok(Capped { kept, total })
    }
}

struct ObjectSeed {
    cap: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Capped<(String, &'de RawValue)>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Capped<(String, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kept = Vec::new();
        while kept.len() < self.cap {
            match map.next_entry::<String, &RawValue>()? {
                Some(member) => kept.push(member),
                None => {
                    let total = kept.len();
                    return Ok(Capped { kept, total });
                }
            }
        }
        let mut total = kept.len();
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
            total += 1;
        }
        Ok(Capped { kept, total })
    }
}

#[cfg(test)]
mod tests;
