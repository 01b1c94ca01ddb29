use super::*;

#[test]
fn lists_and_admin() {
    assert_eq!(
        Scope::parse_list("ingest, read,ingest").unwrap(),
        vec![Scope::Ingest, Scope::Read]
    );
    assert!(Scope::parse_list("").is_err());
    assert!(Scope::parse_list("root").is_err());
    assert!(Scope::Read.allowed_by(&[Scope::Admin]));
    assert!(!Scope::Read.allowed_by(&[Scope::Ingest]));
}

#[test]
fn roles_grant_scopes() {
    assert_eq!(Role::parse(" Marketer").unwrap(), Role::Marketer);
    assert!(Role::parse("owner").is_err());
    assert!(Scope::Write.allowed_by(Role::Marketer.scopes()));
    assert!(!Scope::Admin.allowed_by(Role::Marketer.scopes()));
    assert!(!Scope::Write.allowed_by(Role::Viewer.scopes()));
    assert!(!Scope::Ingest.allowed_by(Role::Viewer.scopes()));
    assert!(Scope::ALL
        .iter()
        .all(|s| s.allowed_by(Role::Admin.scopes())));
}

#[test]
fn a_role_limits_scopes() {
    use Scope::*;
    assert_eq!(Role::Admin.limit(&[Admin]), vec![Admin]);
    assert_eq!(Role::Admin.limit(&[Read, Ingest]), vec![Ingest, Read]);
    assert_eq!(Role::Marketer.limit(&[Admin]), vec![Ingest, Read, Write]);
    assert_eq!(Role::Marketer.limit(&[Read]), vec![Read]);
    assert_eq!(Role::Viewer.limit(&[Admin]), vec![Read]);
    assert_eq!(Role::Viewer.limit(&[Ingest, Write]), Vec::<Scope>::new());
    assert_eq!(within(&[Read, Write], &[Write, Ingest]), vec![Write]);
}
