//! `customers`: the upsert that ingestion uses (one record per external id, the newest `updated_at`
//! wins, an unchanged record is no update), lookups, search and the pickers' lists.

use crate::fixtures::{customer, customers, upsert, T0};
use crate::harness::on_each_backend;
use minicrm_domain::{NewCustomer, Phone, Timestamp};
use minicrm_store::customers::{self, CustomerQuery};
use minicrm_store::StoreError;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_customer_is_stored_whole_and_reported_changed() {
    on_each_backend(|db| async move {
        let mut new = customer("C-1", T0 + 5);
        new.phone = Some(Phone::parse("+919876543210").unwrap());
        new.city = Some("Pune".into());
        new.attributes = json!({"tier": "gold", "vip": true})
            .as_object()
            .unwrap()
            .clone();
        assert_eq!(upsert(&db, &[new.clone()]).await, vec!["C-1"]);
        let row = customers::get(&db, "C-1").await.unwrap();
        assert_eq!(row.name, new.name);
        assert_eq!(row.email.as_deref(), Some("C-1@example.com"));
        assert_eq!(row.phone.as_deref(), Some("+919876543210"));
        assert_eq!(row.city.as_deref(), Some("Pune"));
        assert_eq!(row.attributes.0, new.attributes);
        assert_eq!((row.created_at, row.updated_at), (T0, T0 + 5));
        assert_eq!((row.total_spend, row.order_count), (0, 0));
        assert_eq!((row.first_order_at, row.last_order_at), (None, None));
        assert!(matches!(
            customers::get(&db, "C-2").await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_record_twice_is_one_customer_and_no_change() {
    on_each_backend(|db| async move {
        let record = customer("C-1", T0);
        assert_eq!(
            upsert(&db, std::slice::from_ref(&record)).await,
            vec!["C-1"]
        );
        assert!(upsert(&db, std::slice::from_ref(&record)).await.is_empty());
        // Sent again later with nothing new: its arrival time is no reason to rewrite it.
        let mut later = record.clone();
        later.updated_at = Timestamp::from_millis(T0 + 1000);
        assert!(upsert(&db, &[later]).await.is_empty());
        assert_eq!(customers::get(&db, "C-1").await.unwrap().updated_at, T0);
        assert_eq!(customers::count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_updated_at_wins_whatever_the_order_of_arrival() {
    on_each_backend(|db| async move {
        let mut newest = customer("C-1", T0 + 200);
        newest.name = "Newest".into();
        let mut oldest = customer("C-1", T0 + 100);
        oldest.name = "Oldest".into();
        upsert(&db, &[customer("C-1", T0)]).await;
        assert_eq!(upsert(&db, &[newest]).await, vec!["C-1"]);
        assert!(upsert(&db, &[oldest]).await.is_empty(), "older loses");
        let row = customers::get(&db, "C-1").await.unwrap();
        assert_eq!((row.name.as_str(), row.updated_at), ("Newest", T0 + 200));
    })
    .await;
}

/// A field, and how a record changes in it.
type Change = (&'static str, fn(&mut NewCustomer));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_field_is_a_change_and_the_earliest_created_at_is_kept() {
    on_each_backend(|db| async move {
        let mut current = customer("C-1", T0);
        upsert(&db, std::slice::from_ref(&current)).await;
        let changes: [Change; 6] = [
            ("name", |c| c.name = "Renamed".into()),
            ("email", |c| c.email = None),
            ("phone", |c| {
                c.phone = Some(Phone::parse("+14155550100").unwrap())
            }),
            ("city", |c| c.city = Some("Delhi".into())),
            ("attributes", |c| {
                c.attributes.insert("tier".into(), json!("silver"));
            }),
            ("an earlier created_at", |c| {
                c.created_at = Timestamp::from_millis(T0 - 50)
            }),
        ];
        // Each record differs from the one stored in one field alone.
        for (field, change) in changes {
            current.updated_at = Timestamp::from_millis(current.updated_at.millis() + 10);
            change(&mut current);
            let changed = upsert(&db, std::slice::from_ref(&current)).await;
            assert_eq!(changed, ["C-1"], "{field}");
            let row = customers::get(&db, "C-1").await.unwrap();
            assert_eq!(row.updated_at, current.updated_at.millis(), "{field}");
        }
        let row = customers::get(&db, "C-1").await.unwrap();
        assert_eq!((row.city.as_deref(), row.email), (Some("Delhi"), None));
        assert_eq!(row.created_at, T0 - 50);
        current.updated_at = Timestamp::from_millis(current.updated_at.millis() + 10);
        current.name = "Renamed again".into();
        current.created_at = Timestamp::from_millis(T0 + 1);
        assert_eq!(upsert(&db, std::slice::from_ref(&current)).await, ["C-1"]);
        let row = customers::get(&db, "C-1").await.unwrap();
        assert_eq!(row.name, "Renamed again");
        assert_eq!(row.created_at, T0 - 50, "a later created_at never moves it");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_larger_than_one_statement_is_stored_whole() {
    on_each_backend(|db| async move {
        let records: Vec<_> = (0..2_345)
            .map(|i| customer(&format!("C-{i}"), T0))
            .collect();
        assert_eq!(upsert(&db, &records).await.len(), 2_345);
        assert!(upsert(&db, &records).await.is_empty());
        assert_eq!(customers::count(&db).await.unwrap(), 2_345);
        let mut tx = db.begin().await.unwrap();
        let wanted: Vec<String> = (0..2_400).map(|i| format!("C-{i}")).collect();
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let found = customers::ids_by_external_id(&mut tx, &wanted)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(found.len(), 2_345, "only those that exist");
        assert!(!found.contains_key("C-2345"));
        let c7 = customers::get(&db, "C-7").await.unwrap().id;
        assert_eq!(found["C-7"], c7);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_matches_text_literally_and_pages_newest_first() {
    on_each_backend(|db| async move {
        let mut people = Vec::new();
        for (ext, name, city, phone) in [
            ("C-1", "Élodie Marchand", "Pune", "+919800000001"),
            ("C-2", "Asha 100% Verma", "pune", "+919800000002"),
            ("C-3", "Ravi_K", "Delhi", "+919800000003"),
            ("C-4", "Ravi K 1000", "Mumbai", "+919800000004"),
        ] {
            let mut c = customer(ext, T0);
            c.name = name.into();
            c.city = Some(city.into());
            c.phone = Some(Phone::parse(phone).unwrap());
            people.push(c);
        }
        upsert(&db, &people).await;
        let found = |q: CustomerQuery| {
            let db = db.clone();
            async move {
                let rows = customers::search(&db, &CustomerQuery { limit: 10, ..q }).await;
                let rows = rows.unwrap();
                rows.into_iter().map(|r| r.external_id).collect::<Vec<_>>()
            }
        };
        let q = |text: &str| CustomerQuery {
            q: Some(text.into()),
            ..Default::default()
        };
        assert_eq!(found(q("élodie")).await, ["C-1"], "Unicode case folding");
        assert_eq!(found(q("ASHA")).await, ["C-2"]);
        assert_eq!(found(q("100%")).await, ["C-2"], "% is literal");
        assert_eq!(found(q("i_k")).await, ["C-3"], "_ is literal");
        assert_eq!(found(q("ravi")).await, ["C-4", "C-3"]);
        assert_eq!(found(q("C-4@EXAMPLE")).await, ["C-4"], "by e-mail");
        assert_eq!(found(q("800000003")).await, ["C-3"], "by phone");
        let pune = CustomerQuery {
            city: Some(" PUNE ".into()),
            ..Default::default()
        };
        assert_eq!(found(pune).await, ["C-2", "C-1"]);
        let all = found(CustomerQuery::default()).await;
        assert_eq!(all, ["C-4", "C-3", "C-2", "C-1"], "newest first");
        let third = customers::get(&db, "C-2").await.unwrap().id;
        let page = CustomerQuery {
            before_id: Some(third),
            limit: 1,
            ..Default::default()
        };
        let rows = customers::search(&db, &page).await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].external_id, "C-1");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_cities_and_attribute_keys_describe_the_customers() {
    on_each_backend(|db| async move {
        let mut records = Vec::new();
        for (i, city) in ["Pune", "Delhi", "Pune", "Agra", "Delhi", "Pune"]
            .iter()
            .enumerate()
        {
            let mut c = customer(&format!("C-{i}"), T0);
            c.city = Some(city.to_string());
            c.attributes.insert(format!("k{}", i % 2), json!(i));
            records.push(c);
        }
        records.push(customer("C-nocity", T0));
        upsert(&db, &records).await;
        let top = customers::top_cities(&db, 10).await.unwrap();
        let expected = [("Pune", 3), ("Delhi", 2), ("Agra", 1)].map(|(c, n)| (c.to_owned(), n));
        assert_eq!(top, expected, "no row for customers without a city");
        assert_eq!(customers::top_cities(&db, 2).await.unwrap(), expected[..2]);
        let keys = customers::attribute_keys(&db, 100).await.unwrap();
        assert_eq!(keys, ["k0", "k1"]);
        // Only the most recent customer (no attributes) and the one before it (k1).
        assert_eq!(customers::attribute_keys(&db, 2).await.unwrap(), ["k1"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recipients_are_the_customers_that_exist_in_id_order() {
    on_each_backend(|db| async move {
        let ids = customers(&db, &["C-1", "C-2", "C-3"]).await;
        let wanted = [ids[2], 999_999, ids[0]];
        let read = customers::recipients_read(&db, &wanted).await.unwrap();
        let read: Vec<_> = read.iter().map(|r| (r.id, r.name.clone())).collect();
        let expected = [(ids[0], "Name of C-1"), (ids[2], "Name of C-3")];
        assert_eq!(read, expected.map(|(id, n)| (id, n.to_owned())));
        let mut tx = db.begin().await.unwrap();
        let inside = customers::recipients(&mut tx, &wanted).await.unwrap();
        tx.rollback().await.unwrap();
        let inside: Vec<_> = inside.iter().map(|r| (r.id, r.name.clone())).collect();
        assert_eq!(inside, read);
    })
    .await;
}
