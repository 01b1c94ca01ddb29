//! `minicrm_fold(text)`: Unicode lower case for SQLite, whose own `lower()` folds ASCII only.
//!
//! Segment rules compare text case-insensitively. PostgreSQL's `lower()` follows the database's
//! Unicode locale, so `contains "é"` finds "Élodie" there; SQLite's leaves "É" as it is. The rule
//! compiler and the customer search ask `fold_function` which function to call. `minicrm_fold` is
//! Rust's `str::to_lowercase`, the same folding the rule parser applies to operands.
//!
//! sqlx exposes no safe way to add a scalar function, so this registers one through the raw handle;
//! the unsafe code is confined to this module.
#![allow(unsafe_code)]

use crate::Backend;
use libsqlite3_sys as ffi;
use sqlx::sqlite::SqliteConnection;
use std::ffi::{c_char, c_int, CStr};

/// The function's name in SQL, as registered and as called.
const SQLITE_FOLD_C: &CStr = c"minicrm_fold";
pub(crate) const SQLITE_FOLD: &str = match SQLITE_FOLD_C.to_str() {
    Ok(name) => name,
    Err(_) => panic!("the name is ASCII"),
};

/// The SQL function that folds a text column for comparison with `operands` (lower-cased by Rust):
/// `lower` everywhere but on SQLite with an operand beyond ASCII, where only `minicrm_fold` gives the
/// same answer. ASCII operands keep `lower`, which is what the `lower(...)` expression indexes hold.
pub fn fold_function<'a>(
    backend: Backend,
    operands: impl IntoIterator<Item = &'a str>,
) -> &'static str {
    if backend == Backend::Sqlite && operands.into_iter().any(|t| !t.is_ascii()) {
        SQLITE_FOLD
    } else {
        "lower"
    }
}

/// Registers `minicrm_fold` on one connection (run from each pool's `after_connect`).
pub(crate) async fn register(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is a live connection handle, held locked for the call; the name is a static C
    // string; `fold` matches SQLite's xFunc signature and keeps no state (no pApp, no destructor).
    let code = unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            SQLITE_FOLD_C.as_ptr(),
            1,
            ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC | ffi::SQLITE_INNOCUOUS,
            std::ptr::null_mut(),
            Some(fold),
            None,
            None,
            None,
        )
    };
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("could not register {SQLITE_FOLD} (SQLite code {code})").into(),
        ))
    }
}

/// NULL stays NULL; text is lower-cased; text that is not UTF-8 (SQLite does not check) is folded
/// in its ASCII letters only, as `lower()` would; other values are folded as their text.
unsafe extern "C" fn fold(
    ctx: *mut ffi::sqlite3_context,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite calls with `argc` (= 1, as registered) valid values; the text pointer and its
    // length stay valid until the next call on that value; the result is copied (SQLITE_TRANSIENT).
    unsafe {
        if argc != 1 {
            ffi::sqlite3_result_error(ctx, c"minicrm_fold takes one argument".as_ptr(), -1);
            return;
        }
        let value = *argv;
        if ffi::sqlite3_value_type(value) == ffi::SQLITE_NULL {
            ffi::sqlite3_result_null(ctx);
            return;
        }
        let text = ffi::sqlite3_value_text(value);
        let len = ffi::sqlite3_value_bytes(value);
        let bytes = if text.is_null() || len <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(text, len as usize)
        };
        let folded = fold_bytes(bytes);
        ffi::sqlite3_result_text(
            ctx,
            folded.as_ptr().cast::<c_char>(),
            folded.len() as c_int,
            ffi::SQLITE_TRANSIENT(),
        );
    }
}

fn fold_bytes(bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() => text.to_ascii_lowercase().into_bytes(),
        Ok(text) => text.to_lowercase().into_bytes(),
        Err(_) => bytes.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests;
