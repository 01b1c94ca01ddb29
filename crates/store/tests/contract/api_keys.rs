//! API keys and the people who made them: a key is verified with its maker's current role and access,
//! and the migration that added makers found them from the old `created_by` labels.

use crate::harness::{on_each_backend, on_each_empty_backend};
use minicrm_domain::{Role, Scope};
use minicrm_store::api_keys::{self, KeyStatus, Verified};
use minicrm_store::people::{self, Change, Identity, User, OIDC_PROVIDER};
use minicrm_store::{on_tx, Db};

async fn person(db: &Db, email: &str) -> User {
    let identity = Identity {
        email: email.into(),
        name: String::new(),
        provider: OIDC_PROVIDER,
        subject: None,
    };
    people::sign_in(db, &identity, Role::Viewer, 1)
        .await
        .unwrap()
}

async fn change(db: &Db, user: &User, role: Option<Role>, disabled: Option<bool>) {
    people::update(db, &user.id, &Change { role, disabled }, 2)
        .await
        .unwrap();
}

/// The effective scopes of a live key, or why it is not live.
async fn verified(db: &Db, secret: &str) -> Result<Vec<Scope>, &'static str> {
    match api_keys::verify(db, secret).await.unwrap() {
        Some(Verified::Live(key)) => Ok(key.effective_scopes()),
        Some(Verified::Suspended(key)) => {
            assert_eq!(key.status(), KeyStatus::Suspended);
            assert!(key.effective_scopes().is_empty());
            Err("suspended")
        }
        None => Err("unknown"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_does_what_its_maker_may_do_now() {
    use Scope::*;
    on_each_backend(|db| async move {
        let ana = person(&db, "ana@example.com").await; // the first: an admin
        let bea = person(&db, "bea@example.com").await;
        change(&db, &bea, Some(Role::Admin), None).await;
        let made = |scopes: &'static [Scope], maker: Option<String>| {
            let db = db.clone();
            async move {
                let by = maker.as_deref();
                api_keys::create_made_by(&db, "k", scopes, "test", by, 0)
                    .await
                    .unwrap()
            }
        };
        let (key, admin) = made(&[Admin], Some(bea.id.clone())).await;
        assert_eq!(key.maker.as_ref().unwrap().email, "bea@example.com");
        let (_, reader) = made(&[Read, Ingest], Some(bea.id.clone())).await;
        let (_, cli) = made(&[Admin], None).await;
        assert_eq!(verified(&db, &admin).await, Ok(vec![Admin]));

        change(&db, &bea, Some(Role::Viewer), None).await;
        assert_eq!(verified(&db, &admin).await, Ok(vec![Read]));
        assert_eq!(verified(&db, &reader).await, Ok(vec![Read]));
        change(&db, &bea, Some(Role::Marketer), Some(true)).await;
        assert_eq!(verified(&db, &admin).await, Err("suspended"));
        assert_eq!(verified(&db, &reader).await, Err("suspended"));
        assert_eq!(verified(&db, &cli).await, Ok(vec![Admin]), "no maker");
        let listed = api_keys::list(&db).await.unwrap();
        let statuses: Vec<_> = listed.iter().map(|k| k.status()).collect();
        assert_eq!(
            statuses
                .iter()
                .filter(|s| **s == KeyStatus::Suspended)
                .count(),
            2
        );

        change(&db, &bea, None, Some(false)).await;
        assert_eq!(verified(&db, &admin).await, Ok(vec![Ingest, Read, Write]));
        assert_eq!(verified(&db, &reader).await, Ok(vec![Ingest, Read]));
        api_keys::revoke(&db, &key.id, 3).await.unwrap();
        assert_eq!(verified(&db, &admin).await, Err("unknown"));
        let revoked = api_keys::list(&db).await.unwrap();
        let revoked = revoked.iter().find(|k| k.id == key.id).unwrap();
        assert_eq!(revoked.status(), KeyStatus::Revoked);
        assert!(revoked.effective_scopes().is_empty());
        let _ = ana;
    })
    .await;
}

/// Keys made before makers were recorded find theirs from the labels: `user:<email>` directly,
/// `api-key:<name>` through the key of that name (along a chain), and `cli` finds no one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migration_finds_makers_from_labels() {
    on_each_empty_backend(|db| async move {
        migrate_before_makers(&db).await;
        let ana = person(&db, "ana@example.com").await;
        let keys = [
            ("k1", "user:ana@example.com", 10),
            ("k2", "api-key:k1", 20),
            ("k3", "api-key:k2", 30),
            ("k4", "cli", 40),
            ("k5", "api-key:k4", 50),
            ("k6", "user:gone@example.com", 60),
            ("k7", "api-key:nothing", 70),
        ];
        let mut tx = db.begin().await.unwrap();
        for (name, by, at) in keys {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, created_by, created_at) \
                 VALUES ($1, $1, $1, 'x', 'admin', $2, $3)")
                .bind(name).bind(by).bind(at).execute(&mut *c).await.map(|r| r.rows_affected()))
            .unwrap();
        }
        tx.commit().await.unwrap();
        db.migrate().await.unwrap();

        let listed = api_keys::list(&db).await.unwrap();
        let maker = |name: &str| {
            let key = listed.iter().find(|k| k.name == name).unwrap();
            key.maker.as_ref().map(|m| m.id.clone())
        };
        for name in ["k1", "k2", "k3"] {
            assert_eq!(maker(name), Some(ana.id.clone()), "{name}");
        }
        for name in ["k4", "k5", "k6", "k7"] {
            assert_eq!(maker(name), None, "{name}");
        }
    })
    .await;
}

/// Applies the migrations that came before makers were recorded (versions 1 to 6), through the
/// migrator's list of migrations (public for `migrate!`, though semver-exempt: sqlx is pinned).
async fn migrate_before_makers(db: &Db) {
    let mut migrator = match db {
        Db::Sqlite { .. } => sqlx::migrate!("./migrations/sqlite"),
        Db::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
    };
    let earlier: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 7)
        .cloned()
        .collect();
    migrator.migrations = earlier.into();
    match db {
        Db::Sqlite { write, .. } => migrator.run(write).await.unwrap(),
        Db::Postgres(pool) => migrator.run(pool).await.unwrap(),
    }
}
