//! The deployment as processes: `minicrm api`, `worker` and `vendor` started from the built binary,
//! scaled out on PostgreSQL + RabbitMQ, and put through the faults an operator meets — processes
//! killed with SIGKILL or stopped with SIGTERM mid-work, the vendor down, the broker restarted — after
//! which nothing may be lost or doubled.

mod faults;
mod harness;
mod scale_out;
mod work;

/// Runs a test on SQLite with the database queue, and again on PostgreSQL with RabbitMQ when configured.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name($crate::harness::Backend::Sqlite).await
            })*
        }
        mod postgres_rabbitmq {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                match $crate::harness::Backend::postgres() {
                    Some(backend) => super::$name(backend).await,
                    None => eprintln!("skipped: MINICRM_TEST_DATABASE_URL and MINICRM_TEST_AMQP_URL are not set"),
                }
            })*
        }
    };
}
