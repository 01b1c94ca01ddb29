//! Two API processes, two workers and the vendor against one PostgreSQL and one RabbitMQ: batches
//! spread over both APIs (orders racing their customers), a campaign, and exact counts at the end.

use crate::harness::{Backend, Cluster};
use crate::work::{
    assert_campaign_exact, assert_ingestions_completed, assert_records_exact, customer_batches,
    launch_campaign, order_batches, post_all,
};

const CUSTOMERS: usize = 4_000;
const ORDERS_EACH: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apis_two_workers_and_a_vendor_count_exactly() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: scale-out runs on PostgreSQL + RabbitMQ (MINICRM_TEST_DATABASE_URL, MINICRM_TEST_AMQP_URL)");
        return;
    };
    let mut cluster = Cluster::new(&backend, 2, &[("MINICRM_DELIVERY_RATE", "2000")]).await;
    for name in ["vendor", "api-0", "api-1", "worker-a", "worker-b"] {
        cluster.start(name).await;
    }
    let customers = customer_batches("S", 8, CUSTOMERS / 8);
    let orders = order_batches("S", CUSTOMERS, ORDERS_EACH, 1_000);
    // Customers and orders at once, over both APIs: some orders arrive before their customer and
    // wait for it.
    let poster = cluster.poster();
    let all: Vec<_> = customers.iter().chain(&orders).cloned().collect();
    let (ids, sizes, _) = post_all(&poster, &[0, 1], &all, 4).await;
    assert_ingestions_completed(&cluster, &ids, &sizes).await;
    assert_records_exact(&cluster, CUSTOMERS as i64, (CUSTOMERS * ORDERS_EACH) as i64).await;

    let campaign = launch_campaign(&cluster, 1, "Scale-out").await;
    assert_campaign_exact(&cluster, &campaign, CUSTOMERS as i64).await;
    let vendor = cluster.vendor_stats().await;
    assert_eq!(vendor["duplicates"], 0, "nothing was resent: {vendor}");
    for worker in ["worker-a", "worker-b"] {
        let handled = cluster.messages_handled(worker).await;
        assert!(handled > 0, "{worker} took no share of the work");
        eprintln!("{worker} settled {handled} messages");
    }
    cluster.finish().await;
}
