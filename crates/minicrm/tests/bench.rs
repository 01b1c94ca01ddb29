//! The benchmark commands, run end to end at a tiny size so that they keep working: README's figures
//! come from them. (Their own checks run too: the preview's count against the query by hand, every
//! order's aggregate, every recipient's final status.)

use std::process::{Command, Output};

fn minicrm(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_minicrm"))
        .args(args)
        .env("MINICRM_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("MINICRM_AMQP_URL")
        .output()
        .expect("minicrm runs");
    assert!(
        output.status.success(),
        "minicrm {} failed:\n{}\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn bench_segments_times_every_rule_and_agrees_with_the_query_by_hand() {
    let out = stdout(&minicrm(&[
        "bench",
        "segments",
        "--customers",
        "400",
        "--orders",
        "2000",
        "--runs",
        "2",
    ]));
    for label in ["(a) three", "(b) nested", "(c) a 90-day"] {
        assert!(out.contains(label), "{label} missing from:\n{out}");
    }
    assert_eq!(out.matches("preview p50").count(), 3, "{out}");
}

#[test]
fn bench_ingest_times_the_api_and_the_worker_alone() {
    let out = stdout(&minicrm(&[
        "bench",
        "ingest",
        "--customers",
        "200",
        "--orders",
        "2000",
        "--batch",
        "100",
        "--drain",
        "--no-baseline",
    ]));
    assert!(out.contains("orders/s"), "{out}");
}

#[test]
fn bench_delivery_completes_a_campaign() {
    let out = stdout(&minicrm(&["bench", "delivery", "--customers", "300"]));
    assert!(out.contains("messages/s"), "{out}");
}
