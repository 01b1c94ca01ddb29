//! `sessions`: a session is found by its cookie while it is neither past its end nor idle too long and
//! its person is not disabled; one-time links and sign-ins in progress are good once; purge removes
//! what can no longer be used.

use crate::fixtures::T0;
use crate::harness::on_each_backend;
use minicrm_domain::Role;
use minicrm_store::people::{self, Identity, User, OIDC_PROVIDER};
use minicrm_store::sessions::{self, AuthRequest};
use minicrm_store::Db;

const HOUR: i64 = 3_600_000;

async fn person(db: &Db) -> User {
    let identity = Identity {
        email: "ana@example.com".into(),
        name: "Ana".into(),
        provider: OIDC_PROVIDER,
        subject: None,
    };
    people::sign_in(db, &identity, Role::Viewer, T0)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lives_until_its_end_or_until_it_idles() {
    on_each_backend(|db| async move {
        let ana = person(&db).await;
        let (token, made) = sessions::create(&db, &ana, 8 * HOUR, Some("test"), T0)
            .await
            .unwrap();
        assert_ne!(made.token_hash, token, "the secret is not what is stored");
        let found = sessions::find(&db, &token, HOUR, T0 + 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (found.user.id.as_str(), found.csrf_token.as_str()),
            (ana.id.as_str(), made.csrf_token.as_str())
        );
        assert_eq!((found.created_at, found.expires_at), (T0, T0 + 8 * HOUR));
        assert!(sessions::find(&db, "not-the-token", HOUR, T0 + 1)
            .await
            .unwrap()
            .is_none());
        assert!(
            sessions::find(&db, &token, HOUR, T0 + HOUR)
                .await
                .unwrap()
                .is_none(),
            "idle"
        );
        sessions::touch(&db, &made.token_hash, T0 + HOUR - 1)
            .await
            .unwrap();
        sessions::touch(&db, &made.token_hash, T0 + 5)
            .await
            .unwrap();
        let found = sessions::find(&db, &token, HOUR, T0 + HOUR)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            found.last_seen_at,
            T0 + HOUR - 1,
            "touch only moves forward"
        );
        assert!(
            sessions::find(&db, &token, 100 * HOUR, T0 + 8 * HOUR)
                .await
                .unwrap()
                .is_none(),
            "ended"
        );
        assert!(sessions::end(&db, &token).await.unwrap());
        assert!(!sessions::end(&db, &token).await.unwrap());
        assert!(sessions::find(&db, &token, HOUR, T0 + 2)
            .await
            .unwrap()
            .is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_link_is_good_once_before_it_expires() {
    on_each_backend(|db| async move {
        let link = sessions::create_link(&db, 1000, T0).await.unwrap();
        let late = sessions::create_link(&db, 1000, T0).await.unwrap();
        assert!(sessions::link_usable(&db, &link, T0 + 999).await.unwrap());
        assert!(
            sessions::link_usable(&db, &link, T0 + 999).await.unwrap(),
            "looking spends nothing"
        );
        assert!(sessions::use_link(&db, &link, T0 + 999).await.unwrap());
        assert!(!sessions::use_link(&db, &link, T0 + 999).await.unwrap());
        assert!(!sessions::link_usable(&db, &link, T0 + 999).await.unwrap());
        assert!(
            !sessions::use_link(&db, &late, T0 + 1000).await.unwrap(),
            "expired"
        );
        assert!(!sessions::use_link(&db, "made-up", T0).await.unwrap());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_in_progress_is_taken_once_while_fresh() {
    on_each_backend(|db| async move {
        let request = |created_at| AuthRequest {
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            return_to: "/campaigns".into(),
            created_at,
        };
        sessions::begin_request(&db, "state-1", &request(T0))
            .await
            .unwrap();
        sessions::begin_request(&db, "state-2", &request(T0))
            .await
            .unwrap();
        let taken = sessions::take_request(&db, "state-1", 600_000, T0 + 10)
            .await
            .unwrap();
        assert_eq!(taken.map(|r| r.return_to), Some("/campaigns".to_owned()));
        assert!(sessions::take_request(&db, "state-1", 600_000, T0 + 10)
            .await
            .unwrap()
            .is_none());
        assert!(
            sessions::take_request(&db, "state-2", 600_000, T0 + 600_000)
                .await
                .unwrap()
                .is_none(),
            "stale"
        );
        sessions::begin_request(&db, "state-2", &request(T0 + 1))
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_removes_only_what_can_no_longer_be_used() {
    on_each_backend(|db| async move {
        let ana = person(&db).await;
        let (live, _) = sessions::create(&db, &ana, 8 * HOUR, None, T0 + HOUR)
            .await
            .unwrap();
        sessions::create(&db, &ana, HOUR, None, T0).await.unwrap(); // ended at T0 + HOUR
        sessions::create(&db, &ana, 8 * HOUR, None, T0)
            .await
            .unwrap(); // idle since T0
        let used = sessions::create_link(&db, 8 * HOUR, T0).await.unwrap();
        sessions::use_link(&db, &used, T0).await.unwrap();
        let fresh = sessions::create_link(&db, 8 * HOUR, T0).await.unwrap();
        sessions::create_link(&db, 1, T0).await.unwrap(); // expired
        let request = |created_at| AuthRequest {
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            return_to: "/".into(),
            created_at,
        };
        sessions::begin_request(&db, "old", &request(T0))
            .await
            .unwrap();
        sessions::begin_request(&db, "new", &request(T0 + HOUR))
            .await
            .unwrap();
        let gone = sessions::purge(&db, 30 * 60_000, 10 * 60_000, T0 + HOUR + 1)
            .await
            .unwrap();
        assert_eq!(gone, 2 + 2 + 1);
        assert!(sessions::find(&db, &live, 30 * 60_000, T0 + HOUR + 2)
            .await
            .unwrap()
            .is_some());
        assert!(sessions::link_usable(&db, &fresh, T0 + HOUR + 2)
            .await
            .unwrap());
        let kept = sessions::take_request(&db, "new", 10 * 60_000, T0 + HOUR + 2)
            .await
            .unwrap();
        assert!(kept.is_some());
        assert_eq!(
            sessions::purge(&db, 30 * 60_000, 10 * 60_000, T0 + HOUR + 1)
                .await
                .unwrap(),
            0
        );
    })
    .await;
}
