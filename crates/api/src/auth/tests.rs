use super::*;
use crate::ApiError;
use minicrm_domain::{Role, Scope};
use minicrm_store::api_keys::ApiKey;
use minicrm_store::api_keys::Maker;
use Scope::*;

fn key_of(scopes: &[Scope], maker: Option<Role>) -> Caller {
    let maker = maker.map(|role| Maker {
        id: "u1".into(),
        email: "bea@example.com".into(),
        role,
        disabled_at: None,
    });
    let key = ApiKey {
        id: "k1".into(),
        name: "k".into(),
        prefix: "p".into(),
        scopes: scopes.to_vec(),
        created_by: None,
        maker,
        created_at: 0,
        last_used_at: None,
        revoked_at: None,
    };
    Caller {
        principal: Principal::Key(Box::new(key)),
    }
}

/// A caller grants no scope beyond what it may do now: a key's own scopes, as far as its maker's
/// role allows them.
#[test]
fn no_one_grants_more_than_they_may_do() {
    let admin_of_marketer = key_of(&[Admin], Some(Role::Marketer));
    assert!(admin_of_marketer.may_grant(&[Read, Write]).is_ok());
    let refused = admin_of_marketer.may_grant(&[Read, Admin]).unwrap_err();
    assert!(
        matches!(&refused, ApiError::ForbiddenField { field, .. } if field == "scopes[1]"),
        "{refused:?}"
    );
    assert!(key_of(&[Read], None).may_grant(&[Write]).is_err());
    assert!(key_of(&[Admin], None).may_grant(&Scope::ALL).is_ok());
    assert!(key_of(&[Admin], Some(Role::Admin))
        .may_grant(&[Admin])
        .is_ok());
    assert_eq!(
        admin_of_marketer.maker_id(),
        Some("u1"),
        "a key made by this key answers to the same person"
    );
}

/// A key limited by its maker's role says so when refused.
#[test]
fn a_refusal_names_the_makers_role() {
    let refused = key_of(&[Admin], Some(Role::Viewer))
        .require(Write)
        .unwrap_err();
    assert!(refused.to_string().contains("viewer"), "{refused}");
    let plain = key_of(&[Read], Some(Role::Admin))
        .require(Write)
        .unwrap_err();
    assert!(
        plain.to_string().contains("lacks the 'write' scope"),
        "{plain}"
    );
}
