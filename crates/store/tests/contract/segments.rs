//! `segments`: saved segments are created, read, updated and deleted by id, their names unique
//! whatever their case, listed newest first a page at a time; one a campaign uses stays.

use crate::fixtures::T0;
use crate::harness::on_each_backend;
use minicrm_store::segments::{self, SegmentInput, SegmentRow};
use minicrm_store::{campaigns, Db, StoreError};
use serde_json::json;

fn input(name: &str, count: i64) -> SegmentInput {
    SegmentInput {
        name: name.into(),
        description: Some(format!("about {name}")),
        rules: json!({"combinator": "and", "rules": [
            {"field": "total_spend", "operator": ">", "value": count}]}),
        count,
    }
}

async fn create(db: &Db, name: &str, now: i64) -> SegmentRow {
    segments::create(db, &input(name, 7), "ana@example.com", now)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_reads_back_as_it_was_saved_and_updated() {
    on_each_backend(|db| async move {
        let made = create(&db, "Big spenders", T0).await;
        let got = segments::get(&db, &made.id).await.unwrap();
        assert_eq!(got.name, "Big spenders");
        assert_eq!(got.description.as_deref(), Some("about Big spenders"));
        assert_eq!(got.rules.0, input("x", 7).rules);
        assert_eq!(got.created_by, "ana@example.com");
        assert_eq!((got.created_at, got.updated_at), (T0, T0));
        assert_eq!((got.last_count, got.last_count_at), (Some(7), Some(T0)));

        let change = SegmentInput {
            description: None,
            ..input("Lapsed", 42)
        };
        let updated = segments::update(&db, &made.id, &change, T0 + 9)
            .await
            .unwrap();
        let got = segments::get(&db, &made.id).await.unwrap();
        for row in [&updated, &got] {
            assert_eq!(
                (row.name.as_str(), row.description.as_deref()),
                ("Lapsed", None)
            );
            assert_eq!(row.rules.0, input("x", 42).rules);
            assert_eq!((row.created_at, row.updated_at), (T0, T0 + 9));
            assert_eq!(
                (row.last_count, row.last_count_at),
                (Some(42), Some(T0 + 9))
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_unique_whatever_their_case() {
    on_each_backend(|db| async move {
        let vip = create(&db, "VIP", T0).await;
        let other = create(&db, "Others", T0).await;
        let taken = segments::create(&db, &input("vip", 1), "bea", T0).await;
        match taken {
            Err(StoreError::Conflict(why)) => {
                assert!(why.contains("'vip' exists already"), "{why}")
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        let renamed = segments::update(&db, &other.id, &input("Vip", 1), T0).await;
        assert!(
            matches!(renamed, Err(StoreError::Conflict(_))),
            "{renamed:?}"
        );
        assert_eq!(segments::get(&db, &other.id).await.unwrap().name, "Others");
        let same = segments::update(&db, &vip.id, &input("vip", 1), T0)
            .await
            .unwrap();
        assert_eq!(
            same.name, "vip",
            "a segment may change the case of its own name"
        );
        assert_eq!(segments::list(&db, None, 10).await.unwrap().len(), 2);
        // Beyond ASCII too, as PostgreSQL's `lower` folds it.
        let elan = create(&db, "ÉLAN Ørsted", T0).await;
        let folded = segments::create(&db, &input("élan ørsted", 1), "bea", T0).await;
        assert!(matches!(folded, Err(StoreError::Conflict(_))), "{folded:?}");
        let folded = segments::update(&db, &other.id, &input("Élan ØRSTED", 1), T0).await;
        assert!(matches!(folded, Err(StoreError::Conflict(_))), "{folded:?}");
        let own = segments::update(&db, &elan.id, &input("élan ørsted", 1), T0).await;
        assert_eq!(own.unwrap().name, "élan ørsted");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_there_is_not_found() {
    on_each_backend(|db| async move {
        let made = create(&db, "Gone soon", T0).await;
        segments::delete(&db, &made.id).await.unwrap();
        for result in [
            segments::get(&db, &made.id).await.map(drop),
            segments::update(&db, &made.id, &input("x", 1), T0)
                .await
                .map(drop),
            segments::delete(&db, &made.id).await,
        ] {
            assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
        }
        assert!(segments::list(&db, None, 10).await.unwrap().is_empty());
        create(&db, "Gone soon", T0).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn segments_list_newest_first_a_page_at_a_time() {
    on_each_backend(|db| async move {
        let mut made = Vec::new();
        for i in 0..5 {
            made.push(create(&db, &format!("S{i}"), T0 + i).await.id);
        }
        let mut seen = Vec::new();
        let mut before: Option<String> = None;
        for _ in 0..4 {
            let page = segments::list(&db, before.as_deref(), 2).await.unwrap();
            assert!(page.len() <= 2);
            let Some(last) = page.last() else { break };
            before = Some(last.id.clone());
            seen.extend(page.into_iter().map(|s| s.name));
        }
        assert_eq!(seen, ["S4", "S3", "S2", "S1", "S0"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_a_campaign_uses_is_not_deleted() {
    on_each_backend(|db| async move {
        let used = create(&db, "Used", T0).await;
        let free = create(&db, "Free", T0).await;
        assert!(!campaigns::uses_segment(&db, &used.id).await.unwrap());
        let rules = json!({"combinator": "and", "rules": []});
        let new = campaigns::NewCampaignRow {
            id: "K-1",
            name: "With a segment",
            segment_id: Some(&used.id),
            rules: &rules,
            channel: minicrm_domain::campaign::Channel::Email,
            subject: Some("Hello"),
            message: "Hi",
            objective: None,
            tags: &["spring".to_owned()],
            send_at: T0,
            created_by: "test",
            created_at: T0,
        };
        let row = campaigns::create(&db, &new).await.unwrap();
        assert_eq!(row.segment_id.as_deref(), Some(used.id.as_str()));
        assert_eq!(row.tags.0, ["spring"]);
        assert!(campaigns::uses_segment(&db, &used.id).await.unwrap());
        assert!(!campaigns::uses_segment(&db, &free.id).await.unwrap());
        let refused = segments::delete(&db, &used.id).await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        assert!(segments::get(&db, &used.id).await.is_ok());
        segments::delete(&db, &free.id).await.unwrap();
    })
    .await;
}
