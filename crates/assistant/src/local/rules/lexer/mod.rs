//! The lexer: the prompt becomes tokens — words, numbers, dates, quoted text, comparison symbols,
//! punctuation and parentheses — each keeping its span in the prompt.

mod numbers;

use chrono::NaiveDate;
use minicrm_domain::rules::Operator;
use numbers::{merge_numbers, small_number};

/// Numbers are kept as integers in ten-thousandths, so that "1.5 lakh" or "2.3k" stay exact.
pub(super) const SCALE: i128 = 10_000;

/// A number as written: "₹5K", "1.5 lakh", "twenty five", "twice".
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Number {
    /// The value × [`SCALE`].
    pub(super) scaled: i128,
    /// Written with a currency: ₹, Rs, INR, rupees, /-.
    pub(super) money: bool,
    /// once, twice, thrice.
    pub(super) times: bool,
}

impl Number {
    /// The number when it is a whole one: 5, not 2.5.
    pub(super) fn whole(self) -> Option<i64> {
        (self.scaled % SCALE == 0)
            .then(|| i64::try_from(self.scaled / SCALE).ok())
            .flatten()
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    /// Lower-cased, with ’ read as '.
    Word(String),
    Number(Number),
    Date(NaiveDate),
    /// Text in quotes, as written.
    Quoted(String),
    /// ₹ alone, before numbers are merged.
    Rupee,
    /// `>`, `>=`, `≥`, `=`, `!=`, `<>`…
    Symbol(Operator),
    Comma,
    Semicolon,
    /// `.` or `?`.
    Stop,
    Colon,
    /// `(`, `[` or `{`.
    Open,
    /// `)`, `]` or `}`.
    Close,
    Dash,
    Slash,
    Plus,
    /// Anything else, one character.
    Other,
}

/// A token and its byte span in the prompt, so that what is not understood can be quoted verbatim.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Words after which a full stop is an abbreviation's, not the end of a sentence.
const ABBREVIATIONS: &[&str] = &[
    "rs", "avg", "no", "nos", "approx", "min", "max", "qty", "vs",
];

/// The prompt's tokens, numbers merged.
pub(super) fn lex(src: &str) -> Vec<Token> {
    let mut lexer = Lexer {
        src,
        chars: src.char_indices().collect(),
        out: Vec::new(),
    };
    lexer.run();
    merge_numbers(lexer.out)
}

/// Reads the prompt character by character; positions are indices into `chars`.
struct Lexer<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|c| c.1)
    }

    fn at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.src.len(), |c| c.0)
    }

    fn digit(&self, i: usize) -> bool {
        self.ch(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn digits(&self, i: usize) -> usize {
        let mut j = i;
        while self.digit(j) {
            j += 1;
        }
        j - i
    }

    fn push(&mut self, kind: TokenKind, i: usize, j: usize) {
        let (start, end) = (self.at(i), self.at(j));
        self.out.push(Token { kind, start, end });
    }

    fn run(&mut self) {
        let mut i = 0;
        while i < self.chars.len() {
            let c = self.chars[i].1;
            let next = self.ch(i + 1);
            i = match c {
                c if c.is_whitespace() => i + 1,
                c if c.is_ascii_digit() => self.number(i),
                c if c.is_alphabetic() || c == '@' => self.word(i),
                '"' | '“' | '”' | '\'' | '‘' => self.quoted(i),
                '₹' => self.single(TokenKind::Rupee, i),
                '(' | '[' | '{' => self.single(TokenKind::Open, i),
                ')' | ']' | '}' => self.single(TokenKind::Close, i),
                ',' => self.single(TokenKind::Comma, i),
                ';' => self.single(TokenKind::Semicolon, i),
                '.' | '?' => self.single(TokenKind::Stop, i),
                ':' => self.single(TokenKind::Colon, i),
                '+' => self.single(TokenKind::Plus, i),
                '-' | '–' | '—' => self.single(TokenKind::Dash, i),
                '&' => {
                    self.push(TokenKind::Word("and".into()), i, i + 1);
                    i + 1
                }
                '/' if next == Some('-') => {
                    // "5000/-": a rupee amount.
                    if let Some(TokenKind::Number(n)) = self.out.last_mut().map(|t| &mut t.kind) {
                        n.money = true;
                    }
                    i + 2
                }
                '/' => self.single(TokenKind::Slash, i),
                '>' | '<' | '=' | '!' | '≥' | '≤' | '≠' => self.symbol(i),
                _ => self.single(TokenKind::Other, i),
            };
        }
    }

    fn single(&mut self, kind: TokenKind, i: usize) -> usize {
        self.push(kind, i, i + 1);
        i + 1
    }

    fn symbol(&mut self, i: usize) -> usize {
        let two = (self.ch(i), self.ch(i + 1));
        let (op, len) = match two {
            (Some('>'), Some('=')) => (Some(Operator::Ge), 2),
            (Some('<'), Some('=')) => (Some(Operator::Le), 2),
            (Some('<'), Some('>')) | (Some('!'), Some('=')) => (Some(Operator::Ne), 2),
            (Some('='), Some('=')) => (Some(Operator::Eq), 2),
            (Some('>'), _) => (Some(Operator::Gt), 1),
            (Some('<'), _) => (Some(Operator::Lt), 1),
            (Some('='), _) => (Some(Operator::Eq), 1),
            (Some('≥'), _) => (Some(Operator::Ge), 1),
            (Some('≤'), _) => (Some(Operator::Le), 1),
            (Some('≠'), _) => (Some(Operator::Ne), 1),
            _ => (None, 1),
        };
        let kind = op.map_or(TokenKind::Stop, TokenKind::Symbol);
        self.push(kind, i, i + len);
        i + len
    }

    fn quoted(&mut self, i: usize) -> usize {
        let close = match self.chars[i].1 {
            '"' => '"',
            '“' | '”' => '”',
            '‘' => '’',
            _ => '\'',
        };
        let mut j = i + 1;
        while let Some(c) = self.ch(j) {
            let closes = c == close || (close == '”' && c == '"');
            // An apostrophe inside a word (don't) does not close a quote.
            let inside_word = close == '\'' && self.ch(j + 1).is_some_and(char::is_alphanumeric);
            if closes && !inside_word {
                let inner = self.src[self.at(i + 1)..self.at(j)].trim().to_owned();
                if inner.is_empty() {
                    break;
                }
                self.push(TokenKind::Quoted(inner), i, j + 1);
                return j + 1;
            }
            j += 1;
        }
        self.single(TokenKind::Other, i)
    }

    fn word(&mut self, i: usize) -> usize {
        let mut j = i + 1;
        while let Some(c) = self.ch(j) {
            let next = self.ch(j + 1);
            let joins = match c {
                c if c.is_alphanumeric() => true,
                '-' | '_' | '@' => next.is_some_and(char::is_alphanumeric),
                '\'' | '’' | '.' => next.is_some_and(char::is_alphabetic),
                _ => false,
            };
            if !joins {
                break;
            }
            j += 1;
        }
        let text = &self.src[self.at(i)..self.at(j)];
        let lower = text.to_lowercase().replace('’', "'");
        // "INR5000", "Rs5000": a currency stuck to its amount.
        for prefix in ["inr", "rs"] {
            let len = prefix.len();
            if lower.starts_with(prefix) && lower[len..].starts_with(|c: char| c.is_ascii_digit()) {
                self.push(TokenKind::Word(prefix.into()), i, i + len);
                return i + len;
            }
        }
        // "twenty-five" is two number words; "one-time" and "TSHIRT-01" stay whole.
        if lower.contains('-') && lower.split('-').all(|p| small_number(p).is_some()) {
            let mut k = i;
            for part in lower.split('-') {
                let len = part.chars().count();
                self.push(TokenKind::Word(part.to_owned()), k, k + len);
                k += len + 1;
            }
            return j;
        }
        let abbreviation = ABBREVIATIONS.contains(&lower.as_str())
            && self.ch(j) == Some('.')
            && !self.ch(j + 1).is_some_and(char::is_alphabetic);
        let end = if abbreviation { j + 1 } else { j };
        self.push(TokenKind::Word(lower), i, end);
        end
    }
}

#[cfg(test)]
mod tests;
