//! `people`: one row per e-mail address; the first person through OpenID Connect is an admin, the
//! local link always signs in the local admin, a disabled person stays disabled, and the last active
//! admin can be neither demoted nor disabled.

use crate::fixtures::T0;
use crate::harness::on_each_backend;
use minicrm_domain::Role;
use minicrm_store::people::{
    self, Change, Identity, User, LOCAL_EMAIL, LOCAL_PROVIDER, OIDC_PROVIDER,
};
use minicrm_store::{sessions, Db, StoreError};

async fn sign_in(db: &Db, email: &str, name: &str, now: i64) -> User {
    let identity = Identity {
        email: email.into(),
        name: name.into(),
        provider: OIDC_PROVIDER,
        subject: Some(format!("sub-{email}")),
    };
    people::sign_in(db, &identity, Role::Marketer, now)
        .await
        .unwrap()
}

fn change(role: Option<Role>, disabled: Option<bool>) -> Change {
    Change { role, disabled }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_person_is_an_admin_and_everyone_after_has_the_default_role() {
    on_each_backend(|db| async move {
        let local = Identity {
            email: LOCAL_EMAIL.into(),
            name: String::new(),
            provider: LOCAL_PROVIDER,
            subject: None,
        };
        let admin = people::sign_in(&db, &local, Role::Viewer, T0)
            .await
            .unwrap();
        assert_eq!(
            (admin.role, admin.provider.as_str()),
            (Role::Admin, "local")
        );
        let ana = sign_in(&db, "ana@example.com", "Ana", T0 + 1).await;
        assert_eq!(ana.role, Role::Admin, "the first through OpenID Connect");
        let bea = sign_in(&db, "bea@example.com", "Bea", T0 + 2).await;
        assert_eq!(bea.role, Role::Marketer);
        let again = sign_in(&db, "ana@example.com", "", T0 + 3).await;
        assert_eq!(
            (again.id.as_str(), again.name.as_str()),
            (ana.id.as_str(), "Ana"),
            "an empty name keeps the old"
        );
        assert_eq!(
            (again.role, again.created_at, again.last_login_at),
            (Role::Admin, T0 + 1, Some(T0 + 3))
        );
        let renamed = sign_in(&db, "ana@example.com", "Ana B", T0 + 4).await;
        assert_eq!(people::get(&db, &ana.id).await.unwrap().name, "Ana B");
        assert_eq!(renamed.last_login_at, Some(T0 + 4));
        let everyone: Vec<_> = people::list(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.email)
            .collect();
        assert_eq!(
            everyone,
            [LOCAL_EMAIL, "ana@example.com", "bea@example.com"],
            "oldest first"
        );
        assert!(matches!(
            people::get(&db, "nobody").await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_active_admin_stays_one() {
    on_each_backend(|db| async move {
        let ana = sign_in(&db, "ana@example.com", "Ana", T0).await;
        let bea = sign_in(&db, "bea@example.com", "Bea", T0).await;
        for refused in [change(Some(Role::Viewer), None), change(None, Some(true))] {
            let result = people::update(&db, &ana.id, &refused, T0 + 1).await;
            assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
        }
        assert_eq!(people::get(&db, &ana.id).await.unwrap().role, Role::Admin);
        people::update(&db, &bea.id, &change(Some(Role::Admin), None), T0 + 2)
            .await
            .unwrap();
        let demoted = people::update(&db, &ana.id, &change(Some(Role::Viewer), None), T0 + 3)
            .await
            .unwrap();
        assert_eq!(demoted.role, Role::Viewer);
        let result = people::update(&db, &bea.id, &change(None, Some(true)), T0 + 4).await;
        assert!(
            matches!(result, Err(StoreError::Conflict(_))),
            "bea is the last now"
        );
        let missing = people::update(&db, "nobody", &change(None, Some(true)), T0).await;
        assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_someone_ends_their_sessions_and_keeps_them_out() {
    on_each_backend(|db| async move {
        sign_in(&db, "ana@example.com", "Ana", T0).await;
        let bea = sign_in(&db, "bea@example.com", "Bea", T0).await;
        let (token, _) = sessions::create(&db, &bea, 3_600_000, Some("test"), T0)
            .await
            .unwrap();
        let disabled = people::update(&db, &bea.id, &change(None, Some(true)), T0 + 5)
            .await
            .unwrap();
        assert_eq!(disabled.disabled_at, Some(T0 + 5));
        assert!(sessions::find(&db, &token, 3_600_000, T0 + 6)
            .await
            .unwrap()
            .is_none());
        people::update(&db, &bea.id, &change(None, Some(false)), T0 + 7)
            .await
            .unwrap();
        assert!(
            sessions::find(&db, &token, 3_600_000, T0 + 8)
                .await
                .unwrap()
                .is_none(),
            "ended, not hidden"
        );
        people::update(&db, &bea.id, &change(None, Some(true)), T0 + 9)
            .await
            .unwrap();
        let back = sign_in(&db, "bea@example.com", "Bea New", T0 + 10).await;
        assert_eq!(
            (back.disabled_at, back.last_login_at),
            (Some(T0 + 9), Some(T0)),
            "returned as it was"
        );
        assert_eq!(people::get(&db, &bea.id).await.unwrap().name, "Bea");
    })
    .await;
}
