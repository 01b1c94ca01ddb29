use crate::Backend::{Postgres, Sqlite};

#[test]
fn placeholders() {
    assert_eq!(super::values(Postgres, 2, 3), "($1,$2,$3),($4,$5,$6)");
    assert_eq!(super::values(Sqlite, 2, 2), "(?,?),(?,?)");
    assert_eq!(
        super::numbered(Postgres, "a = ? AND b IN (?,?)"),
        "a = $1 AND b IN ($2,$3)"
    );
    assert_eq!(super::numbered(Sqlite, "a = ?"), "a = ?");
    assert_eq!(super::list(Postgres, 3), "$1,$2,$3");
    assert_eq!(super::list(Sqlite, 2), "?,?");
}
